internal import CFapiaoZlib
import FapiaoCore

/// Inflates gzip data incrementally through zlib, decoding every member of a concatenated gzip.
///
/// zlib checks each member's CRC-32 and length. A bad one, bytes after a member that do not start another
/// gzip member, and input that ends inside a member are `FapiaoError`s whose message names the byte offset
/// in the compressed input. Output stops with `limit.inflated_bytes` as soon as it passes `maxInflatedBytes`,
/// so a gzip bomb costs at most one output buffer of work past the limit.
///
/// Two ways to drive it: push (`inflate(_:emit:)`, output in pieces of up to 256 KiB) or pull
/// (`inflate(_:into:)`, as much as fits into the caller's buffer, for readers such as libxml2's).
public final class GzipInflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 256 * 1024)
    private var inMember = false
    private var members = 0
    /// An error met in a step that also produced output: raised once that output has been handed over.
    private var pendingError: FapiaoError?
    /// Compressed bytes consumed so far.
    public private(set) var consumedBytes: Int64 = 0
    /// Bytes produced so far.
    public private(set) var inflatedBytes: Int64 = 0
    /// Inflating stops with an error past this many bytes (a gzip bomb).
    public let maxInflatedBytes: Int64

    /// Starts a gzip inflater (zlib window bits 15 + 16: gzip only).
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
        let capacity = output.count
        while true {
            let rest = UnsafeBufferPointer(rebasing: input[offset...])
            let (used, produced) = try output.withUnsafeMutableBufferPointer { try inflate(rest, into: $0) }
            offset += used
            if produced > 0 {
                try output.withUnsafeBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
            }
            if produced < capacity { return }
        }
    }

    /// Inflates from `input` into `output` until the output is full or the input is used up.
    /// Returns the input bytes consumed and the output bytes produced.
    public func inflate(
        _ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    ) throws -> (consumed: Int, produced: Int) {
        if let pendingError { throw pendingError }
        var used = 0, produced = 0
        while produced < output.count && (used < input.count || inMember) && pendingError == nil {
            if !inMember { try startMember(firstByte: input[used]) }
            let step = try inflateStep(
                UnsafeBufferPointer(rebasing: input[used...]), UnsafeMutableBufferPointer(rebasing: output[produced...]))
            used += step.consumed
            produced += step.produced
            if step.ended { inMember = false; members += 1; continue }
            if step.consumed == 0 && step.produced == 0 { break }
        }
        return (used, produced)
    }

    /// Ends the input; throws `gzip.truncated` when it stopped inside a member or held no member at all.
    public func finish() throws {
        if let pendingError { throw pendingError }
        if inMember {
            throw FapiaoError(
                code: "gzip.truncated",
                message: "gzip data ends early at compressed byte \(consumedBytes): the file is truncated (cut short)")
        }
        if members == 0 {
            throw FapiaoError(code: "gzip.truncated", message: "gzip data ends at compressed byte 0: the file is empty")
        }
    }

    /// Begins the next member; after the first, a byte that cannot start one is trailing garbage.
    private func startMember(firstByte: UInt8) throws {
        if members > 0 && firstByte != 0x1F { throw trailingGarbage() }
        if members > 0 { inflateReset(&stream) }
        inMember = true
    }

    private func trailingGarbage() -> FapiaoError {
        FapiaoError(
            code: "gzip.trailing_garbage",
            message: "unexpected bytes after the gzip data at compressed byte \(consumedBytes): the file is corrupt")
    }

    private func inflateStep(
        _ input: UnsafeBufferPointer<UInt8>, _ out: UnsafeMutableBufferPointer<UInt8>
    ) throws -> (consumed: Int, produced: Int, ended: Bool) {
        let availableIn = UInt32(clamping: input.count), availableOut = UInt32(clamping: out.count)
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = availableIn
        stream.next_out = out.baseAddress
        stream.avail_out = availableOut
        let status = CFapiaoZlib.inflate(&stream, Z_NO_FLUSH)
        let consumed = Int(availableIn - stream.avail_in), produced = Int(availableOut - stream.avail_out)
        guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
            let error = zlibError(status, at: consumedBytes + Int64(consumed))
            guard produced > 0 else { throw error }
            pendingError = error
            inflatedBytes += Int64(produced)
            return (consumed, produced, false)
        }
        consumedBytes += Int64(consumed)
        inflatedBytes += Int64(produced)
        if inflatedBytes > maxInflatedBytes {
            throw FapiaoError(
                code: "limit.inflated_bytes",
                message: "inflated size passed limits.max_inflated_bytes (\(maxInflatedBytes) bytes) "
                    + "at compressed byte \(consumedBytes): a gzip bomb or an unexpectedly large file")
        }
        return (consumed, produced, status == Z_STREAM_END)
    }

    private func zlibError(_ status: Int32, at offset: Int64) -> FapiaoError {
        let detail = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
        if members > 0 && stream.total_in < 10 { return trailingGarbage() }
        switch detail {
        case "incorrect data check":
            return FapiaoError(
                code: "gzip.crc", message: "gzip CRC-32 mismatch at compressed byte \(offset): the file is corrupt",
                cause: detail)
        case "incorrect length check":
            return FapiaoError(
                code: "gzip.length", message: "gzip length mismatch at compressed byte \(offset): the file is corrupt",
                cause: detail)
        default:
            return FapiaoError(
                code: "gzip.corrupt", message: "corrupt gzip data at compressed byte \(offset)", cause: detail)
        }
    }
}

/// Compresses data into one gzip member (header mtime 0, so output is deterministic).
public final class GzipDeflater {
    private var stream = z_stream()
    private var output = [UInt8](repeating: 0, count: 64 * 1024)

    /// Starts a deflater at a zlib level (1 fastest … 9 smallest).
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
