/// Taxpayer identification numbers: normalization and the recognized forms of DOMAIN.md.
public enum TaxpayerID {
    /// The form a recognized ID has.
    public enum Form: String, Sendable {
        /// 统一社会信用代码, 18 characters with a mod-31 check character.
        case uscc
        /// A natural person's 18-character resident ID, mod-11 check character.
        case residentID = "resident_id"
        /// 20 characters: a resident ID plus two digits.
        case individualID = "individual_id"
        /// A 15-character legacy tax registration number.
        case legacyRegistration = "legacy_registration"
    }

    /// Folds (NFKC), removes spaces and upper-cases: ` 91110105ma00aaaa0p ` → `91110105MA00AAAA0P`.
    public static func normalize(_ raw: String) -> String {
        TextNormalizer.clean(raw, folding: .nfkc).replacingSpaces().uppercased()
    }

    private static let usccAlphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    /// Byte → its value in `usccAlphabet`, or -1.
    private static let usccValues: [Int] = (0..<256).map { byte in
        usccAlphabet.firstIndex(of: UInt8(byte)) ?? -1
    }
    private static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    private static let residentWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let residentChecks = Array("10X98765432".utf8)

    /// The form of a normalized ID, or nil when it is of none (empty and all-zero values are of none).
    public static func form(of id: String) -> Form? {
        var id = id
        return id.withUTF8 { form(ofBytes: $0) }
    }

    /// `form(of:)` on the ID's UTF-8 bytes.
    static func form(ofBytes bytes: UnsafeBufferPointer<UInt8>) -> Form? {
        guard !bytes.isEmpty, !bytes.allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
        switch bytes.count {
        case 18:
            if isResidentID(bytes) { return .residentID }
            return isUSCC(bytes) ? .uscc : nil
        case 20:
            return bytes[18...].allSatisfy(isDigit) && isResidentID(UnsafeBufferPointer(rebasing: bytes[..<18]))
                ? .individualID : nil
        case 15:
            return bytes[..<6].allSatisfy(isDigit) && bytes[6...].allSatisfy({ isDigit($0) || isUpper($0) })
                ? .legacyRegistration : nil
        default:
            return nil
        }
    }

    /// GB 32100-2015: 18 characters of the 31-symbol alphabet, the last a mod-31 check character.
    static func isUSCC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let (values, weights) = (usccValues, usccWeights)  // one lazy-global check each, not one per byte
        var sum = 0
        for index in 0..<17 {
            let value = values[Int(bytes[index])]
            guard value >= 0 else { return false }
            sum += value * weights[index]
        }
        return usccAlphabet[(31 - sum % 31) % 31] == bytes[17]
    }

    /// GB 11643: 17 digits and a mod-11 check character (`0-9` or `X`).
    static func isResidentID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 18, bytes[..<17].allSatisfy(isDigit) else { return false }
        let weights = residentWeights
        var sum = 0
        for index in 0..<17 { sum += Int(bytes[index] - 48) * weights[index] }
        return residentChecks[sum % 11] == bytes[17]
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
    private static func isUpper(_ byte: UInt8) -> Bool { (65...90).contains(byte) }
}
