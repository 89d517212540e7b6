#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import FapiaoCore

/// Direct I/O (`O_DIRECT`) for the large sequential files a night writes and reads back: the stage record files,
/// canonical.csv, the archive copies and the scratch files.
///
/// Why: through the page cache, every byte written is first copied into freshly allocated cache pages, and
/// reading a file that is not cached allocates them again; on this project's machine kind (a virtual machine)
/// that costs 0.7–1.6 CPU-seconds of kernel time per GB, and the fsync afterwards waits for the disk on top
/// (measured with `dd`: 2 GB written and fsynced in 5–6 s through the cache, 0.7–1.4 s with `O_DIRECT`; 1 GB read
/// uncached 1.3 s / 0.67 s kernel through the cache, 0.32 s / 0.03 s with `O_DIRECT`). Direct transfers go
/// between the process's own (reused) buffers and the disk.
///
/// Rules that keep it safe: buffers, offsets and lengths are multiples of `alignment`; the unaligned tail of a
/// file is written after switching `O_DIRECT` off for that descriptor; a file system that refuses `O_DIRECT`
/// (tmpfs, some network file systems) gets ordinary buffered I/O, as does everything when `FAPIAO_DIRECT_IO=0`.
/// Durability is unchanged: writers still `fsync` (which also flushes the disk's own cache).
public enum DirectIO {
    /// Alignment of buffers, file offsets and transfer sizes (the largest logical block size in use).
    public static let alignment = 4096

    /// Whether direct I/O is used at all: on, unless the environment sets `FAPIAO_DIRECT_IO=0`.
    public static let isEnabled: Bool = ProcessInfo.processInfo.environment["FAPIAO_DIRECT_IO"] != "0" && openFlag != 0

    /// Files smaller than this are read through the page cache (direct reads of small files save nothing).
    public static let minimumReadSize: Int64 = 8 << 20

    /// `O_DIRECT`, which Swift's Glibc module does not export (its value differs between architectures).
    static let openFlag: Int32 = {
        #if os(Linux) && (arch(x86_64) || arch(i386))
        return 0o40000
        #elseif os(Linux) && (arch(arm64) || arch(arm))
        return 0o200000
        #else
        return 0
        #endif
    }()

    /// Turns `O_DIRECT` on for an open descriptor; false (and nothing changed) where the file system refuses.
    static func enable(on descriptor: Int32) -> Bool {
        guard isEnabled else { return false }
        let flags = fcntl(descriptor, F_GETFL)
        return flags >= 0 && fcntl(descriptor, F_SETFL, flags | openFlag) == 0
    }

    /// Turns `O_DIRECT` off for an open descriptor.
    static func disable(on descriptor: Int32) {
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0, flags & openFlag != 0 { _ = fcntl(descriptor, F_SETFL, flags & ~openFlag) }
    }

    /// Bytes per direct transfer (2 MiB: large enough to keep the disk busy, small enough that the blocks of
    /// every reader and writer of load, about twenty, stay a small part of its peak memory).
    static let blockSize = 2 << 20

    /// `value` rounded down to a multiple of `alignment`.
    static func alignedDown(_ value: Int) -> Int { value & ~(alignment - 1) }
}

/// An aligned block of memory for direct transfers (a `final class`: it owns the mapping).
///
/// Mapped with `mmap` rather than taken from `malloc`: glibc keeps freed multi-megabyte blocks in per-thread arenas,
/// which with a writing or reading thread per file grew load's peak memory by ~200 MB; a mapping is returned to
/// the system when freed. Blocks are reused through `pool`, so a run maps only a few.
final class AlignedBuffer: @unchecked Sendable {
    /// The start of the block (page-aligned, so aligned to `DirectIO.alignment`).
    let base: UnsafeMutableRawPointer
    /// Bytes the block holds.
    let capacity: Int

    /// Spare 2 MiB blocks shared by every reader and writer of the run (few: kept blocks count in peak memory).
    static let pool = ReusePool(limit: 4) { AlignedBuffer(capacity: DirectIO.blockSize) }

