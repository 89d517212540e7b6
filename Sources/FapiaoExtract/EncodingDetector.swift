import FapiaoCore

/// Chooses the encoding of a CSV file from its first bytes.
///
/// A byte-order mark always wins (EF BB BF → UTF-8, FF FE → UTF-16LE, FE FF → UTF-16BE) and is skipped.
/// Otherwise the source's `encoding:` decides; GBK and GB2312 are read as GB18030; `utf-16` without a BOM
/// is LE or BE by where the zero bytes of ASCII text fall (LE when unclear). For `auto`: UTF-16 by the same
/// zero-byte pattern, else UTF-8 when the first `autoWindow` bytes are strict UTF-8, else GB18030. Bytes past
/// the window that are not UTF-8 become `encoding_error`s, field by field.
enum EncodingDetector {
    /// How many bytes `auto` looks at (fewer when the file is shorter).
    static let autoWindow = 1 << 20
    /// How many bytes the UTF-16 zero-byte check looks at.
    static let utf16Window = 1024

    /// The bytes a detection for `declared` wants to see before it decides.
    static func bytesWanted(for declared: SourceEncoding) -> Int {
        declared == .auto ? autoWindow : utf16Window
    }

    /// The encoding to decode with and the length of a byte-order mark to skip.
    static func detect(_ prefix: UnsafeBufferPointer<UInt8>, declared: SourceEncoding) -> (TextEncoding, bomLength: Int) {
        if let bom = byteOrderMark(prefix) { return bom }
        switch declared {
        case .utf8: return (.utf8, 0)
        case .gb18030, .gbk, .gb2312: return (.gb18030, 0)
        case .utf16le: return (.utf16le, 0)
        case .utf16be: return (.utf16be, 0)
        case .utf16: return (utf16Order(prefix) ?? .utf16le, 0)
        case .auto:
            if let order = utf16Order(prefix) { return (order, 0) }
            return (isStrictUTF8(prefix) ? .utf8 : .gb18030, 0)
        }
    }

    /// The encoding a byte-order mark at the start names, with the mark's length.
    static func byteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> (TextEncoding, bomLength: Int)? {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { return (.utf8, 3) }
        if bytes.count >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE { return (.utf16le, 2) }
        if bytes.count >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF { return (.utf16be, 2) }
        return nil
    }

    /// UTF-16LE when at least 3/4 of the first byte pairs are ASCII-then-zero, BE for zero-then-ASCII.
    static func utf16Order(_ bytes: UnsafeBufferPointer<UInt8>) -> TextEncoding? {
        let pairs = min(bytes.count, utf16Window) / 2
        guard pairs >= 2 else { return nil }
        var little = 0, big = 0
        for pair in 0..<pairs {
            let first = bytes[2 * pair], second = bytes[2 * pair + 1]
            if first != 0 && first < 0x80 && second == 0 { little += 1 }
            if first == 0 && second != 0 && second < 0x80 { big += 1 }
        }
        if little * 4 >= pairs * 3 { return .utf16le }
        if big * 4 >= pairs * 3 { return .utf16be }
        return nil
    }

    /// True when the bytes are strict UTF-8, allowing a sequence cut off at the end.
    static func isStrictUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        var index = 0
        while index < bytes.count {
            index = UTF8Validator.skipASCII(base, index, bytes.count)
            guard index < bytes.count else { return true }
            switch UTF8Validator.sequence(base, index, bytes.count) {
            case .valid(let length): index += length
            case .invalid: return false
            case .incomplete: return true
            }
        }
        return true
    }
}
