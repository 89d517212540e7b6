import Foundation
import FapiaoIO

/// Writes blocks of bytes to a file descriptor, in order, on its own thread, so that the kernel's copy
/// into the page cache does not hold up the thread producing the bytes. Also starts the disk writing of
/// each block early (`sync_file_range`), so that the final `fsync` has little left to do.
///
/// The first write error is kept and thrown by the next `submit` or `drain`.
final class FileWriteThread: @unchecked Sendable {
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
    static let blockCapacity = 1 << 20
    private let descriptor: Int32
    private let path: String
    private let jobs = Channel<Job>(capacity: 2)
    private static let spare = ReusePool(limit: 8) { WriteBlock(capacity: FileWriteThread.blockCapacity) }
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var failure: OutputFailure?
    private var offset: Int64
    /// Where the bytes not yet sent to the disk start.
    private var writebackStart: Int64
    /// Bytes gathered before their disk writing is started.
    private static let writebackStep: Int64 = 8 << 20
    private var stopped = false

    /// Starts the thread writing to `descriptor` (named `path` in errors), whose position is `offset`.
    init(descriptor: Int32, path: String, offset: Int64) {
        self.descriptor = descriptor
        self.path = path
        self.offset = offset
        writebackStart = offset
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.start()
    }

    /// An empty block to fill (a written one when there is one).
    func freshBlock() -> WriteBlock {
        let block = FileWriteThread.spare.take()
        block.count = 0
        return block
    }

    /// Queues a filled block (waits while two are queued); throws an earlier write error.
    func submit(_ block: WriteBlock) throws {
        try raiseFailure()
        jobs.send(.write(block))
    }

    /// Waits until every queued block is written; throws the first write error.
    func drain() throws {
        let reached = DispatchSemaphore(value: 0)
        jobs.send(.barrier(reached))
        reached.wait()
        try raiseFailure()
    }

    /// Ends the thread once the queued blocks are written, and waits for it. Call once.
    func stop() {
        guard !stopped else { return }
        stopped = true
        jobs.send(.stop)
        done.wait()
    }

    /// Sets the file position the next block is written at (after the file was truncated); only while
    /// the thread is idle (after `drain`).
    func reposition(to offset: Int64) {
        self.offset = offset
        writebackStart = min(writebackStart, offset)
    }

    /// Starts the disk writing of the bytes written since the last start, every 8 MiB.
    private func startWriteback() {
        guard offset - writebackStart >= FileWriteThread.writebackStep else { return }
        _ = FileWriteThread.syncFileRange?(descriptor, writebackStart, offset - writebackStart, 2 /* SYNC_FILE_RANGE_WRITE */)
        writebackStart = offset
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
        guard !failed, let base = block.bytes.baseAddress else { return }
        var written = 0
        while written < block.count {
            let count = Glibc.write(descriptor, base + written, block.count - written)
            if count < 0 {
                if errno == EINTR { continue }
                let error = outputFailure("io.write", "cannot write \(path)")
                lock.lock()
                failure = error
                lock.unlock()
                return
            }
            written += count
        }
        offset += Int64(block.count)
        startWriteback()
    }
}
