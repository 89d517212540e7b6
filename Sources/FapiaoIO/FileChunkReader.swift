import Foundation
import FapiaoCore

/// Reads a file in fixed-size chunks through a file descriptor; never the whole file at once.
///
/// A file of at least `DirectIO.minimumReadSize` bytes is read ahead on a thread of its own with direct reads
/// (an `AscendingRangeReader` over the whole file); its chunks are then the read-ahead's 2 MiB blocks, whatever
/// `chunkSize` says.
public final class FileChunkReader {
    /// The default chunk size: 256 KiB.
    public static let defaultChunkSize = 256 * 1024

    let descriptor: Int32
    private var buffer: [UInt8]
    private let countsProgress: Bool
    /// Bytes read so far.
    public private(set) var bytesRead: Int64 = 0
    /// The path as given.
    public let path: String
    /// A large file is read ahead through this (its whole length, as `fstat` gave it at opening).
    private var readAhead: AscendingRangeReader?
    private var size = 0

    /// Opens a file for reading (in chunks of `chunkSize` bytes for `withNextChunk`);
    /// throws a `FapiaoError` (`io.open`) naming it when it cannot be opened. A reader that `countsProgress`
    /// adds what it reads to `ReadProgress`.
    ///
    /// `direct: false` reads through the page cache whatever the size (a file that is likely cached, such as an
    /// input just delivered).
    public init(path: String, chunkSize: Int = FileChunkReader.defaultChunkSize, countsProgress: Bool = true,
                direct: Bool = true) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FapiaoError(code: "io.open", message: "cannot open \(path)", cause: String(cString: strerror(errno)))
        }
        descriptor = fd
        buffer = [UInt8](repeating: 0, count: chunkSize)
        self.path = path
        self.countsProgress = countsProgress
        var info = stat()
        if direct, DirectIO.isEnabled, fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
           Int64(info.st_size) >= DirectIO.minimumReadSize {
            size = Int(info.st_size)
            readAhead = AscendingRangeReader(descriptor: fd, path: path, span: 0..<size, closesDescriptor: false)
        }
    }

    deinit {
        readAhead = nil  // its thread stops before the descriptor is closed
        close(descriptor)
    }

    /// Calls `body` with the next chunk; returns false at end of file.
    public func withNextChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        if let readAhead {
            guard bytesRead < size else { return false }
            add(bytesRead: try readAhead.withBytes(from: Int(bytesRead), upTo: size, body))
            return true
        }
        let count = try buffer.withUnsafeMutableBufferPointer { try read(into: $0) }
        guard count > 0 else { return false }
        try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        return true
    }

    /// Counts bytes read by another route (the read-ahead, `copy_file_range`).
    func add(bytesRead count: Int) {
        bytesRead += Int64(count)
        if countsProgress { ReadProgress.add(count) }
    }

    /// Fills `destination` unless the file ends first; returns how many bytes were read.
    public func readFully(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        var filled = 0
        while filled < destination.count {
            let count = try read(into: UnsafeMutableBufferPointer(rebasing: destination[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// Reads up to `destination.count` bytes into `destination`; returns how many, 0 at end of file.
    public func read(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        guard let address = destination.baseAddress, destination.count > 0 else { return 0 }
        if let readAhead {
            let start = Int(bytesRead)
            let copied = try readAhead.withBytes(from: start, upTo: min(size, start + destination.count)) { chunk in
                address.update(from: chunk.baseAddress!, count: chunk.count)
            }
            add(bytesRead: copied)
            return copied
        }
        while true {
            let count = Foundation.read(descriptor, address, destination.count)
            if count >= 0 {
                bytesRead += Int64(count)
                if countsProgress { ReadProgress.add(count) }
                return count
            }
            if errno == EINTR { continue }
            throw FapiaoError(code: "io.read", message: "cannot read \(path)", cause: String(cString: strerror(errno)))
        }
    }
}
