#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import FapiaoCore

/// Reads byte ranges of one file in ascending order, streaming the file ahead of the reader on a thread of its
/// own (`DirectReadAhead`: 2 MiB blocks, direct reads where the file system allows them).
///
/// For many small ranges spread over a large file that is not in the page cache (load's authority-only rows: a
/// few hundred thousand rows scattered over a 1.4 GB authority.csv), a `pread` per range leaves the reader
/// waiting for the disk; here the disk is read sequentially, ahead of the ranges asked for.
public final class AscendingRangeReader {
    private let descriptor: Int32
    private let path: String
    private let readAhead: DirectReadAhead
    /// The block being read, and the file offset of its first byte.
    private var block: DirectReadAhead.Block?
    private var blockStart: Int
    /// Bytes of a range that crosses blocks, gathered.
    private var carry: [UInt8] = []
    /// Where the last range asked for ended: ranges must not start before it.
    private var position: Int
    /// Whether the read-ahead has delivered its last block (it must not be asked again).
    private var ended = false

    /// Whether `deinit` closes the descriptor (false when a `FileChunkReader` lent its own).
    private let closesDescriptor: Bool

    /// Opens `path` to read ranges that lie within `span` (the file beyond it is not read); throws `io.open`.
    public convenience init(path: String, span: Range<Int>) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FapiaoError(code: "io.open", message: "cannot open \(path)", cause: String(cString: strerror(errno)))
        }
        self.init(descriptor: fd, path: path, span: span, closesDescriptor: true)
    }

    /// Reads ranges within `span` of the open file `descriptor` (named `path` in errors).
    init(descriptor: Int32, path: String, span: Range<Int>, closesDescriptor: Bool) {
        self.descriptor = descriptor
        self.path = path
        self.closesDescriptor = closesDescriptor
        position = span.lowerBound
        blockStart = DirectIO.alignedDown(span.lowerBound)
        readAhead = DirectReadAhead(descriptor: descriptor, path: path, start: span.lowerBound, end: span.upperBound)
    }

    deinit {
        if let block { readAhead.giveBack(block.buffer) }
        readAhead.stop()
        if closesDescriptor { close(descriptor) }
    }

    /// Calls `body` with the `count` bytes at `offset`. Offsets must ascend: a range may not start before the
    /// previous one ended (throws `io.read_order`); a range past the end of the file throws `io.short_read`.
    public func withBytes<T>(at offset: Int, count: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        guard offset >= position, count >= 0 else {
            throw FapiaoError(code: "io.read_order", message: "\(path): byte \(offset) asked for after byte \(position)")
        }
        position = offset + count
        var current = try blockHolding(offset)
        let start = offset - blockStart
        if start + count <= current.count {
            return try body(UnsafeBufferPointer(start: bytes(of: current) + start, count: count))
        }
        carry.removeAll(keepingCapacity: true)
        carry.append(contentsOf: UnsafeBufferPointer(start: bytes(of: current) + start, count: current.count - start))
        while carry.count < count {
            current = try blockHolding(blockStart + current.count)
            let taken = min(count - carry.count, current.count)
            carry.append(contentsOf: UnsafeBufferPointer(start: bytes(of: current), count: taken))
        }
        return try carry.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with the bytes from `offset` to `end` or to the end of the read-ahead block holding `offset`,
    /// whichever comes first, without copying them; returns how many bytes that was (call again from `offset`
    /// plus that to read on). Offsets ascend as for `withBytes(at:count:)`.
    public func withBytes(from offset: Int, upTo end: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Int {
        guard offset >= position, end > offset else {
            if end == offset { return 0 }
            throw FapiaoError(code: "io.read_order", message: "\(path): byte \(offset) asked for after byte \(position)")
        }
        let current = try blockHolding(offset)
        let start = offset - blockStart
        let count = min(end - offset, current.count - start)
        position = offset + count
        try body(UnsafeBufferPointer(start: bytes(of: current) + start, count: count))
        return count
    }

    /// The block holding the byte at `offset`, reading on (and giving back the blocks before it) as needed.
    private func blockHolding(_ offset: Int) throws -> DirectReadAhead.Block {
        while true {
            if let block, offset < blockStart + block.count { return block }
            if let block {
                blockStart += block.count
                readAhead.giveBack(block.buffer)
                self.block = nil
            }
            guard !ended, let next = readAhead.next() else { throw shortRead(offset) }
            if let error = next.error { ended = true; readAhead.giveBack(next.buffer); throw error }
            guard next.count > 0 else { ended = true; readAhead.giveBack(next.buffer); throw shortRead(offset) }
            block = next
        }
    }

    private func bytes(of block: DirectReadAhead.Block) -> UnsafePointer<UInt8> {
        UnsafePointer(block.buffer.base.assumingMemoryBound(to: UInt8.self))
    }

    private func shortRead(_ offset: Int) -> FapiaoError {
        FapiaoError(code: "io.short_read", message: "\(path) ends before byte \(offset)")
    }
}
