import Foundation

/// Bytes read from input files so far in this process, for progress displays. Updated once per read call
/// (chunks of tens or hundreds of KiB), so the lock costs nothing measurable.
public enum ReadProgress {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var total: Int64 = 0

    /// Adds bytes just read.
    public static func add(_ bytes: Int) {
        lock.lock()
        total += Int64(bytes)
        lock.unlock()
    }

    /// Bytes read so far.
    public static var bytes: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return total
    }
}
