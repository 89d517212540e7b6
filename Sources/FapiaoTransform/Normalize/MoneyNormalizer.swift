import FapiaoCore

/// An amount read from an export, in fen, and whether it was written with more than two decimals.
public struct ParsedMoney: Equatable, Sendable {
    /// The amount, rounded half-up (away from zero) to the fen.
    public var fen: Fen
    /// True when digits other than zeros followed the second decimal (a `suspicious_field`).
    public var hadMoreDecimals: Bool

    /// Wraps a parsed amount.
    public init(fen: Fen, hadMoreDecimals: Bool = false) {
        self.fen = fen
        self.hadMoreDecimals = hadMoreDecimals
    }
}

/// Reads money in the notations of DOMAIN.md into integer fen, never through floating point.
///
/// `1234.5`, `¥1,234.50`, `￥1,234.50`, `1234.50元`, `１２３４．５０`, `-1234.50`, `¥-4,810.00`, `-¥4,810.00`,
/// `(4,810.00)` and `−1234.50` (U+2212) are all read; grouping commas must sit every three digits.
public enum MoneyNormalizer {
    /// Parses one raw money field.
    public static func parse(_ raw: String) -> Parsed<ParsedMoney> {
        let text = TextNormalizer.clean(raw, folding: .nfkc)
        if text.isEmpty { return .empty }
        return parse(cleaned: Array(text.utf8))
    }

    /// Parses a money field already cleaned (`TextNormalizer.clean(_:folding: .nfkc)`) and not empty.
    static func parse(cleaned: [UInt8]) -> Parsed<ParsedMoney> {
        var bytes = cleaned
        bytes.removeAll { $0 == UInt8(ascii: " ") }
        guard let (negative, body) = stripMarks(bytes), let money = parseBody(body) else { return .invalid }
        return .value(negative ? ParsedMoney(fen: -money.fen, hadMoreDecimals: money.hadMoreDecimals) : money)
    }

    private static let yen: [UInt8] = [0xC2, 0xA5]
    private static let yuan: [UInt8] = Array("元".utf8)
    private static let unicodeMinus: [UInt8] = [0xE2, 0x88, 0x92]

    /// Removes the sign, currency marks and parentheses around the digits; nil when they are malformed.
    private static func stripMarks(_ bytes: [UInt8]) -> (negative: Bool, body: ArraySlice<UInt8>)? {
        var body = bytes[...]
        let parenthesized = body.first == UInt8(ascii: "(")
        if parenthesized {
            guard body.last == UInt8(ascii: ")") else { return nil }
            body = body.dropFirst().dropLast()
        }
        if body.count >= yuan.count, body.suffix(yuan.count).elementsEqual(yuan) { body = body.dropLast(yuan.count) }
        var minus = false, plus = false, currency = false
        while let first = body.first, !isDigitOrDot(first) {
            if !currency, body.starts(with: yen) { currency = true; body = body.dropFirst(yen.count); continue }
            if !minus, !plus, first == UInt8(ascii: "-") { minus = true; body = body.dropFirst(); continue }
            if !minus, !plus, body.starts(with: unicodeMinus) { minus = true; body = body.dropFirst(3); continue }
            if !minus, !plus, first == UInt8(ascii: "+") { plus = true; body = body.dropFirst(); continue }
            return nil
        }
        if parenthesized && (minus || plus) { return nil }
        return (minus || parenthesized, body)
    }

    private static func isDigitOrDot(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || byte == UInt8(ascii: ".")
    }

    /// Reads `digits[,ddd…][.digits]` as a magnitude in fen, rounding past the second decimal half-up.
    static func parseBody(_ body: ArraySlice<UInt8>) -> ParsedMoney? {
        let parts = body.split(separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parseWhole(parts[0]) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : []
        guard fraction.allSatisfy({ (48...57).contains($0) }), !(parts[0].isEmpty && fraction.isEmpty) else { return nil }
        let digits = fraction.map { Int64($0 - 48) } + [0, 0, 0]
        var fen = digits[0] * 10 + digits[1]
        if digits[2] >= 5 { fen += 1 }
        let more = digits.dropFirst(2).contains { $0 != 0 }
        let (scaled, o1) = whole.multipliedReportingOverflow(by: 100)
        let (sum, o2) = scaled.addingReportingOverflow(fen)
        guard !o1, !o2 else { return nil }
        return ParsedMoney(fen: Fen(sum), hadMoreDecimals: more)
    }

    /// Reads the integer part: plain digits, or groups of three after a first group of one to three.
    private static func parseWhole(_ text: ArraySlice<UInt8>) -> Int64? {
        let groups = text.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        if groups.count > 1 {
            guard (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        var value: Int64 = 0
        for group in groups {
            for byte in group {
                guard (48...57).contains(byte) else { return nil }
                let (times, o1) = value.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(Int64(byte - 48))
                guard !o1, !o2 else { return nil }
                value = plus
            }
        }
        return value
    }
}
