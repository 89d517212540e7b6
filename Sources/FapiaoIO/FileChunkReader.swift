import Foundation
import FapiaoCore

/// Reads a file in fixed-size chunks through a file descriptor; never the whole file at once.
///
/// A file of at least `DirectIO.minimumReadSize` bytes is read ahead on a thread of its own with direct reads
/// (`DirectReadAhead`); its chunks are then the read-ahead's 2 MiB blocks, whatever `chunkSize` says.
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
    /// The read-ahead thread of a large file, and the block being consumed (with how much of it was taken).
    private var readAhead: DirectReadAhead?
    private var current: DirectReadAhead.Block?
    private var taken = 0
    private var readAheadEnded = false

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
            readAhead = DirectReadAhead(descriptor: fd, path: path)
        }
    }

    deinit {
        readAhead?.stop()
        close(descriptor)
    }

    /// Calls `body` with the next chunk; returns false at end of file.
    public func withNextChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        if readAhead != nil {
            guard let block = try nextBlock() else { return false }
            let start = taken
            taken = block.count
            try body(UnsafeBufferPointer(start: block.buffer.base.assumingMemoryBound(to: UInt8.self) + start,
                                         count: block.count - start))
            return true
        }
        let count = try buffer.withUnsafeMutableBufferPointer { try read(into: $0) }
        guard count > 0 else { return false }
        try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        return true
    }

    /// Counts bytes read by another route (`copy_file_range`).
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
        if readAhead != nil {
            guard let block = try nextBlock() else { return 0 }
            let count = min(destination.count, block.count - taken)
            address.update(from: block.buffer.base.assumingMemoryBound(to: UInt8.self) + taken, count: count)
            taken += count
            return count
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

    /// The read-ahead block with bytes not yet taken (the next one when the current one is used up), counting
    /// each new block as read; nil at the end of the file.
    private func nextBlock() throws -> DirectReadAhead.Block? {
        if let block = current, taken < block.count { return block }
        if let block = current { readAhead?.giveBack(block.buffer); current = nil }
        guard !readAheadEnded, let block = readAhead?.next() else { return nil }
        if let error = block.error { readAheadEnded = true; throw error }
        guard block.count > 0 else { readAheadEnded = true; return nil }
        current = block
        taken = 0
        bytesRead += Int64(block.count)
        if countsProgress { ReadProgress.add(block.count) }
        return block
    }
}
