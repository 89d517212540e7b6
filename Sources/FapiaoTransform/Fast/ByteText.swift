/// `TextNormalizer.clean` and `TextNormalizer.remark` on UTF-8 bytes, for the fast path of `FastNormalizer`.
///
/// Each function appends the result to `out` and returns true, or returns false (with `out` in any state)
/// when the value needs what only the `String` path does: Foundation normalization (a scalar outside the
/// fast-fold sets of `UnicodeFolding`), or repair of bytes that are not UTF-8. The caller then normalizes
/// the whole record the `String` way, so the two paths can never disagree on what they both accept.
enum ByteText {
    /// Appends `TextNormalizer.clean(value, folding:)`; false when the `String` path is needed.
    static func clean<Out: ByteOutput>(_ value: UnsafeBufferPointer<UInt8>, folding: TextNormalizer.Folding,
                                       into out: inout Out) -> Bool
    {
        if isPlain(value, folding: folding) {
            if !(value.count == 2 && value[0] == 0x2D && value[1] == 0x2D) { out.append(contentsOf: value) }
            return true
        }
        let start = out.count
        var line = LineCollapser(start: start)
        let ok = forEachScalar(value, folding: folding) { line.add($0, to: &out) }
        guard ok else { return false }
        removePlaceholder(from: start, in: &out)
        return true
    }

