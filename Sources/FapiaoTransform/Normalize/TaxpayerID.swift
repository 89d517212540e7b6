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

    /// The 31 symbols of a USCC, by value. (No lookup tables in the checks below: a lazy global costs a
    /// `swift_once` call on every use, and these run twice per record.)
    static let usccSymbols: StaticString = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    /// The check characters of a resident ID, by the weighted sum mod 11.
    static let residentChecks: StaticString = "10X98765432"

    /// The value of a USCC symbol (its index in `usccSymbols`), or -1.
    @inline(__always)
    static func usccValue(_ byte: UInt8) -> Int {
        switch byte {
        case 48...57: return Int(byte - 48)       // 0-9
        case 65...72: return Int(byte - 65) + 10  // A-H
        case 74...78: return Int(byte - 74) + 18  // J-N (no I)
        case 80...82: return Int(byte - 80) + 23  // P-R (no O)
        case 84...85: return Int(byte - 84) + 26  // T-U (no S)
        case 87...89: return Int(byte - 87) + 28  // W-Y (no V, no Z)
        default: return -1
        }
    }

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

    /// GB 32100-2015: 18 characters of the 31-symbol alphabet, the last a mod-31 check character; the
    /// weights are 3^i mod 31 (1, 3, 9, 27, 19, …), summed by Horner's rule from the last character.
    static func isUSCC(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var sum = 0
        for index in stride(from: 16, through: 0, by: -1) {
            let value = usccValue(bytes[index])
            guard value >= 0 else { return false }
            sum = sum * 3 + value  // below 31 × 3^17: no overflow, one modulo at the end
        }
        return usccSymbols.utf8Start[(31 - sum % 31) % 31] == bytes[17]
    }

    /// GB 11643: 17 digits and a mod-11 check character (`0-9` or `X`); the weights are 2^(17-i) mod 11
    /// (7, 9, 10, 5, …), summed by Horner's rule.
    static func isResidentID(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 18, bytes[..<17].allSatisfy(isDigit) else { return false }
        var sum = 0
        for index in 0..<17 { sum = sum * 2 + Int(bytes[index] - 48) }  // below 10 × 2^17
        return residentChecks.utf8Start[sum * 2 % 11] == bytes[17]
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
    private static func isUpper(_ byte: UInt8) -> Bool { (65...90).contains(byte) }
}
