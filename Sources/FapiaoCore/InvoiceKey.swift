/// The identity of an invoice: a legacy code + number, a 20-digit digital number, or both.
///
/// The canonical key text is the 20-digit number when present, otherwise `code-number`
/// (`011002300111-00461160`). Two identities *match* when either the digital numbers or the
/// code + number pairs are equal and non-empty (a paper invoice issued through the digital platform has both).
public struct InvoiceIdentity: Hashable, Sendable {
    /// 10 or 12 digits, or empty.
    public var code: String
    /// 8 digits, or empty.
    public var number: String
    /// 20 digits, or empty.
    public var digitalNumber: String

    /// Builds an identity from already-normalized digit strings.
    public init(code: String = "", number: String = "", digitalNumber: String = "") {
        self.code = code
        self.number = number
        self.digitalNumber = digitalNumber
    }

    /// The canonical key text, or nil when the identity has neither a digital number nor a code + number.
    public var keyText: String? {
        if !digitalNumber.isEmpty { return digitalNumber }
        if !code.isEmpty, !number.isEmpty { return "\(code)-\(number)" }
        if !number.isEmpty { return number }
        return nil
    }

    /// The packed digital number, when there is one.
    public var packedDigital: PackedKey? { PackedKey(digitalNumber: digitalNumber) }

    /// The packed code + number, when there are both.
    public var packedLegacy: PackedKey? { PackedKey(code: code, number: number) }

    /// The key an index uses first: digital when present, else legacy.
    public var packedPrimary: PackedKey? { packedDigital ?? packedLegacy }
}

/// A compact, hashable form of one identity (16 bytes): a 20-digit number, or a code + number.
///
/// Layout: bit 127 set for code + number, bits 120...126 hold the code's length (so `0110023001` and
/// `000110023001` differ), the rest the decimal value of the digits. 20-digit numbers exceed `UInt64`.
public struct PackedKey: Hashable, Comparable, Sendable {
    /// The packed bits.
    public var bits: UInt128

    /// Packs a 20-digit digital number; nil unless exactly 20 ASCII digits.
    public init?(digitalNumber: String) {
        guard digitalNumber.utf8.count == 20, let value = PackedKey.decimal(digitalNumber.utf8) else { return nil }
        bits = value
    }

    /// Packs a code (1-12 digits) and number (1-8 digits); nil unless both are digits.
    public init?(code: String, number: String) {
        let codeLength = code.utf8.count, numberLength = number.utf8.count
        guard (1...12).contains(codeLength), (1...8).contains(numberLength),
              let codeValue = PackedKey.decimal(code.utf8), let numberValue = PackedKey.decimal(number.utf8)
        else { return nil }
        bits = (UInt128(1) << 127) | (UInt128(codeLength) << 120) | (codeValue * 100_000_000 + numberValue)
    }

    private static func decimal(_ digits: String.UTF8View) -> UInt128? {
        var value: UInt128 = 0
        for byte in digits {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + UInt128(byte - 48)
        }
        return value
    }

    public static func < (lhs: PackedKey, rhs: PackedKey) -> Bool { lhs.bits < rhs.bits }
}