    /// True when `TextNormalizer.clean(value, folding: .nfkc)` is empty; nil when the `String` path is needed.
    static func isBlank(_ value: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> Bool? {
        if isPlain(value, folding: .nfkc) {
            return value.isEmpty || (value.count == 2 && value[0] == 0x2D && value[1] == 0x2D)
        }
        scratch.removeAll(keepingCapacity: true)
        guard clean(value, folding: .nfkc, into: &scratch) else { return nil }
        return scratch.isEmpty
    }

    /// Appends `TextNormalizer.remark(value)`; false when the `String` path is needed.
    static func remark<Out: ByteOutput>(_ value: UnsafeBufferPointer<UInt8>, into out: inout Out) -> Bool {
        if isPlain(value, folding: .nfc) { return clean(value, folding: .nfc, into: &out) }  // one line
        let start = out.count
        var line = LineCollapser(start: start)
        var lastLineEnd = start  // where the text up to the last non-empty line ends
        var afterCR = false
        let ok = forEachScalar(value, folding: .nfc) { scalar in
            defer { afterCR = scalar == 0x0D }
            if scalar == 0x0A && afterCR { return }
            guard scalar == 0x0A || scalar == 0x0D else { line.add(scalar, to: &out); return }
            if out.count > line.start { lastLineEnd = out.count }  // the line just ended holds text
            if lastLineEnd > start { out.append(0x0A) }  // else it is a leading empty line: dropped
            line = LineCollapser(start: out.count)
        }
        guard ok else { return false }
        if out.count > line.start { lastLineEnd = out.count }
        if out.count > lastLineEnd { out.removeSuffix(from: lastLineEnd) }  // trailing empty lines are dropped
        removePlaceholder(from: start, in: &out)
        return true
    }

    /// True when `value` is already clean: printable ASCII, CJK ideographs U+4E00-U+9FFF (and, for NFC,
    /// the full-width forms U+FF00-U+FFEF), single spaces between them, none at either end. Such a value
    /// is what both foldings leave alone, so `clean` is the value itself (or empty, for `--`).
    @inline(__always)
    static func isPlain(_ value: UnsafeBufferPointer<UInt8>, folding: TextNormalizer.Folding) -> Bool {
        var index = 0
        var afterSpace = true
        let count = value.count
        while index < count {
            let byte = value[index]
            if byte > 0x20 && byte < 0x7F {
                afterSpace = false
                index += 1
            } else if byte == 0x20 {
                if afterSpace { return false }
                afterSpace = true
                index += 1
            } else if index + 2 < count, value[index + 1] & 0xC0 == 0x80, value[index + 2] & 0xC0 == 0x80,
                      isPlainThreeByte(byte, value[index + 1], folding) {
                afterSpace = false
                index += 3
            } else {
                return false
            }
        }
        return !afterSpace || count == 0
    }

    /// A three-byte sequence (continuation bytes checked) for U+4E00-U+9FFF, or for NFC U+FF00-U+FFEF.
    @inline(__always)
    private static func isPlainThreeByte(_ lead: UInt8, _ second: UInt8, _ folding: TextNormalizer.Folding) -> Bool {
        if lead >= 0xE5 && lead <= 0xE9 { return true }
        if lead == 0xE4 { return second >= 0xB8 }
        return lead == 0xEF && folding == .nfc && second >= 0xBC && second <= 0xBE
    }

    /// Empties the value appended from `start` when it is the placeholder `--`.
    private static func removePlaceholder<Out: ByteOutput>(from start: Int, in out: inout Out) {
        if out.count - start == 2, out[start] == 0x2D, out[start + 1] == 0x2D { out.removeSuffix(from: start) }
    }

    /// Calls `body` with each scalar of `value` that is not invisible, folded as `folding` asks; false when
    /// the bytes are not UTF-8 or a scalar needs Foundation.
    @inline(__always)
    static func forEachScalar(_ value: UnsafeBufferPointer<UInt8>, folding: TextNormalizer.Folding,
                              _ body: (UInt32) -> Void) -> Bool
    {
        var index = 0
        let count = value.count
        while index < count {
            let lead = value[index]
            var scalar = UInt32(lead)
            if lead < 0x80 {
                index += 1
            } else if lead >= 0xC2, lead < 0xE0, index + 1 < count, value[index + 1] & 0xC0 == 0x80 {
                scalar = (UInt32(lead & 0x1F) << 6) | UInt32(value[index + 1] & 0x3F)
                index += 2
            } else if lead >= 0xE0, lead < 0xF0, index + 2 < count,
                      value[index + 1] & 0xC0 == 0x80, value[index + 2] & 0xC0 == 0x80 {
                scalar = (UInt32(lead & 0x0F) << 12) | (UInt32(value[index + 1] & 0x3F) << 6)
                    | UInt32(value[index + 2] & 0x3F)
                guard scalar >= 0x800, !(0xD800...0xDFFF).contains(scalar) else { return false }
                index += 3
            } else {
                return false
            }
            if TextNormalizer.isInvisible(scalar) { continue }
            guard let folded = fold(scalar, folding) else { return false }
            body(folded)
        }
        return true
    }

    /// The scalar after `UnicodeFolding`'s fast path, nil when that path would call Foundation.
    @inline(__always)
    private static func fold(_ scalar: UInt32, _ folding: TextNormalizer.Folding) -> UInt32? {
        switch folding {
        case .nfc: return UnicodeFolding.isNFCStable(scalar) ? scalar : nil
        case .nfkc:
            if scalar < 0x80 || UnicodeFolding.isNFKCStable(scalar) { return scalar }
            return UnicodeFolding.fastCompatibilityFold(scalar)?.value
        }
    }

    /// Appends the UTF-8 bytes of a scalar below U+10000.
    @inline(__always)
    static func appendUTF8<Out: ByteOutput>(_ scalar: UInt32, to out: inout Out) {
        if scalar < 0x80 {
            out.append(UInt8(scalar))
        } else if scalar < 0x800 {
            out.append(UInt8(0xC0 | (scalar >> 6)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            out.append(UInt8(0xE0 | (scalar >> 12)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}

/// `TextNormalizer.collapsingWhitespace` one scalar at a time: trims, and turns inner runs of whitespace
/// into one space.
struct LineCollapser {
    /// Where the line's text starts in the output.
    let start: Int
    private var pendingSpace = false

    init(start: Int) { self.start = start }

    @inline(__always)
    mutating func add<Out: ByteOutput>(_ scalar: UInt32, to out: inout Out) {
        if TextNormalizer.isSpace(scalar) {
            pendingSpace = out.count > start
        } else {
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            ByteText.appendUTF8(scalar, to: &out)
        }
    }
}
