import FapiaoCore

/// The field normalizers of `RecordNormalizer` on UTF-8 bytes, each the exact twin of a `String` one.
/// A nil result means "take the `String` path for this record".
enum ByteFields {
    /// What `IdentityNormalizer.digits` makes of a value.
    enum Digits { case none, digits, slow }

    /// Appends `IdentityNormalizer.digits(raw)` to `out` (`.digits`); `.none` when that is nil.
    static func digits(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Digits {
        if raw.isEmpty { return .none }
        if raw.allSatisfy(isDigit) { out.append(contentsOf: raw); return .digits }
        let start = out.count
        guard ByteText.clean(raw, folding: .nfkc, into: &out) else { return .slow }
        removeSpaces(from: start, in: &out)
        var text = start..<out.count
        if out.count - start >= 3, out[start] == UInt8(ascii: "="), out[start + 1] == UInt8(ascii: "\""),
           out[out.count - 1] == UInt8(ascii: "\"") {
            text = (start + 2)..<(out.count - 1)
        }
        if !text.isEmpty, out[text.lowerBound] == UInt8(ascii: "'") { text = (text.lowerBound + 1)..<text.upperBound }
        if let dot = out[text].firstIndex(of: UInt8(ascii: ".")),
           out[(dot + 1)..<text.upperBound].allSatisfy({ $0 == UInt8(ascii: "0") }) {
            text = text.lowerBound..<dot
        }
        guard !text.isEmpty, out[text].allSatisfy(isDigit) else { out.removeSubrange(start...); return .none }
        out.replaceSubrange(start..<out.count, with: Array(out[text]))
        return .digits
    }

    /// Left-pads the digits at `start...` to the length `lengths` maps their length to, or removes them.
    static func pad(from start: Int, in out: inout [UInt8], lengths: (Int) -> Int?) {
        guard let target = lengths(out.count - start) else { out.removeSubrange(start...); return }
        let zeros = target - (out.count - start)
        if zeros > 0 { out.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: zeros), at: start) }
    }

    /// `IdentityNormalizer.codeLengths` as a function.
    static func codeLength(_ count: Int) -> Int? {
        switch count {
        case 9, 10: return 10
        case 11, 12: return 12
        default: return nil
        }
    }

    /// `IdentityNormalizer.numberLengths` as a function.
    static func numberLength(_ count: Int) -> Int? { (1...8).contains(count) ? 8 : nil }

    /// Appends `TaxpayerID.normalize(raw)`; false when the `String` path is needed.
    static func taxpayerID(_ raw: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        let start = out.count
        guard ByteText.clean(raw, folding: .nfkc, into: &out) else { return false }
        removeSpaces(from: start, in: &out)
        for index in start..<out.count where out[index] >= UInt8(ascii: "a") && out[index] <= UInt8(ascii: "z") {
            out[index] -= 32
        }
        return true
    }

    /// `DateNormalizer.parse(raw)`, using `scratch`; nil when the `String` path is needed.
    static func date(_ raw: UnsafeBufferPointer<UInt8>, dates: DateNormalizer, scratch: inout [UInt8])
        -> Parsed<IssueDate>?
    {
        scratch.removeAll(keepingCapacity: true)
        guard ByteText.clean(raw, folding: .nfkc, into: &scratch) else { return nil }
        if scratch.isEmpty { return .empty }
        return dates.parse(cleaned: scratch[...])
    }

    /// Appends a date as `YYYY-MM-DD` (`IssueDate.description`; years are 1900...2199).
    static func append<Out: ByteOutput>(_ date: IssueDate, to out: inout Out) {
        let (year, month, day) = (date.year, date.month, date.day)
        var text: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
            digit(year / 1000), digit(year / 100), digit(year / 10), digit(year), UInt8(ascii: "-"),
            digit(month / 10), digit(month), UInt8(ascii: "-"), digit(day / 10), digit(day))
        withUnsafeBytes(of: &text) { out.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// The ASCII digit of `value % 10`.
    @inline(__always)
    private static func digit<Number: BinaryInteger>(_ value: Number) -> UInt8 { UInt8(48 + value % 10) }

    /// Appends `Fen.description`: sign, whole yuan, two decimals.
    static func append<Out: ByteOutput>(_ fen: Fen, to out: inout Out) {
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes, filled from the end
        withUnsafeMutableBytes(of: &text) { buffer in
            var index = buffer.count - 1
            var rest = fen.value.magnitude
            for _ in 0..<2 {
                buffer[index] = digit(rest)
                rest /= 10
                index -= 1
            }
            buffer[index] = UInt8(ascii: ".")
            index -= 1
            repeat {
                buffer[index] = digit(rest)
                rest /= 10
                index -= 1
            } while rest > 0
            if fen.value < 0 {
                buffer[index] = UInt8(ascii: "-")
                index -= 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(index + 1)...]).assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Removes every space (U+0020) from `out[start...]`.
    static func removeSpaces(from start: Int, in out: inout [UInt8]) {
        guard out[start...].contains(0x20) else { return }
        var write = start
        for read in start..<out.count where out[read] != 0x20 {
            out[write] = out[read]
            write += 1
        }
        out.removeSubrange(write...)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
