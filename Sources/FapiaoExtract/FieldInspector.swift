/// What a decoded field needs before it is written.
enum FieldVerdict: Equatable {
    /// Write the bytes as they are.
    case clean
    /// Bytes that did not decode (or NUL bytes): the field is left empty; `hex` holds its raw bytes.
    case undecodable(hex: String)
    /// Mojibake whose original text is gone: the field is left empty.
    case textLost(found: String, kind: Mojibake)
    /// Mojibake repaired exactly: write `text` instead.
    case repaired(text: [UInt8], found: String, kind: Mojibake)
}

/// Checks decoded field bytes for undecodable bytes, NUL bytes and the mojibake signatures of DOMAIN.md.
///
/// Pure-ASCII fields without NUL take no work here: the writer's byte scan sends only fields with a byte
/// ≥ 0x80 or a NUL to `inspect`.
struct FieldInspector {
    /// The encoding the file was decoded from (for showing raw bytes).
    let encoding: TextEncoding
    private let encoder: IconvConverter?

    init(encoding: TextEncoding) {
        self.encoding = encoding
        encoder = encoding == .utf8 ? nil : try? IconvConverter(from: "UTF-8", to: encoding.iconvName)
    }

    /// The verdict on a field that holds a non-ASCII or NUL byte.
    func inspect(_ bytes: UnsafeBufferPointer<UInt8>) -> FieldVerdict {
        if bytes.contains(UndecodableMarker.lead) || bytes.contains(0) { return .undecodable(hex: rawHex(bytes)) }
        let found = String(decoding: bytes, as: UTF8.self)
        if Mojibake.containsReplacement(bytes) { return .textLost(found: found, kind: .replacementCharacters) }
        if Mojibake.containsRoundTripped(bytes) { return .textLost(found: found, kind: .roundTripped) }
        if let repaired = Mojibake.repairLatin1(bytes) { return .repaired(text: repaired, found: found, kind: .gbkAsLatin1) }
        if let repaired = Mojibake.repairUTF8AsGBK(bytes) {
            return .repaired(text: repaired, found: found, kind: .utf8AsGBK)
        }
        return .clean
    }

    /// The field's bytes as they were in the file, in lower-case hex: undecodable bytes as found, text
    /// re-encoded into the file's encoding.
    func rawHex(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var raw: [UInt8] = []
        for segment in UndecodableMarker.segments(bytes) {
            if segment.raw || encoder == nil { raw += segment.bytes } else { raw += encoder?.convertAll(segment.bytes) ?? [] }
        }
        return hex(raw)
    }
}

/// Lower-case hex of bytes, without separators.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// True when `needle` occurs in the buffer.
    func contains(bytes needle: [UInt8]) -> Bool {
        guard needle.count <= count, let first = needle.first else { return false }
        var index = 0
        while index + needle.count <= count {
            if self[index] == first && elementsEqual(needle, start: index) { return true }
            index += 1
        }
        return false
    }

    private func elementsEqual(_ needle: [UInt8], start: Int) -> Bool {
        for offset in 1..<needle.count where self[start + offset] != needle[offset] { return false }
        return true
    }
}
