import Foundation
import FapiaoCore

/// Writes a file's bytes, in order, on a thread of its own, so that the disk does not hold up the thread
/// producing them. The producer's `append` copies the bytes into aligned 2 MiB blocks (`AlignedBuffer`); each
/// full block is written by the thread straight from that memory with direct I/O (`DirectIO`). Where the file
/// system refuses direct writes they go through the page cache, and the disk writing of each 8 MiB is started
/// early (`sync_file_range`), so that the final `fsync` has little left to do.
///
/// `append`, `truncate` and `finish` are called by one producer thread. The first write error is kept and thrown
/// by the next `append`, `drain` or `finish`.
public final class FileWriteThread: @unchecked Sendable {
    private enum Job {
        /// Write `count` bytes of the block at `offset`; `last`: the file's final bytes (any length).
        case write(AlignedBuffer, offset: Int64, count: Int, last: Bool)
        case barrier(DispatchSemaphore)
        case stop
    }

    /// glibc's `sync_file_range` (not in Swift's Glibc module), looked up once; nil where it is missing.
    private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    }()

    /// Blocks per writer: one filling, up to two queued or being written.
    private static let blocks = 3
    private let descriptor: Int32
    private let path: String
    private let jobs = Channel<Job>(capacity: FileWriteThread.blocks)
    private let free = Channel<AlignedBuffer>(capacity: FileWriteThread.blocks)
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: FapiaoError?
    private var stopped = false
    /// The thread's state: whether writes are still direct, and where page-cache writeback was last started.
    private var isDirect: Bool
    private var writebackStart: Int64
    /// Bytes between disk writeback starts (page-cache writes only).
    private static let writebackStep: Int64 = 8 << 20
    /// The producer's state: the block being filled, its bytes, and the file offset of its first byte.
    private var current: AlignedBuffer
    private var filled = 0
    private var blockOffset: Int64

    /// Starts the thread writing to `descriptor` (named `path` in errors) from file position `offset` on; direct
    /// when `direct`, `offset` is aligned and the file system allows it. A scratch file that is read back soon
    /// asks for neither direct writes nor `writeback` (its pages stay in the page cache, for the reads).
    public init(descriptor: Int32, path: String, offset: Int64, direct: Bool = true, writeback: Bool = true) {
        self.descriptor = descriptor
        self.path = path
        blockOffset = offset
        writebackStart = writeback ? offset : Int64.max
        isDirect = direct && offset % Int64(DirectIO.alignment) == 0 && DirectIO.enable(on: descriptor)
        current = AlignedBuffer.pool.take()
        for _ in 1..<FileWriteThread.blocks { free.send(AlignedBuffer.pool.take()) }
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.start()
    }

    deinit {
        stop()
        AlignedBuffer.pool.give(current)
        while let block = free.poll() { AlignedBuffer.pool.give(block) }
    }

    /// The file position after the bytes appended so far.
    public var position: Int64 { blockOffset + Int64(filled) }

    /// Appends bytes: copied into the current block, which goes to the thread once full (waiting while two
    /// blocks are queued); throws an earlier write error.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            let taken = min(rest.count, current.capacity - filled)
            (current.base + filled).copyMemory(from: rest.baseAddress!, byteCount: taken)
            filled += taken
            rest = UnsafeRawBufferPointer(rebasing: rest[taken...])
            if filled == current.capacity { try handOver(last: false) }
        }
    }

    /// Waits until every block handed over is written; throws the first write error.
    public func drain() throws {
        let reached = DispatchSemaphore(value: 0)
        jobs.send(.barrier(reached))
        reached.wait()
        try raiseFailure()
    }

    /// Writes everything appended so far (a page-cache writer: any length; a direct one: at an aligned
    /// `position`, or direct writes end here) and waits for it; readers of the file then see every byte.
    public func flush() throws {
        try handOver(last: false)
        try drain()
    }

    /// Forgets every byte after file position `mark` (at most `position`); appends continue there, through the
    /// page cache when `mark` lies in bytes already handed over.
    public func truncate(to mark: Int64) throws {
        if mark >= blockOffset {
            filled = Int(mark - blockOffset)
            return
        }
        try drain()  // the thread is idle from here on
        guard ftruncate(descriptor, off_t(mark)) == 0 else {
            throw FapiaoError(code: "io.write", message: "cannot truncate \(path)", cause: String(cString: strerror(errno)))
        }
        stopDirect()
        blockOffset = mark
        if writebackStart != Int64.max { writebackStart = min(writebackStart, mark) }
        filled = 0
    }

    /// Writes the rest, the last unaligned bytes through the page cache, and ends the thread. The caller fsyncs.
    public func finish() throws {
        try handOver(last: true)
        try drain()
        stop()
    }

    /// Ends the thread once the blocks handed over are written, and waits for it. Call once.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        jobs.send(.stop)
        done.wait()
    }

    /// Sends the current block to the thread and goes on with a free one.
    private func handOver(last: Bool) throws {
        try raiseFailure()
        guard filled > 0 else { return }
        jobs.send(.write(current, offset: blockOffset, count: filled, last: last))
        blockOffset += Int64(filled)
        filled = 0
        current = free.receive() ?? AlignedBuffer.pool.take()
    }

    private func raiseFailure() throws {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }

    private func run() {
        while let job = jobs.receive() {
            switch job {
            case let .write(block, offset, count, last):
                write(block, at: offset, count: count, last: last)
                free.send(block)
            case .barrier(let reached):
                reached.signal()
            case .stop:
                return
            }
        }
    }

    /// Writes a block: whole aligned blocks directly; the file's last bytes (unaligned) after turning direct
    /// writes off.
    private func write(_ block: AlignedBuffer, at offset: Int64, count: Int, last: Bool) {
        lock.lock()
        let failed = failure != nil
        lock.unlock()
        guard !failed else { return }
        do {
            let direct = isDirect ? DirectIO.alignedDown(count) : 0
            if direct > 0 { try writeFully(block.base, count: direct, at: offset) }
            if direct < count {
                if last || isDirect { stopDirect() }
                try writeFully(block.base + direct, count: count - direct, at: offset + Int64(direct))
            }
        } catch {
            lock.lock()
            failure = error as? FapiaoError ?? FapiaoError(code: "io.write", message: "\(error)")
            lock.unlock()
            return
        }
        startWriteback(end: offset + Int64(count))
    }

    /// `pwrite` until every byte is written; a direct write the file system refuses is retried through the cache.
    private func writeFully(_ bytes: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws {
        var done = 0
        while done < count {
            let written = pwrite(descriptor, bytes + done, count - done, off_t(offset) + off_t(done))
            if written > 0 { done += written; continue }
            if written < 0, errno == EINTR { continue }
            if written < 0, errno == EINVAL, isDirect { stopDirect(); continue }
            throw FapiaoError(code: "io.write", message: "cannot write \(path)", cause: String(cString: strerror(errno)))
        }
    }

    private func stopDirect() {
        guard isDirect else { return }
        DirectIO.disable(on: descriptor)
        isDirect = false
    }

    /// Starts the disk writing of the bytes written through the page cache since the last start, every 8 MiB.
    private func startWriteback(end: Int64) {
        guard !isDirect, writebackStart != Int64.max, end - writebackStart >= FileWriteThread.writebackStep else { return }
        _ = FileWriteThread.syncFileRange?(descriptor, writebackStart, end - writebackStart, 2 /* SYNC_FILE_RANGE_WRITE */)
        writebackStart = end
    }
}
