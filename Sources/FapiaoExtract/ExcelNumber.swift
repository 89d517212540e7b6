import FapiaoCore

/// The text of an xlsx numeric cell (`<v>6876.1</v>`, `<v>1.2E-2</v>`) as plain decimal text, computed on the
/// decimal digits (never through `Double`), so transform's money and date rules read it as written.
///
/// Excel stores numbers as binary doubles and writes up to 17 significant digits (`6876.1000000000004`), but
/// shows at most 15: the value is rounded half-up to 15 significant digits (what a person sees in Excel), and
/// trailing zeros after the point are dropped. Examples: `6876.1` → `6876.1`; `1.2E-2` → `0.012`;
/// `6876.1000000000004` → `6876.1`; `0.30000000000000004` → `0.3`; `-5E+3` → `-5000`; `1.5E+20` →
/// `150000000000000000000`.
struct ExcelNumber: Equatable {
    /// True for a negative, non-zero value.
    let negative: Bool
    /// Significant digits without leading or trailing zeros (`"0"` for zero).
    let digits: [UInt8]
    /// The value is `digits × 10^exponent`.
    let exponent: Int

    /// The most significant digits kept.
    static let significantDigits = 15

    /// Parses `[+-]digits[.digits][(E|e)[+-]digits]`; nil for anything else or an exponent beyond ±400.
    init?(_ text: UnsafeBufferPointer<UInt8>) {
        var index = 0
        var negative = false
        if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa: [UInt8] = []
        var fraction = 0
        var seenPoint = false
        while index < text.count {
            if let digit = ExcelNumber.digit(text[index]) {
                mantissa.append(digit)
                if seenPoint { fraction += 1 }
            } else if text[index] == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                break
            }
            index += 1
        }
        guard !mantissa.isEmpty, let written = ExcelNumber.exponent(text, from: index) else { return nil }
        self.init(negative: negative, mantissa: mantissa, exponent: written - fraction)
    }

    /// A value from a digit string and its power of ten, rounded to 15 significant digits.
    init(negative: Bool, mantissa: [UInt8], exponent: Int) {
        var digits = Array(mantissa.drop { $0 == 0 })
        var power = exponent
        if digits.count > ExcelNumber.significantDigits {
            power += digits.count - ExcelNumber.significantDigits
            let roundUp = digits[ExcelNumber.significantDigits] >= 5
            digits.removeLast(digits.count - ExcelNumber.significantDigits)
            if roundUp { ExcelNumber.increment(&digits) }
        }
        while digits.count > 1, digits.last == 0 { digits.removeLast(); power += 1 }
        if digits.isEmpty { digits = [0]; power = 0 }
        self.negative = negative && digits != [0]
        self.digits = digits
        self.exponent = digits == [0] ? 0 : power
    }

    /// Plain decimal text: `-0.012`, `6876.1`, `5000`.
    var text: String {
        var out: [UInt8] = []
        appendText(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the plain decimal text's bytes.
    func appendText(to out: inout [UInt8]) {
        if negative { out.append(UInt8(ascii: "-")) }
        let point = digits.count + exponent
        if point <= 0 {
            out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
        }
        for (index, digit) in digits.enumerated() {
            if index == point && point > 0 { out.append(UInt8(ascii: ".")) }
            out.append(digit + 48)
        }
        if exponent > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: exponent)) }
    }

    /// The integer part and the fraction's digits (for serial dates): `45764.4375` → (45764, [4, 3, 7, 5]).
    /// Nil for a negative value or an integer part beyond 10^15.
    var integerAndFraction: (integer: Int, fraction: [UInt8])? {
        guard !negative else { return nil }
        let point = digits.count + exponent
        guard point <= 15 else { return nil }
        var integer = 0
        for index in 0..<max(point, 0) { integer = integer * 10 + Int(index < digits.count ? digits[index] : 0) }
        let fraction = point >= 0 ? Array(digits.dropFirst(point)) : Array(repeating: 0, count: -point) + digits
        return (integer, fraction)
    }

    private static func digit(_ byte: UInt8) -> UInt8? { (48...57).contains(byte) ? byte - 48 : nil }

    /// The exponent written from `index` on (0 when there is none); nil for trailing junk or a huge exponent.
    private static func exponent(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        guard index < text.count else { return 0 }
        guard text[index] == UInt8(ascii: "E") || text[index] == UInt8(ascii: "e") else { return nil }
        index += 1
        var sign = 1
        if index < text.count, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            sign = text[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
        }
        var value = 0
        guard index < text.count else { return nil }
        while index < text.count {
            guard let digit = digit(text[index]), value < 1000 else { return nil }
            value = value * 10 + Int(digit)
            index += 1
        }
        return value <= 400 ? sign * value : nil
    }

    /// Adds one unit in the last place (a carry out of the first digit becomes a leading 1, the length kept by
    /// the caller's trailing-zero trim).
    private static func increment(_ digits: inout [UInt8]) {
        var index = digits.count - 1
        while index >= 0 {
            if digits[index] < 9 { digits[index] += 1; return }
            digits[index] = 0
            index -= 1
        }
        digits.insert(1, at: 0)
    }
}
