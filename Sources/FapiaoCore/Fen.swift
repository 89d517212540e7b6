/// An amount of money in fen (0.01 yuan), held as an exact integer. Never a `Double`.
///
/// The canonical written form has exactly two decimals: `Fen(123450).description == "1234.50"`,
/// `Fen(-5).description == "-0.05"`.
public struct Fen: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The amount in fen.
    public var value: Int64

    /// Wraps an amount in fen.
    public init(_ value: Int64) { self.value = value }

    /// Parses the canonical form written by `description`: optional `-`, digits, optional `.` and one or two
    /// decimals. Returns nil for anything else (grouping, currency signs, more decimals, overflow).
    public init?(canonical text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Fen(canonicalBytes: $0) }) else { return nil }
        self = parsed
    }

    /// `init(canonical:)` on UTF-8 bytes, for readers that never make a `String`.
    public init?(canonicalBytes bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0, negative = false
        if bytes.first == UInt8(ascii: "-") { negative = true; index = 1 }
        guard index < bytes.count,
              let magnitude = Fen.parseUnsigned(UnsafeBufferPointer(rebasing: bytes[index...])) else { return nil }
        value = negative ? -magnitude : magnitude
    }

    private static func parseUnsigned(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var whole: Int64 = 0, fraction: Int64 = 0, decimals = -1, sawDigit = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard decimals < 0 else { return nil }
                decimals = 0
                continue
            }
            guard byte >= 48, byte <= 57 else { return nil }
            let digit = Int64(byte - 48)
            sawDigit = true
            if decimals >= 0 {
                decimals += 1
                guard decimals <= 2 else { return nil }
                fraction = fraction * 10 + digit
            } else {
                let (times, o1) = whole.multipliedReportingOverflow(by: 10)
                let (plus, o2) = times.addingReportingOverflow(digit)
                guard !o1, !o2, plus <= Int64.max / 100 else { return nil }
                whole = plus
            }
        }
        guard sawDigit else { return nil }
        if decimals == 1 { fraction *= 10 }
        let (total, overflow) = (whole * 100).addingReportingOverflow(fraction)
        return overflow ? nil : total
    }

    public var description: String {
        let magnitude = value.magnitude
        let cents = magnitude % 100
        let sign = value < 0 ? "-" : ""
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    public static func < (lhs: Fen, rhs: Fen) -> Bool { lhs.value < rhs.value }
    public static func + (lhs: Fen, rhs: Fen) -> Fen { Fen(lhs.value &+ rhs.value) }
    public static func - (lhs: Fen, rhs: Fen) -> Fen { Fen(lhs.value &- rhs.value) }
    public static prefix func - (operand: Fen) -> Fen { Fen(-operand.value) }
    /// Zero fen.
    public static let zero = Fen(0)
}
