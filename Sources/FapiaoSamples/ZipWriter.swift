import FapiaoCore
import FapiaoIO

/// Writes a zip file entry by entry, each deflated as it is written (streamed: an entry's size and CRC-32 follow
/// its data in a data descriptor), so a large sheet is never whole in memory. Deterministic: every entry carries
/// the same fixed time stamp, names are UTF-8 (flag bit 11), entries stay in the order written.
///
/// A `final class` because it owns the file being written and the open entry's zlib stream.
final class ZipWriter {
    private struct Written {
        let name: [UInt8]
        let offset: UInt32
        let crc: UInt32
        let compressed: UInt32
        let size: UInt32
    }

    private let writer: AtomicFileWriter
    private var offset = 0
    private var written: [Written] = []
    private var open: (name: [UInt8], start: Int, deflater: GzipDeflater?, size: Int, skipped: Int, held: [UInt8])?
    /// MS-DOS time and date of every entry: 2025-04-17 00:00:00, the sample night.
    private static let dosTime: UInt16 = 0
    private static let dosDate: UInt16 = (2025 - 1980) << 9 | 4 << 5 | 17

    /// Creates the file (it appears under `path` on `close`).
    init(path: String) throws { writer = try AtomicFileWriter(path: path) }

    /// Starts an entry named `name` (ending the open one).
    func begin(_ name: String) throws {
        try end()
        let bytes = Array(name.utf8)
        var header = ZipWriter.le32(0x0403_4B50) + ZipWriter.common(deflated: true)
        header += ZipWriter.le32(0) + ZipWriter.le32(0) + ZipWriter.le32(0)  // in the data descriptor
        header += ZipWriter.le16(UInt16(bytes.count)) + ZipWriter.le16(0) + bytes
        try emit(header)
        open = (bytes, offset - header.count, try GzipDeflater(level: 6), 0, 0, [])
    }

    /// Appends content to the open entry.
    func write(_ bytes: [UInt8]) throws {
        guard let entry = open else { return }
        var out: [UInt8] = []
        entry.deflater?.deflate(bytes, into: &out)
        open?.size += bytes.count
        try pass(out)
    }

    /// Writes a whole entry.
    func add(_ name: String, _ bytes: [UInt8]) throws {
        try begin(name)
        try write(bytes)
        try end()
    }

    /// Writes a whole entry from a gzip member of its content (made elsewhere, e.g. while other entries streamed).
    func add(_ name: String, gzipMember: [UInt8], size: Int) throws {
        try begin(name)
        open?.size = size
        open?.deflater = nil
        try pass(gzipMember)
        try end()
    }

    /// Writes the central directory and puts the file in place.
    func close() throws {
        try end()
        let start = offset
        for entry in written {
            var record = ZipWriter.le32(0x0201_4B50) + ZipWriter.le16(20) + ZipWriter.common(deflated: true)
            record += ZipWriter.le32(entry.crc) + ZipWriter.le32(entry.compressed) + ZipWriter.le32(entry.size)
            record += ZipWriter.le16(UInt16(entry.name.count)) + ZipWriter.le16(0) + ZipWriter.le16(0) + ZipWriter.le16(0)
            record += ZipWriter.le16(0) + ZipWriter.le32(0o100644 << 16) + ZipWriter.le32(entry.offset) + entry.name
            try emit(record)
        }
        var end = ZipWriter.le32(0x0605_4B50) + ZipWriter.le16(0) + ZipWriter.le16(0)
        end += ZipWriter.le16(UInt16(written.count)) + ZipWriter.le16(UInt16(written.count))
        end += ZipWriter.le32(UInt32(offset - start)) + ZipWriter.le32(UInt32(start)) + ZipWriter.le16(0)
        try emit(end)
        try writer.commit()
    }

    /// Ends the open entry: the rest of the deflate stream, then the data descriptor.
    private func end() throws {
        guard let entry = open else { return }
        var out: [UInt8] = []
        entry.deflater?.finish(into: &out)
        try pass(out)
        guard let done = open else { return }
        let trailer = done.held
        let crc = trailer.prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        let compressed = offset - done.start - 30 - done.name.count
        try emit(ZipWriter.le32(0x0807_4B50) + ZipWriter.le32(crc) + ZipWriter.le32(UInt32(compressed)) + ZipWriter.le32(UInt32(done.size)))
        written.append(Written(name: done.name, offset: UInt32(done.start), crc: crc, compressed: UInt32(compressed),
                               size: UInt32(done.size)))
        open = nil
    }

    /// Passes gzip output on as raw deflate data: the 10-byte gzip header is dropped, and the last 8 bytes are
    /// held back (at the end they are the gzip trailer: CRC-32 and size).
    private func pass(_ bytes: [UInt8]) throws {
        guard var entry = open else { return }
        var data = entry.held + bytes
        let skip = min(10 - entry.skipped, data.count)
        data.removeFirst(skip)
        entry.skipped += skip
        let keep = min(8, data.count)
        entry.held = Array(data.suffix(keep))
        open = entry
        try emit(Array(data.dropLast(keep)))
    }

    private func emit(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try writer.write(bytes)
        offset += bytes.count
    }

    /// Version needed, flags (data descriptor, UTF-8 names), method, time and date.
    private static func common(deflated: Bool) -> [UInt8] {
        le16(20) + le16(0x0808) + le16(deflated ? 8 : 0) + le16(dosTime) + le16(dosDate)
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }
}
