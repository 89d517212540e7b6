import FapiaoCore
import FapiaoIO

/// A file being written, streamed: plain bytes or gzip (one member, several members, or cut short).
final class ExportFile {
    /// How the bytes are stored.
    enum Compression {
        case none
        case gzip
        /// Gzip cut at two thirds of its compressed length: the file a failed upload leaves behind.
        case truncatedGzip
    }

    /// The path written.
    let path: String
    private let compression: Compression
    private let writer: AtomicFileWriter
    private var deflater: GzipDeflater?
    private var pending: [UInt8] = []
    private var compressed: [UInt8] = []
    private static let batchBytes = 256 * 1024

    /// Creates the file (atomically: it appears under `path` on `close`).
    init(path: String, compression: Compression) throws {
        self.path = path
        self.compression = compression
        writer = try AtomicFileWriter(path: path)
        if compression != .none { deflater = try GzipDeflater(level: 6) }
        pending.reserveCapacity(ExportFile.batchBytes + 4096)
    }

    /// Appends bytes.
    func write(_ bytes: [UInt8]) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= ExportFile.batchBytes { try drain() }
    }

    /// Appends in place through a buffer (avoids a copy per row).
    func append(_ body: (inout [UInt8]) throws -> Void) throws {
        try body(&pending)
        if pending.count >= ExportFile.batchBytes { try drain() }
    }

    /// Ends the current gzip member and starts another: a concatenated multi-member gzip.
    func startNewMember() throws {
        guard let current = deflater else { return }
        try drain()
        current.finish(into: &compressed)
        deflater = try GzipDeflater(level: 6)
        try flushCompressed()
    }

    /// Writes what is left and puts the file in place.
    func close() throws {
        try drain()
        if let deflater {
            deflater.finish(into: &compressed)
            if compression == .truncatedGzip { compressed = Array(compressed.prefix(compressed.count * 2 / 3)) }
            try writer.write(compressed)
            compressed = []
        }
        try writer.commit()
    }

    private func drain() throws {
        guard let deflater else {
            try writer.write(pending)
            pending.removeAll(keepingCapacity: true)
            return
        }
        deflater.deflate(pending, into: &compressed)
        pending.removeAll(keepingCapacity: true)
        try flushCompressed()
    }

    /// Passes compressed bytes on, except for a file to be cut short (its length is known only at the end).
    private func flushCompressed() throws {
        guard compression == .gzip, !compressed.isEmpty else { return }
        try writer.write(compressed)
        compressed.removeAll(keepingCapacity: true)
    }
}
