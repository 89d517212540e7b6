import FapiaoCore
import FapiaoIO

/// Content bytes pulled in pieces: an input file's (`InputByteSource`), or a test's chunks.
protocol ContentReading: AnyObject {
    /// Reads up to `destination.count` content bytes; returns 0 at the end of the content.
    func read(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int
}

/// The content bytes of one input file, pulled in pieces: the file as stored, or inflated when it starts with
/// the gzip magic (`1F 8B`, whatever its extension). Hashes and counts the stored bytes as it goes.
///
/// A `final class` because it owns the open file and the zlib stream. Never holds more than one read buffer.
final class InputByteSource: ContentReading {
    /// The path opened.
    let path: String
    /// True when the file is gzip data.
    private(set) var isGzip = false
    /// Content bytes handed out so far (the inflated size, for gzip).
    private(set) var contentBytes: Int64 = 0
    private let file: FileChunkReader
    private var hasher = SHA256Hasher()
    private var inflater: GzipInflater?
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)
    private var start = 0
    private var end = 0
    private var fileEnded = false
    private let maxContentBytes: Int64

    /// Opens `path` and sniffs its first bytes for the gzip magic.
    init(path: String, maxContentBytes: Int64) throws {
        self.path = path
        self.maxContentBytes = maxContentBytes
        file = try FileChunkReader(path: path)
        while end < 2 && !fileEnded { try refill() }
        if end >= 2 && buffer[0] == 0x1F && buffer[1] == 0x8B {
            isGzip = true
            inflater = try GzipInflater(maxInflatedBytes: maxContentBytes)
        }
    }

    /// Bytes of the file as stored, read so far.
    var storedBytes: Int64 { file.bytesRead }

    /// Reads up to `destination.count` content bytes; returns 0 at the end of the content.
    func read(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        guard destination.count > 0 else { return 0 }
        let count = try inflater.map { try inflate(with: $0, into: destination) } ?? copyStored(into: destination)
        contentBytes += Int64(count)
        if !isGzip && contentBytes > maxContentBytes {
            throw FapiaoError(
                code: "limit.inflated_bytes",
                message: "the file passed limits.max_inflated_bytes (\(maxContentBytes) bytes)")
        }
        return count
    }

    /// Reads the rest of the file as stored (after a failure) so that its hash covers every byte.
    func drain() throws {
        start = end
        while !fileEnded { try refill() }
    }

    /// The SHA-256 of the bytes read so far, in hex (the whole file once the content ended or `drain` ran).
    var sha256: String { hasher.finalizeHex() }

    private func inflate(with inflater: GzipInflater, into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        while true {
            if start == end {
                if fileEnded { try inflater.finish(); return 0 }
                try refill()
                continue
            }
            let (used, produced) = try buffer.withUnsafeBufferPointer { stored in
                try inflater.inflate(UnsafeBufferPointer(rebasing: stored[start..<end]), into: destination)
            }
            start += used
            if produced > 0 { return produced }
        }
    }

    private func copyStored(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        if start == end {
            if fileEnded { return 0 }
            try refill()
            if start == end { return 0 }
        }
        let count = min(end - start, destination.count)
        guard let target = destination.baseAddress else { return 0 }
        buffer.withUnsafeBufferPointer { stored in
            if let source = stored.baseAddress { target.update(from: source + start, count: count) }
        }
        start += count
        return count
    }

    /// Reads the next piece of the file behind the unread bytes (moved to the front), hashing it.
    private func refill() throws {
        if start == end { start = 0; end = 0 }
        let count = try buffer.withUnsafeMutableBufferPointer { all in
            try file.read(into: UnsafeMutableBufferPointer(rebasing: all[end...]))
        }
        if count == 0 { fileEnded = true; return }
        buffer.withUnsafeBufferPointer { hasher.update(UnsafeBufferPointer(rebasing: $0[end..<(end + count)])) }
        end += count
    }
}
