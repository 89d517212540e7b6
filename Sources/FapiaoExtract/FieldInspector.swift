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
        let scan = FieldScan(bytes)
        func found() -> String { String(decoding: bytes, as: UTF8.self) }
        if scan.undecodable { return .undecodable(hex: rawHex(bytes)) }
        if scan.replacement { return .textLost(found: found(), kind: .replacementCharacters) }
        if scan.roundTripped { return .textLost(found: found(), kind: .roundTripped) }
        if scan.onlyLatin1, let repaired = Mojibake.repairLatin1(bytes) {
            return .repaired(text: repaired, found: found(), kind: .gbkAsLatin1)
        }
        if let first = scan.firstNonASCII, let repaired = Mojibake.repairUTF8AsGBK(bytes, firstNonASCII: first) {
            return .repaired(text: repaired, found: found(), kind: .utf8AsGBK)
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

/// What one pass over a field's bytes finds, for `FieldInspector`.
struct FieldScan {
    /// A marker of undecodable bytes, or a NUL.
    private(set) var undecodable = false
    /// U+FFFD.
    private(set) var replacement = false
    /// `锟斤拷`.
    private(set) var roundTripped = false
    /// True when every non-ASCII character is Latin-1 (lead byte C2 or C3).
    private(set) var onlyLatin1 = true
    /// The index of the first non-ASCII byte.
    private(set) var firstNonASCII: Int?

    /// One pass over the bytes. The two continuation bytes of a three-byte character (most Chinese text) are
    /// stepped over: in the byte-by-byte definition (`0x80...0xC3`: nothing to note) they change nothing.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte == 0 { undecodable = true; return }
                index += 1
                continue
            }
            if firstNonASCII == nil { firstNonASCII = index }
            if byte <= 0xC3 { index += 1; continue }
            switch byte {
            case UndecodableMarker.lead: undecodable = true; return
            case 0xEF: replacement = replacement || FieldScan.matches(0xEF_BF_BD, count: 3, bytes, at: index)
            case 0xE9: roundTripped = roundTripped || FieldScan.isRoundTrip(bytes, at: index)
            default: break
            }
            onlyLatin1 = false
            index += FieldScan.continuationsAfter(byte, bytes, at: index) + 1
        }
    }

    /// How many continuation bytes (`10xxxxxx`) follow a three-byte lead (`1110xxxx`) at `index`: 2 when both
    /// are there, else 0 (the bytes are then looked at one by one).
    @inline(__always)
    private static func continuationsAfter(_ lead: UInt8, _ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        guard lead & 0xF0 == 0xE0, index + 2 < bytes.count,
              bytes[index + 1] & 0xC0 == 0x80, bytes[index + 2] & 0xC0 == 0x80 else { return 0 }
        return 2
    }

    /// True when the `count` bytes at `index` are `needle`'s low `count` bytes, most significant first.
    @inline(__always)
    private static func matches(_ needle: UInt64, count: Int, _ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != UInt8(truncatingIfNeeded: needle >> (8 * (count - 1 - offset))) {
            return false
        }
        return true
    }

    /// True when `锟斤拷` (UTF-8 E9 94 9F, E6 96 A4, E6 8B B7) starts at `index`.
    private static func isRoundTrip(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        matches(0xE9_94_9F_E6_96_A4, count: 6, bytes, at: index) && matches(0xE6_8B_B7, count: 3, bytes, at: index + 6)
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
