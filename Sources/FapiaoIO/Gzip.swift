internal import CFapiaoZlib
import FapiaoCore

/// Inflates gzip data incrementally through zlib, decoding every member of a concatenated gzip.
///
/// zlib checks each member's CRC-32 and length; a bad one, data after the last member that is not another
/// gzip member, or input that ends inside a member are errors naming the byte offset in the compressed input.
public final class GzipInflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 256 * 1024)
    private var inMember = false
    private var consumed: Int64 = 0
    private var pendingMagic: [UInt8] = []
    /// Bytes produced so far.
    public private(set) var inflatedBytes: Int64 = 0
    /// Inflating stops with an error past this many bytes (a gzip bomb).
    public let maxInflatedBytes: Int64

    public init(maxInflatedBytes: Int64 = .max) throws {
        self.maxInflatedBytes = maxInflatedBytes
        guard cfapiao_inflateInit2(&stream, 15 + 16) == Z_OK else {
            throw FapiaoError(code: "gzip.init", message: "zlib could not start inflating")
        }
    }

    deinit { inflateEnd(&stream) }

    /// Inflates one chunk of compressed input, calling `emit` with each piece of output.
    public func inflate(_ input: UnsafeBufferPointer<UInt8>, emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var offset = 0
        while offset < input.count {
            if !inMember {
                offset = try startMember(input, at: offset)
                continue
            }
            offset = try inflateMember(input, from: offset, emit: emit)
        }
    }

    /// Ends the input; throws when it stopped inside a member (a truncated file).
    public func finish() throws {
        if inMember || !pendingMagic.isEmpty {
            throw FapiaoError(
                code: "gzip.truncated",
                message: "gzip data ends early at compressed byte \(consumed): the file is truncated (cut short)")
        }
    }

    /// Checks the gzip magic of a next member (after the first, anything else is trailing garbage).
    private func startMember(_ input: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> Int {
        var index = offset
        while pendingMagic.count < 2, index < input.count {
            pendingMagic.append(input[index])
            index += 1
        }
        guard pendingMagic.count == 2 else { return index }
        guard pendingMagic == [0x1F, 0x8B] else {
            throw FapiaoError(
                code: consumed == 0 ? "gzip.not_gzip" : "gzip.trailing_garbage",
                message: consumed == 0
                    ? "not gzip data (no gzip magic at byte 0)"
                    : "unexpected bytes after the gzip data at compressed byte \(consumed)")
        }
        inflateReset(&stream)
        inMember = true
        try feedPending()
        return index
    }

    private func feedPending() throws {
        var magic = pendingMagic
        pendingMagic = []
        try magic.withUnsafeMutableBufferPointer { buffer in
            _ = try inflateMember(UnsafeBufferPointer(buffer), from: 0, emit: { _ in })
        }
    }

    private func inflateMember(
        _ input: UnsafeBufferPointer<UInt8>, from offset: Int, emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        let available = input.count - offset
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + offset)
        stream.avail_in = UInt32(available)
        var status: Int32 = Z_OK
        repeat {
            status = try inflateStep(emit: emit)
        } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
        let used = available - Int(stream.avail_in)
        consumed += Int64(used)
        if status == Z_STREAM_END { inMember = false }
        return offset + used
    }

    private func inflateStep(emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Int32 {
        let capacity = output.count
        let status: Int32 = output.withUnsafeMutableBufferPointer { out in
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(capacity)
            return CFapiaoZlib.inflate(&stream, Z_NO_FLUSH)
        }
        let produced = capacity - Int(stream.avail_out)
        if status != Z_OK && status != Z_STREAM_END && !(status == Z_BUF_ERROR && produced == 0) {
            let detail = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            throw FapiaoError(
                code: "gzip.corrupt",
                message: "corrupt gzip data near compressed byte \(consumed + Int64(stream.total_in))",
                cause: detail)
        }
        if produced > 0 {
            inflatedBytes += Int64(produced)
            guard inflatedBytes <= maxInflatedBytes else {
                throw FapiaoError(
                    code: "limit.inflated_bytes",
                    message: "inflated size passed limits.max_inflated_bytes (\(maxInflatedBytes) bytes)")
            }
            try output.withUnsafeBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
        }
        return status == Z_BUF_ERROR ? Z_OK : status
    }
}

/// Compresses data into one gzip member (header mtime 0, so output is deterministic).
public final class GzipDeflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 64 * 1024)

    public init(level: Int32 = 6) throws {
        guard cfapiao_deflateInit2(&stream, level, 15 + 16) == Z_OK else {
            throw FapiaoError(code: "gzip.init", message: "zlib could not start deflating")
        }
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `input`, appending compressed bytes to `sink`.
    public func deflate(_ input: [UInt8], into sink: inout [UInt8]) {
        run(input, flush: Z_NO_FLUSH, into: &sink)
    }

    /// Ends the member, appending the trailer (CRC-32 and length) to `sink`.
    public func finish(into sink: inout [UInt8]) {
        run([], flush: Z_FINISH, into: &sink)
    }

    private func run(_ input: [UInt8], flush: Int32, into sink: inout [UInt8]) {
        var input = input
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            var status: Int32
            repeat {
                let capacity = output.count
                status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(capacity)
                    return CFapiaoZlib.deflate(&stream, flush)
                }
                sink.append(contentsOf: output[0..<(capacity - Int(stream.avail_out))])
            } while stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END)
        }
    }

    /// Gzips a whole buffer in one member.
    public static func gzip(_ data: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        let deflater = try GzipDeflater(level: level)
        var out: [UInt8] = []
        deflater.deflate(data, into: &out)
        deflater.finish(into: &out)
        return out
    }
}
