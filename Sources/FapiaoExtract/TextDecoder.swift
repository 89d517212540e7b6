import Glibc
import FapiaoCore

/// An encoding the CSV reader decodes (GBK and GB2312 are read as their superset GB18030).
enum TextEncoding: String, Hashable, Sendable {
    case utf8 = "utf-8"
    case gb18030
    case utf16le = "utf-16le"
    case utf16be = "utf-16be"

    /// The glibc iconv name.
    var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .gb18030: return "GB18030"
        case .utf16le: return "UTF-16LE"
        case .utf16be: return "UTF-16BE"
        }
    }

    /// Bytes skipped after an undecodable sequence: one, or one 16-bit unit.
    var unitSize: Int { self == .utf16le || self == .utf16be ? 2 : 1 }
}

/// Decodes text to UTF-8 incrementally, in chunks of any size: UTF-8 is validated in place, other encodings go
/// through glibc iconv (never `//IGNORE` or `//TRANSLIT`). Undecodable bytes become `UndecodableMarker`s.
struct TextDecoder {
    let encoding: TextEncoding
    private var validator = UTF8Validator()
    private let converter: IconvConverter?

    /// A decoder from `encoding` to UTF-8.
    init(encoding: TextEncoding) throws {
        self.encoding = encoding
        converter = encoding == .utf8 ? nil : try IconvConverter(from: encoding.iconvName, to: "UTF-8")
    }

    /// Decodes one chunk, calling `emit` with pieces of UTF-8 output in order.
    mutating func decode(_ input: UnsafeBufferPointer<UInt8>, emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if let converter {
            try converter.convert(input, skipping: encoding.unitSize, emit: emit)
        } else {
            try validator.decode(input, emit: emit)
        }
    }

    /// Ends the input: bytes of an unfinished sequence are undecodable.
    mutating func finish(emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if let converter { try converter.finish(emit: emit) } else { try validator.finish(emit: emit) }
    }
}

/// One glibc iconv conversion (a `final class`: it owns the `iconv_t`), fed in chunks; an incomplete
/// sequence at the end of a chunk is carried into the next, an invalid one becomes markers.
final class IconvConverter {
    private let descriptor: iconv_t
    private var carry: [UInt8] = []
    private var output = [UInt8](repeating: 0, count: 64 * 1024)

    /// Opens a conversion; throws when glibc does not know one of the encodings.
    init(from source: String, to target: String) throws {
        let descriptor = iconv_open(target, source)
        guard let descriptor, descriptor != iconv_t(bitPattern: -1) else {
            throw FapiaoError(code: "encoding.unsupported", message: "iconv cannot convert \(source) to \(target)")
        }
        self.descriptor = descriptor
    }

    deinit { iconv_close(descriptor) }

    /// Converts one chunk; undecodable input is skipped `unit` bytes at a time, each skipped byte marked.
    func convert(
        _ input: UnsafeBufferPointer<UInt8>, skipping unit: Int, emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        if carry.isEmpty {
            try run(input, unit: unit, emit: emit)
        } else {
            let joined = carry + input
            carry = []
            try joined.withUnsafeBufferPointer { try run($0, unit: unit, emit: emit) }
        }
    }

    /// Ends the input: a carried, unfinished sequence is undecodable.
    func finish(emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !carry.isEmpty else { return }
        try carry.withUnsafeBufferPointer { try UndecodableMarker.emit($0, emit) }
        carry = []
    }

    /// Converts a whole buffer; undecodable bytes come out as markers (used to show a field's raw bytes).
    func convertAll(_ input: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        input.withUnsafeBufferPointer { buffer in
            try? run(buffer, unit: 1) { result.append(contentsOf: $0) }
        }
        try? finish { result.append(contentsOf: $0) }
        return result
    }

    /// Converts a whole buffer, or returns nil when any of it does not convert.
    func convertStrict(_ input: [UInt8]) -> [UInt8]? {
        let result = convertAll(input)
        return result.contains(UndecodableMarker.lead) ? nil : result
    }

    private func run(
        _ input: UnsafeBufferPointer<UInt8>, unit: Int, emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard let base = input.baseAddress else { return }
        var inPointer = UnsafeMutablePointer<CChar>(mutating: UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        while inLeft > 0 {
            let (result, code, produced) = step(&inPointer, &inLeft)
            if produced > 0 { try output.withUnsafeBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[0..<produced])) } }
            if result != -1 || code == E2BIG { continue }
            let position = input.count - inLeft
            if code == EINVAL {
                carry = Array(UnsafeBufferPointer(rebasing: input[position...]))
                return
            }
            let skipped = min(unit, inLeft)
            try UndecodableMarker.emit(UnsafeBufferPointer(rebasing: input[position..<(position + skipped)]), emit)
            inPointer += skipped
            inLeft -= skipped
        }
    }

    /// One iconv call into the output buffer: its result, errno, and the output bytes produced.
    private func step(_ inPointer: inout UnsafeMutablePointer<CChar>, _ inLeft: inout Int) -> (Int, Int32, Int) {
        let capacity = output.count
        return output.withUnsafeMutableBytes { raw in
            var outPointer: UnsafeMutablePointer<CChar>? = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
            var outLeft = capacity
            var source: UnsafeMutablePointer<CChar>? = inPointer
            let result = iconv(descriptor, &source, &inLeft, &outPointer, &outLeft)
            let code = result == -1 ? errno : 0
            if let source { inPointer = source }
            return (result, code, capacity - outLeft)
        }
    }
}