    /// A block of `capacity` bytes (rounded up to the alignment).
    init(capacity: Int) {
        self.capacity = DirectIO.alignedDown(capacity + DirectIO.alignment - 1)
        let mapped = mmap(nil, self.capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        if let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) {
            base = mapped
        } else {
            base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: DirectIO.alignment)
            isMapped = false
        }
    }

    private var isMapped = true

    deinit {
        if isMapped { munmap(base, capacity) } else { base.deallocate() }
    }
}

/// Reads a file ahead of its consumer on a thread of its own, in aligned 2 MiB blocks with direct reads (through
/// the page cache where the file system refuses them), so the consumer never waits for the disk while blocks
/// are ready. At most three blocks are held; the consumer gives each back when done with it.
final class DirectReadAhead: @unchecked Sendable {
    /// One block read: its bytes (`count` of them; 0 at the end of the file) or the read's error.
    struct Block {
        var buffer: AlignedBuffer
        var count: Int
        var error: FapiaoError?
    }

    private let ready = Channel<Block>(capacity: 3)
    private let free = Channel<AlignedBuffer>(capacity: 3)
    private let done = DispatchSemaphore(value: 0)
    /// The blocks this reader uses, given back to the shared pool when it stops.
    private let buffers = (0..<3).map { _ in AlignedBuffer.pool.take() }

    /// Starts reading `descriptor` (named `path` in errors) at `start` (rounded down to `DirectIO.alignment`: the
    /// first block's first byte is `DirectIO.alignedDown(start)`) and stops after the block that reaches `end`
    /// (or the end of the file).
    init(descriptor: Int32, path: String, start: Int = 0, end: Int = .max) {
        for buffer in buffers { free.send(buffer) }
        let (ready, free, done) = (ready, free, done)
        let first = off_t(DirectIO.alignedDown(start)), last = off_t(clamping: end)
        let thread = Thread {
            DirectReadAhead.run(descriptor: descriptor, path: path, from: first, to: last, ready: ready, free: free)
            done.signal()
        }
        thread.start()
    }

    /// The next block, in file order (count 0 at the end); nil once stopped.
    func next() -> Block? { ready.receive() }

    /// Gives a block's buffer back for reuse.
    func giveBack(_ buffer: AlignedBuffer) { free.send(buffer) }

    /// Stops the thread and waits for it (before the descriptor is closed).
    func stop() {
        ready.cancel()
        free.cancel()
        done.wait()
        for buffer in buffers { AlignedBuffer.pool.give(buffer) }
    }

    /// The thread: reads block after block from `start` until the end of the file or of the range, an error, or
    /// `stop`.
    private static func run(descriptor: Int32, path: String, from start: off_t, to end: off_t,
                            ready: Channel<Block>, free: Channel<AlignedBuffer>) {
        var direct = DirectIO.enable(on: descriptor)
        var offset = start
        while offset < end, let buffer = free.receive() {
            var count = 0
            var failure: FapiaoError?
            while count < buffer.capacity {
                let got = pread(descriptor, buffer.base + count, buffer.capacity - count, offset + off_t(count))
                if got > 0 {
                    count += got
                    // A direct read stops short only at the end of the file (or unaligned: read on buffered).
                    if direct, count % DirectIO.alignment != 0 { break }
                    continue
                }
                if got == 0 { break }
                if errno == EINTR { continue }
                if errno == EINVAL, direct {
                    DirectIO.disable(on: descriptor)
                    direct = false
                    continue
                }
                failure = FapiaoError(code: "io.read", message: "cannot read \(path)", cause: String(cString: strerror(errno)))
                break
            }
            offset += off_t(count)
            guard ready.send(Block(buffer: buffer, count: count, error: failure)), count > 0, failure == nil else { return }
        }
        // The range's end: a last, empty block says so (the consumer gives a buffer back before it asks again).
        if let buffer = free.receive() { _ = ready.send(Block(buffer: buffer, count: 0, error: nil)) }
    }
}
