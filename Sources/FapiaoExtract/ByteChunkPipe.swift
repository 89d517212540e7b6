import Foundation
import FapiaoIO

/// A fixed-capacity byte buffer handed from one thread to another (a `final class`: it owns its memory and
/// is passed by reference, never copied).
final class ByteChunk: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    /// Bytes filled so far.
    private(set) var count = 0

    /// An empty chunk holding at most `capacity` bytes.
    init(capacity: Int) {
        storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, capacity))
    }

    deinit { storage.deallocate() }

    /// The bytes filled so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: storage[0..<count]) }

    /// True when no byte more fits.
    var isFull: Bool { count == storage.count }

    /// Copies as much of `source` as fits behind the filled bytes; returns how many bytes were taken.
    func append(_ source: UnsafeBufferPointer<UInt8>) -> Int {
        let taken = min(source.count, storage.count - count)
        if taken > 0, let from = source.baseAddress, let to = storage.baseAddress {
            (to + count).update(from: from, count: taken)
            count += taken
        }
        return taken
    }

    /// Empties the chunk for reuse.
    func reset() { count = 0 }
}

/// A byte stream produced on a background thread and consumed, in order, on the caller's: the producer
/// `write`s pieces of any size, which travel in large chunks; its end or its error arrives after every byte
/// written before it.
///
/// The consumer calls `next()` until it returns nil (the end; the producer's error is thrown in its place),
/// and `stop()` when done, also early: `stop` cancels the producer and waits for its thread to finish.
///
/// Reading ahead can be held back: until the consumer calls `readAhead()`, a producer's `permitRead()` waits
/// until the consumer has taken every byte written so far and asks for more, so the producer reads exactly
/// what a single thread would have read when the consumer stops early.
final class BackgroundByteStream: @unchecked Sendable {
    /// What travels through the queue.
    private enum Item {
        case chunk(ByteChunk)
        case awaitingPermission
        case failed(Error)
        case end
    }

    /// Thrown inside the producer when the consumer stopped early.
    struct Cancelled: Error {}

    /// The size of a chunk handed over.
    static let chunkCapacity = 1 << 20
    private let items = Channel<Item>(capacity: 3)
    private static let spare = ReusePool(limit: 12) { ByteChunk(capacity: BackgroundByteStream.chunkCapacity) }

    /// Drops the spare chunks kept for the next file (once every file is read).
    static func releaseSpares() { spare.removeAll() }
    private let done = DispatchSemaphore(value: 0)
    private var filling: ByteChunk?
    private var lastHandedOut: ByteChunk?
    private var stopped = false
    private let permission = NSCondition()
    private var permits = 0
    private var unlimited = false
    private var cancelled = false

    /// Starts `produce` on its own thread; it writes its output through `write` (on that thread only).
    init(produce: @escaping (BackgroundByteStream) throws -> Void) {
        let thread = Thread { [self] in
            run(produce)
            done.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    private func run(_ produce: (BackgroundByteStream) throws -> Void) {
        do {
            try produce(self)
            try handOverFilling()
            items.send(.end)
        } catch is Cancelled {
            return
        } catch {
            do { try handOverFilling() } catch { return }
            items.send(.failed(error))
        }
    }

    /// Producer side: appends bytes to the stream; throws `Cancelled` when the consumer stopped.
    func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if items.isCancelled { throw Cancelled() }
        var rest = bytes
        while !rest.isEmpty {
            let chunk = filling ?? BackgroundByteStream.spare.take()
            filling = chunk
            let taken = chunk.append(rest)
            rest = UnsafeBufferPointer(rebasing: rest[taken...])
            if chunk.isFull { try handOverFilling() }
        }
    }

    /// Producer side: returns when the producer may read more input (at once after `readAhead()`); throws
    /// `Cancelled` when the consumer stopped.
    func permitRead() throws {
        permission.lock()
        let free = unlimited
        permission.unlock()
        if free { return }
        try handOverFilling()
        guard items.send(.awaitingPermission) else { throw Cancelled() }
        permission.lock()
        defer { permission.unlock() }
        while !unlimited && permits == 0 && !cancelled { permission.wait() }
        if cancelled { throw Cancelled() }
        if !unlimited { permits -= 1 }
    }

    /// Consumer side: lets the producer read ahead freely from now on.
    func readAhead() {
        permission.lock()
        unlimited = true
        permission.broadcast()
        permission.unlock()
    }

    private func grantOneRead() {
        permission.lock()
        permits += 1
        permission.broadcast()
        permission.unlock()
    }

    private func handOverFilling() throws {
        guard let chunk = filling else { return }
        filling = nil
        guard items.send(.chunk(chunk)) else { throw Cancelled() }
    }

    /// Consumer side: the next bytes in order (valid until the next call), nil at the end; throws the
    /// producer's error once every byte before it was handed out.
    func next() throws -> UnsafeBufferPointer<UInt8>? {
        if let chunk = lastHandedOut {
            lastHandedOut = nil
            chunk.reset()
            BackgroundByteStream.spare.give(chunk)
        }
        while true {
            switch items.receive() {
            case .chunk(let chunk)?:
                lastHandedOut = chunk
                return chunk.bytes
            case .awaitingPermission?:
                grantOneRead()
            case .failed(let error)?:
                throw error
            case .end?, nil:
                return nil
            }
        }
    }

    /// Consumer side: stops the producer (wherever it is) and waits for its thread to end. Call once.
    func stop() {
        guard !stopped else { return }
        stopped = true
        permission.lock()
        cancelled = true
        permission.broadcast()
        permission.unlock()
        items.cancel()
        done.wait()
        for chunk in [filling, lastHandedOut].compactMap({ $0 }) {
            chunk.reset()
            BackgroundByteStream.spare.give(chunk)
        }
        filling = nil
        lastHandedOut = nil
    }
}
