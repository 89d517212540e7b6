import FapiaoCore

/// `MoneyNormalizer` on bytes: the common notations read directly, the others handed to its byte parser.
extension ByteFields {
    /// `MoneyNormalizer.parse(raw)`, using `scratch`; nil when the `String` path is needed.
    static func money(_ raw: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> Parsed<ParsedMoney>? {
        if let simple = simpleMoney(raw) { return .value(simple) }  // only `-0-9.`: already clean
        scratch.removeAll(keepingCapacity: true)
        guard ByteText.clean(raw, folding: .nfkc, into: &scratch) else { return nil }
        if scratch.isEmpty { return .empty }
        if let simple = scratch.withUnsafeBufferPointer(simpleMoney) { return .value(simple) }
        return MoneyNormalizer.parse(cleaned: scratch)
    }

    /// The common notations, read as `MoneyNormalizer` reads them: an optional `¥` and `-` (either order),
    /// whole digits (grouped by commas every three, or not; at most 15), an optional `.` and decimals. Nil
    /// for any other form (the general parse then decides).
    static func simpleMoney(_ bytes: UnsafeBufferPointer<UInt8>) -> ParsedMoney? {
        var index = 0, negative = false, currency = false
        while index < bytes.count {
            if !currency, bytes[index] == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA5 {
                currency = true
                index += 2
            } else if !negative, bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            } else {
                break
            }
        }
        guard let (whole, wholeDigits, afterWhole) = groupedWhole(bytes, from: index) else { return nil }
        index = afterWhole
        var fraction: (Int64, Int64, Int64) = (0, 0, 0), fractionDigits = 0, more = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) {
                let digit = Int64(bytes[index] - 48)
                switch fractionDigits {
                case 0: fraction.0 = digit
                case 1: fraction.1 = digit
                case 2: fraction.2 = digit; more = more || digit != 0
                default: more = more || digit != 0
                }
                fractionDigits += 1
                index += 1
            }
        }
        guard index == bytes.count, wholeDigits + fractionDigits > 0 else { return nil }
        var fen = whole * 100 + fraction.0 * 10 + fraction.1
        if fraction.2 >= 5 { fen += 1 }
        return ParsedMoney(fen: Fen(negative ? -fen : fen), hadMoreDecimals: more)
    }

    /// The whole part from `start`: its value, digit count and end; nil past 15 digits or for grouping
    /// that is not `d{1,3}(,ddd)*`.
    private static func groupedWhole(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int)
        -> (value: Int64, digits: Int, end: Int)?
    {
        var index = start, value: Int64 = 0, digits = 0, group = 0, groups = 1
        while index < bytes.count {
            let byte = bytes[index]
            if isDigit(byte) {
                guard digits < 15 else { return nil }
                value = value * 10 + Int64(byte - 48)
                digits += 1
                group += 1
            } else if byte == UInt8(ascii: ",") {
                guard groups == 1 ? (1...3).contains(group) : group == 3 else { return nil }
                groups += 1
                group = 0
            } else {
                break
            }
            index += 1
        }
        guard groups == 1 || group == 3 else { return nil }
        return (value, digits, index)
    }
}
