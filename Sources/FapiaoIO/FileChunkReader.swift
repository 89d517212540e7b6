import Foundation
import FapiaoCore

/// Reads a file in fixed-size chunks through a file descriptor; never the whole file at once.
public final class FileChunkReader {
    /// The default chunk size: 256 KiB.
    public static let defaultChunkSize = 256 * 1024

    private let descriptor: Int32
    private var buffer: [UInt8]
    /// Bytes read so far.
    public private(set) var bytesRead: Int64 = 0
    /// The path as given.
    public let path: String

    /// Opens a file for reading; throws a `FapiaoError` (`io.open`) naming it when it cannot be opened.
    public init(path: String, chunkSize: Int = FileChunkReader.defaultChunkSize) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FapiaoError(code: "io.open", message: "cannot open \(path)", cause: String(cString: strerror(errno)))
        }
        descriptor = fd
        buffer = [UInt8](repeating: 0, count: chunkSize)
        self.path = path
    }

    deinit { close(descriptor) }

    /// Calls `body` with the next chunk; returns false at end of file.
    public func withNextChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        let count = try buffer.withUnsafeMutableBytes { raw -> Int in
            while true {
                let n = read(descriptor, raw.baseAddress, raw.count)
                if n >= 0 { return n }
                if errno == EINTR { continue }
                throw FapiaoError(code: "io.read", message: "cannot read \(path)", cause: String(cString: strerror(errno)))
            }
        }
        guard count > 0 else { return false }
        bytesRead += Int64(count)
        try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        return true
    }
}
