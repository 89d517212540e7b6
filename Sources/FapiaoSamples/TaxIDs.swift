/// Taxpayer identifiers of the sample chain: generated valid, broken on purpose, and recognized
/// by the rules of DOMAIN.md ("Taxpayer IDs"), so the truth can tell which values are suspicious.
enum TaxID {
    /// The 31 symbols of a unified social credit code (no I, O, S, V, Z).
    static let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    private static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    private static let residentWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let residentChecks = Array("10X98765432")
    /// Beijing district codes used in generated IDs.
    static let districts = ["110101", "110102", "110105", "110106", "110107", "110108", "110112", "110113", "110114"]

    /// The mod-31 check character of a 17-character USCC body; nil when a character is not in the alphabet.
    static func usccCheck(_ body: String) -> Character? {
        let chars = Array(body)
        guard chars.count == 17 else { return nil }
        var sum = 0
        for (index, char) in chars.enumerated() {
            guard let value = usccAlphabet.firstIndex(of: char) else { return nil }
            sum += value * usccWeights[index]
        }
        return usccAlphabet[(31 - sum % 31) % 31]
    }

    /// The mod-11 check character of a 17-digit resident ID body; nil unless 17 ASCII digits.
    static func residentCheck(_ body: String) -> Character? {
        let digits = body.compactMap { $0.wholeNumberValue }
        guard body.count == 17, digits.count == 17, body.allSatisfy(\.isASCII) else { return nil }
        let sum = zip(digits, residentWeights).reduce(0) { $0 + $1.0 * $1.1 }
        return residentChecks[sum % 11]
    }

    /// An 18-character USCC whose check character is right.
    static func isValidUSCC(_ id: String) -> Bool {
        guard id.count == 18, let last = id.last else { return false }
        return usccCheck(String(id.dropLast())) == last
    }

    /// An 18-character resident ID whose check character is right.
    static func isValidResidentID(_ id: String) -> Bool {
        guard id.count == 18, let last = id.last else { return false }
        return residentCheck(String(id.dropLast())) == last
    }

    /// True when `id` has one of DOMAIN.md's recognized forms (empty counts: a private buyer).
    static func isRecognized(_ id: String) -> Bool {
        if id.isEmpty { return true }
        if id.allSatisfy({ $0 == "0" }) { return false }
        if isValidUSCC(id) || isValidResidentID(id) { return true }
        let chars = Array(id)
        if chars.count == 20, chars[18...].allSatisfy(\.isASCIIDigit) {
            return isValidResidentID(String(chars[..<18]))
        }
        return chars.count == 15 && chars[..<6].allSatisfy(\.isASCIIDigit)
            && chars[6...].allSatisfy { $0.isASCIIDigit || ("A"..."Z").contains($0) }
    }

    /// A valid USCC of an enterprise registered in a Beijing district.
    static func makeUSCC(_ random: inout SampleRandom) -> String {
        let district = random.pick(districts)
        let organization: String
        if random.chance(50) {
            organization = "MA0" + String((0..<6).map { _ in usccAlphabet[random.below(31)] })
        } else {
            organization = random.digits(9)
        }
        let body = "91" + district + organization
        return body + String(usccCheck(body) ?? "0")
    }

    /// A valid 18-character resident ID of a person born 1960–2000 in Beijing.
    static func makeResidentID(_ random: inout SampleRandom) -> String {
        let birth = "\(random.int(in: 1960...2000))\(twoDigits(random.int(in: 1...12)))\(twoDigits(random.int(in: 1...28)))"
        let body = random.pick(districts) + birth + random.digits(3)
        return body + String(residentCheck(body) ?? "0")
    }

    /// A 20-character individual ID: a resident ID plus two digits.
    static func makeIndividualID(_ random: inout SampleRandom) -> String {
        makeResidentID(&random) + random.digits(2)
    }

    /// A 15-character legacy tax registration number (no check character known).
    static func makeLegacyNumber(_ random: inout SampleRandom) -> String {
        random.pick(districts) + random.digits(6) + String((0..<3).map { _ in usccAlphabet[10 + random.below(21)] })
    }

    /// The same USCC with a wrong check character; never one of the recognized forms.
    static func breakingChecksum(of uscc: String) -> String {
        let body = String(uscc.dropLast())
        for shift in 1..<31 {
            guard let last = uscc.last, let index = usccAlphabet.firstIndex(of: last) else { break }
            let broken = body + String(usccAlphabet[(index + shift) % 31])
            if !isRecognized(broken) { return broken }
        }
        return body + "I"
    }

    /// Two digits with a leading zero.
    static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension Character {
    /// True for the ASCII digits 0–9 (not full-width or other numerals).
    var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
