import Foundation
import FapiaoCore

/// Memory for output bytes: filled by one producer, then handed to a file's writing thread.
/// A `final class` so that the memory has one owner, freed with it.
public final class WriteBlock: @unchecked Sendable {
    /// The block's memory.
    public let base: UnsafeMutablePointer<UInt8>
    /// Bytes the block holds.
    public let capacity: Int
    /// Bytes filled.
    public var count = 0

    /// An empty block of `capacity` bytes.
    public init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The filled bytes.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// Spare buffers shared by every file of the run (at most `limit` kept), so that large buffers are not
/// allocated, page-faulted in and freed again for every file.
public final class ReusePool<Item: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item] = []
    private let limit: Int
    private let make: () -> Item

    /// A pool keeping at most `limit` spare items, making new ones with `make`.
    public init(limit: Int, make: @escaping () -> Item) {
        self.limit = limit
        self.make = make
    }

    /// A spare item, or a new one.
    public func take() -> Item {
        lock.lock()
        let item = items.popLast()
        lock.unlock()
        return item ?? make()
    }

    /// Gives an item back (dropped when the pool is full).
    public func give(_ item: Item) {
        lock.lock()
        if items.count < limit { items.append(item) }
        lock.unlock()
    }
}

/// Writes blocks of bytes to a file, in order, on its own thread, so that the disk does not hold up the thread
/// producing the bytes. Whole aligned blocks go to the disk directly (`DirectAppender`); where the file system
/// refuses direct writes, the writes go through the page cache and the disk writing of each 8 MiB is started
/// early (`sync_file_range`), so that the final `fsync` has little left to do.
///
/// The first write error is kept and thrown by the next `submit`, `drain` or `finish`.
public final class FileWriteThread: @unchecked Sendable {
    private enum Job {
        case write(WriteBlock)
        case barrier(DispatchSemaphore)
        case stop
    }

    /// glibc's `sync_file_range` (not in Swift's Glibc module), looked up once; nil where it is missing.
    private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    }()

    /// The size of the blocks handed over.
    public static let blockCapacity = 1 << 20
    private let descriptor: Int32
    private let appender: DirectAppender
    private let jobs = Channel<Job>(capacity: 2)
    private static let spare = ReusePool(limit: 8) { WriteBlock(capacity: FileWriteThread.blockCapacity) }
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: FapiaoError?
    /// Where the bytes not yet sent to the disk start (page-cache writes only).
    private var writebackStart: Int64
    /// Bytes gathered before their disk writing is started.
    private static let writebackStep: Int64 = 8 << 20
    private var stopped = false

    /// Starts the thread writing to `descriptor` (named `path` in errors) from file position `offset` on.
    public init(descriptor: Int32, path: String, offset: Int64) {
        self.descriptor = descriptor
        appender = DirectAppender(descriptor: descriptor, path: path, offset: offset)
        writebackStart = offset
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.start()
    }

    /// An empty block to fill (a written one when there is one).
    public func freshBlock() -> WriteBlock {
        let block = FileWriteThread.spare.take()
        block.count = 0
        return block
    }

    /// Queues a filled block (waits while two are queued); throws an earlier write error.
    public func submit(_ block: WriteBlock) throws {
        try raiseFailure()
        jobs.send(.write(block))
    }

    /// Waits until every queued block is written; throws the first write error.
    public func drain() throws {
        let reached = DispatchSemaphore(value: 0)
        jobs.send(.barrier(reached))
        reached.wait()
        try raiseFailure()
    }

    /// Forgets every byte after file position `mark`; only after `drain` (the thread is idle).
    public func truncate(to mark: Int64) throws {
        try appender.truncate(to: mark)
        writebackStart = min(writebackStart, mark)
    }

    /// Writes every queued block and the last, unaligned bytes, and ends the thread. The caller fsyncs.
    public func finish() throws {
        try drain()
        stop()
        try appender.finish()
    }

    /// Ends the thread once the queued blocks are written, and waits for it. Call once.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        jobs.send(.stop)
        done.wait()
    }

    private func raiseFailure() throws {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
    }

    private func run() {
        while let job = jobs.receive() {
            switch job {
            case .write(let block):
                write(block)
                if block.capacity == FileWriteThread.blockCapacity { FileWriteThread.spare.give(block) }
            case .barrier(let reached):
                reached.signal()
            case .stop:
                return
            }
        }
    }

    private func write(_ block: WriteBlock) {
        lock.lock()
        let failed = failure != nil
        lock.unlock()
        guard !failed else { return }
        do {
            try appender.append(block.bytes)
        } catch {
            lock.lock()
            failure = error as? FapiaoError ?? FapiaoError(code: "io.write", message: "\(error)")
            lock.unlock()
            return
        }
        startWriteback()
    }

    /// Starts the disk writing of the bytes written through the page cache since the last start, every 8 MiB.
    private func startWriteback() {
        guard !appender.isDirect else { return }
        let end = appender.position
        guard end - writebackStart >= FileWriteThread.writebackStep else { return }
        _ = FileWriteThread.syncFileRange?(descriptor, writebackStart, end - writebackStart, 2 /* SYNC_FILE_RANGE_WRITE */)
        writebackStart = end
    }
}
