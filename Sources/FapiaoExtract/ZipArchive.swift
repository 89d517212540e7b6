import Foundation
import FapiaoCore
import ZIPFoundation

/// One entry of a zip file's central directory.
struct ZipEntry: Equatable {
    /// The name as stored (raw bytes), and as text (UTF-8, else GB18030, else with `\xNN` escapes). Never used
    /// as a path: entries are only looked up and shown.
    let rawName: [UInt8]
    let name: String
    let method: UInt16
    let crc32: UInt32
    let compressedSize: Int64
    let uncompressedSize: Int64
    let localHeaderOffset: Int64
    /// Encrypted entries cannot be read.
    let encrypted: Bool

    /// True for a folder entry (its name ends with `/`).
    var isDirectory: Bool { rawName.last == UInt8(ascii: "/") }
}

/// A zip file opened for reading its entries one by one, each streamed in pieces: the central directory is
/// read from the file's end (the end-of-central-directory record must sit in its last 64 KiB + 22 bytes), and
/// an entry's bytes are read from its local header's data offset, at most its compressed size.
///
/// Deflated entries are inflated with ZIPFoundation's `Data.decompress`, fed by a provider that stops at the
/// entry's compressed size. (ZIPFoundation's `Archive` scans a whole non-zip file byte by byte for the
/// end record, and its `extract` feeds the inflater from the rest of the file without bound: a deflate stream
/// that never ends would spin forever. Its `Entry` does not expose the data offset, so fapiao reads the
/// directory itself.) Every entry's CRC-32 (`ZipCRC32`) and size are checked; `maxInflatedBytes` bounds each entry.
///
/// A `final class` because it owns a file descriptor, closed in `deinit`. ZIP64, multi-disk and encrypted
/// archives are refused (`zip.unsupported`).
final class ZipArchive {
    /// The entries in directory order.
    private(set) var entries: [ZipEntry] = []
    private let descriptor: Int32
    private let path: String
    private let fileSize: Int64
    private var directoryOffset: Int64 = 0
    /// The most entries a directory may list.
    static let maxEntries = 1_000_000

    /// Opens `path` and reads its central directory; throws a `FileFailure` (`zip.*`) for anything that is not
    /// a readable zip.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw FileFailure(FapiaoError(code: "io.open", message: "cannot open \(path)", cause: String(cString: strerror(errno))))
        }
        descriptor = fd
        var info = stat()
        fileSize = fstat(fd, &info) == 0 ? Int64(info.st_size) : 0
        try readDirectory()
    }

    deinit { close(descriptor) }

    /// The first entry named `name`, or else the first whose name differs only in ASCII case (package part
    /// names are case-insensitive: `xl/SharedStrings.xml` is `xl/sharedStrings.xml`), or nil.
    func entry(named name: String) -> ZipEntry? {
        let bytes = Array(name.utf8)
        if let exact = entries.first(where: { $0.rawName == bytes || $0.name == name }) { return exact }
        let folded = name.lowercased()
        return entries.first { $0.name.lowercased() == folded }
    }

    /// Streams an entry's content to `body` in pieces of at most 64 KiB; throws a `FileFailure` when the entry
    /// is corrupt, unsupported, or inflates past `maxInflatedBytes`, and whatever `body` throws.
    func read(_ entry: ZipEntry, maxInflatedBytes: Int64, into body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !entry.encrypted else { throw ZipFailure.unsupported("the entry \(entry.name) is encrypted") }
        let start = try dataOffset(of: entry)
        var produced: Int64 = 0
        var crc = ZipCRC32()
        let consumer: Consumer = { data in
            produced += Int64(data.count)
            if produced > maxInflatedBytes { throw ZipFailure.tooLarge(entry: entry.name, limit: maxInflatedBytes) }
            try data.withUnsafeBytes { raw in
                crc.update(raw)
                try body(raw.bindMemory(to: UInt8.self))
            }
        }
        let provider = boundedProvider(start: start, size: entry.compressedSize, entry: entry.name)
        do {
            switch entry.method {
            case 0: try ZipArchive.copyStored(size: entry.compressedSize, provider: provider, consumer: consumer)
            case 8: _ = try Data.decompress(size: entry.compressedSize, bufferSize: 64 * 1024, skipCRC32: true,
                                            provider: provider, consumer: consumer)
            default: throw ZipFailure.unsupported("the entry \(entry.name) uses compression method \(entry.method)")
            }
        } catch let error as FileFailure {
            throw error
        } catch let error as OutputFailure {
            throw error
        } catch let error as FapiaoError {
            throw FileFailure(error)
        } catch {  // ZIPFoundation's CompressionError (not public)
            throw ZipFailure.corrupt("the entry \(entry.name) does not inflate (\(error))")
        }
        guard crc.value == entry.crc32, produced == entry.uncompressedSize else {
            throw ZipFailure.corrupt("the entry \(entry.name) fails its CRC-32 or size check")
        }
    }

    /// A provider handing out the entry's compressed bytes and nothing past them. ZIPFoundation's Linux inflate
    /// loop sets zlib's `avail_in` to the size it asked for whatever the provider returns, so the last piece is
    /// padded with zeros to that size (a stream that has not ended by then fails on the next call; the padding
    /// can only add bytes to a damaged stream, which the CRC-32 and size checks then refuse).
    private func boundedProvider(start: Int64, size: Int64, entry: String) -> Provider {
        { [descriptor] position, wanted in
            let count = Int(min(Int64(wanted), size - position))
            guard count > 0 else { throw ZipFailure.corrupt("the entry \(entry)'s data ends before its deflate stream") }
            var data = Data(count: wanted)
            let read = data.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(start + position)) }
            guard read == count else { throw ZipFailure.corrupt("the file ends inside the entry \(entry)") }
            return data
        }
    }

    private static func copyStored(size: Int64, provider: Provider, consumer: Consumer) throws {
        var position: Int64 = 0
        while position < size {
            let count = Int(min(64 * 1024, size - position))
            try consumer(try provider(position, count))
            position += Int64(count)
        }
    }

    /// The offset of an entry's data: after its local header, name and extra field.
    private func dataOffset(of entry: ZipEntry) throws -> Int64 {
        let header = try bytes(at: entry.localHeaderOffset, count: 30)
        guard ZipBytes.uint32(header, 0) == 0x0403_4B50 else {
            throw ZipFailure.corrupt("the local header of \(entry.name) is missing")
        }
        let start = entry.localHeaderOffset + 30 + Int64(ZipBytes.uint16(header, 26)) + Int64(ZipBytes.uint16(header, 28))
        guard start + entry.compressedSize <= directoryOffset else {
            throw ZipFailure.corrupt("the entry \(entry.name) overlaps the central directory")
        }
        return start
    }

    /// Reads exactly `count` bytes at `offset`.
    func bytes(at offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + Int64(count) <= fileSize else {
            throw ZipFailure.corrupt("a record lies outside the file")
        }
        var out = [UInt8](repeating: 0, count: count)
        let read = out.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, off_t(offset)) }
        guard read == count else { throw ZipFailure.corrupt("the file cannot be read at byte \(offset)") }
        return out
    }

    private func readDirectory() throws {
        let end = try ZipDirectory.endRecord(in: self, fileSize: fileSize)
        directoryOffset = end.offset
        let directory = try bytes(at: end.offset, count: end.size)
        entries = try ZipDirectory.entries(directory, count: end.count)
    }
}
