import Foundation

/// Gives memory the allocator keeps after a stage back to the system.
public enum MemoryRelease {
    /// glibc's `malloc_trim` (not in Swift's Glibc module), looked up once; nil where it is missing.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// Drops the spare direct-I/O blocks and releases the free memory of every allocator arena (glibc keeps what
    /// a stage's threads freed, which would add to the next stage's peak when one process runs the whole night).
    public static func trim() {
        AlignedBuffer.pool.removeAll()
        trimHeap()
    }

    /// Releases the free memory of every allocator arena, after work that freed much while the process's peak is
    /// still ahead (load's delete of a re-run night's history rows, which runs beside reconciliation).
    public static func trimHeap() {
        _ = mallocTrim?(0)
    }
}
