import Foundation
import FapiaoCore

/// Copies files durably (temporary file, fsync, rename: `AtomicFileWriter`), inside the kernel where it can
/// (`copy_file_range`), and leaves a target alone that already holds exactly the source's bytes.
public enum FileCopy {
    /// Copies `source` to `target` unless `target` already holds the same bytes (compared in full).
    public static func copy(_ source: String, to target: String) throws {
        if (try? sameBytes(source, target)) == true { return }
        let reader = try FileChunkReader(path: source, chunkSize: 1 << 20, countsProgress: false, direct: false)
        let writer = try AtomicFileWriter(path: target)
        if try !writer.copyInKernel(from: reader) {
            while try reader.withNextChunk({ try writer.write($0) }) {}
        }
        try writer.commit()
    }

    /// The size of a file, nil when it cannot be examined.
    public static func size(of path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    /// True when both files exist, have the same size and the same bytes (the first, the source, is read through
    /// the page cache, where a file just delivered usually is; the second directly).
    public static func sameBytes(_ first: String, _ second: String) throws -> Bool {
        guard let size = size(of: first), size == FileCopy.size(of: second) else { return false }
        let a = try FileChunkReader(path: first, chunkSize: 1 << 20, countsProgress: false, direct: false)
        let b = try FileChunkReader(path: second, chunkSize: 1 << 20, countsProgress: false)
        var left = [UInt8](repeating: 0, count: 1 << 20), right = left
        while true {
            let count = try left.withUnsafeMutableBufferPointer { try a.readFully(into: $0) }
            let other = try right.withUnsafeMutableBufferPointer { try b.readFully(into: $0) }
            guard count == other else { return false }
            if count == 0 { return true }
            let equal = left.withUnsafeBytes { l in right.withUnsafeBytes { r in memcmp(l.baseAddress!, r.baseAddress!, count) == 0 } }
            guard equal else { return false }
        }
    }
}
