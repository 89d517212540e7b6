/// The mojibake signatures of DOMAIN.md that a field is checked for.
enum Mojibake: String, Hashable, Sendable {
    /// U+FFFD runs: GBK read as UTF-8, the bytes lost.
    case replacementCharacters = "replacement_characters"
    /// `锟斤拷`: replacement characters saved as GBK, the text lost.
    case roundTripped = "round_tripped"
    /// `·¢Æ±ºÅÂë`: GBK read as Latin-1; repaired by taking the Latin-1 bytes as GB18030.
    case gbkAsLatin1 = "gbk_as_latin1"
    /// `鍙戠エ`: UTF-8 read as GBK; repaired by taking the GB18030 bytes as UTF-8 when they are exactly that.
    case utf8AsGBK = "utf8_as_gbk"

    /// The Chinese and English descriptions used in findings.
    var description: (zh: String, en: String) {
        switch self {
        case .replacementCharacters: return ("含替换字符（U+FFFD，GBK 被按 UTF-8 读取）", "replacement characters U+FFFD (GBK read as UTF-8)")
        case .roundTripped: return ("含“锟斤拷”（替换字符被另存为 GBK）", "锟斤拷 (replacement characters saved as GBK)")
        case .gbkAsLatin1: return ("GBK 被按 Latin-1 读取的乱码", "GBK read as Latin-1")
        case .utf8AsGBK: return ("UTF-8 被按 GBK 读取的乱码", "UTF-8 read as GBK")
        }
    }

    /// The repaired text when every non-ASCII character is Latin-1 and those bytes, read as GB18030, are at
    /// least two CJK characters and nothing else that is not ASCII.
    static func repairLatin1(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var latin1: [UInt8] = []
        var high = 0, index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 { latin1.append(byte); index += 1; continue }
            guard byte == 0xC2 || byte == 0xC3, index + 1 < bytes.count else { return nil }
            latin1.append((byte & 0x1F) << 6 | bytes[index + 1] & 0x3F)
            high += 1
            index += 2
        }
        guard high >= 4, let converter = try? IconvConverter(from: "GB18030", to: "UTF-8"),
              let text = converter.convertStrict(latin1), isCJKText(text) else { return nil }
        return text
    }

    /// The repaired text when the field's characters, encoded as GB18030, are UTF-8 of at least two CJK
    /// characters. A cheap look at the first non-ASCII character rules out ordinary Chinese text.
    static func repairUTF8AsGBK(_ bytes: UnsafeBufferPointer<UInt8>, firstNonASCII: Int) -> [UInt8]? {
        guard let first = scalar(bytes, at: firstNonASCII)?.0, let lead = GB18030Table.twoByte(first).map({ $0 >> 8 }),
              (0xE3...0xE9).contains(lead) || lead == 0xEF, let encoded = GB18030Table.encode(bytes) else { return nil }
        return isCJKText(encoded) ? encoded : nil
    }

    /// True when `text` is strict UTF-8 whose non-ASCII characters are all CJK (U+3000–U+9FFF, U+F900–U+FFEF),
    /// at least two of them.
    static func isCJKText(_ text: [UInt8]) -> Bool {
        var cjk = 0, index = 0
        let valid = text.withUnsafeBufferPointer { buffer -> Bool in
            while index < buffer.count {
                guard let (scalar, length) = scalar(buffer, at: index) else { return false }
                index += length
                if scalar < 0x80 { continue }
                guard (0x3000...0x9FFF).contains(scalar) || (0xF900...0xFFEF).contains(scalar) else { return false }
                cjk += 1
            }
            return true
        }
        return valid && cjk >= 2
    }

    /// The scalar starting at `index` and its length in bytes; nil when the bytes are not strict UTF-8 there.
    static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
        guard let base = bytes.baseAddress,
              case .valid(let length) = UTF8Validator.sequence(base, index, bytes.count) else { return nil }
        var value = UInt32(bytes[index])
        if length > 1 { value &= 0xFF >> (length + 1) }
        for offset in 1..<max(length, 1) { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        return (value, length)
    }
}

/// GB18030's two-byte codes of the Basic Multilingual Plane, built once through glibc iconv.
enum GB18030Table {
    private static let table: [UInt16] = build()

    /// UTF-8 text in GB18030, or nil when a character is not ASCII or a two-byte code (or the text not UTF-8).
    static func encode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var encoded: [UInt8] = []
        var index = 0
        while index < text.count {
            guard let (scalar, length) = Mojibake.scalar(text, at: index) else { return nil }
            index += length
            if scalar < 0x80 { encoded.append(UInt8(scalar)); continue }
            guard let pair = twoByte(scalar) else { return nil }
            encoded += [UInt8(pair >> 8), UInt8(pair & 0xFF)]
        }
        return encoded
    }

    /// The two-byte GB18030 code of a scalar (lead byte high), or nil when it has none.
    static func twoByte(_ scalar: UInt32) -> UInt16? {
        guard scalar < 0x10000 else { return nil }
        let value = table[Int(scalar)]
        return value == 0 ? nil : value
    }

    private static func build() -> [UInt16] {
        var table = [UInt16](repeating: 0, count: 0x10000)
        guard let converter = try? IconvConverter(from: "UTF-8", to: "GB18030") else { return table }
        for scalar in 0x80..<0x10000 where !(0xD800...0xDFFF).contains(scalar) {
            guard let unicode = Unicode.Scalar(UInt32(scalar)) else { continue }
            let encoded = converter.convertAll(Array(String(Character(unicode)).utf8))
            if encoded.count == 2 && encoded[0] != UndecodableMarker.lead {
                table[scalar] = UInt16(encoded[0]) << 8 | UInt16(encoded[1])
            }
        }
        return table
    }
}
