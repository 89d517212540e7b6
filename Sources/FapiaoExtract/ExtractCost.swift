import Glibc

/// A rough estimate of the work of extracting a source, to start the costliest sources first: the content
/// size of its files (a gzip file's from its trailer), XML counted three times (parsing it costs more).
enum ExtractCost {
    /// Job indices, costliest first (ties in job order).
    static func order(_ jobs: [SourceInputs]) -> [Int] {
        let costs = jobs.map(cost)
        return jobs.indices.sorted { costs[$0] != costs[$1] ? costs[$0] > costs[$1] : $0 < $1 }
    }

    /// The estimated cost of one source.
    static func cost(_ job: SourceInputs) -> Int64 {
        let weight: Int64 = job.source.format == .csv ? 1 : 3
        return job.files.reduce(0) { $0 + contentSize(path: $1.absolutePath) * weight }
    }

    /// The file's size, or for gzip data the size its last member's trailer states (modulo 4 GiB, as gzip
    /// stores it); 0 when the file cannot be read.
    static func contentSize(path: String) -> Int64 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return 0 }
        let size = Int64(info.st_size)
        var head: (UInt8, UInt8) = (0, 0), tail: UInt32 = 0
        guard size >= 18, pread(descriptor, &head, 2, 0) == 2, head == (0x1F, 0x8B),
              pread(descriptor, &tail, 4, off_t(size - 4)) == 4 else { return size }
        return max(size, Int64(UInt32(littleEndian: tail)))
    }
}
