import FapiaoCore

/// Parses a zip file's end-of-central-directory record and its central directory (PKWARE APPNOTE 4.3.12, 4.3.16).
enum ZipDirectory {
    /// Where the central directory is and how many entries it lists.
    struct EndRecord {
        let offset: Int64
        let size: Int
        let count: Int
    }

    /// Finds the end record in the file's last 65,557 bytes (22 bytes plus the longest comment), so a file that is
    /// not a zip costs one bounded read.
    static func endRecord(in archive: ZipArchive, fileSize: Int64) throws -> EndRecord {
        let tailSize = Int(min(fileSize, 22 + 65_535))
        guard tailSize >= 22 else { throw ZipFailure.notAZip() }
        let tail = try archive.bytes(at: fileSize - Int64(tailSize), count: tailSize)
        var position = tailSize - 22
        while position >= 0 {
            if ZipBytes.uint32(tail, position) == 0x0605_4B50, position + 22 + Int(ZipBytes.uint16(tail, position + 20)) <= tailSize {
                return try record(tail, at: position, fileSize: fileSize, recordOffset: fileSize - Int64(tailSize - position))
            }
            position -= 1
        }
        throw ZipFailure.notAZip()
    }

    private static func record(_ tail: [UInt8], at position: Int, fileSize: Int64, recordOffset: Int64) throws -> EndRecord {
        let disk = ZipBytes.uint16(tail, position + 4), directoryDisk = ZipBytes.uint16(tail, position + 6)
        let onDisk = ZipBytes.uint16(tail, position + 8), total = ZipBytes.uint16(tail, position + 10)
        let size = ZipBytes.uint32(tail, position + 12), offset = ZipBytes.uint32(tail, position + 16)
        if total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            throw ZipFailure.unsupported("ZIP64 archives are not read")
        }
        guard disk == 0, directoryDisk == 0, onDisk == total else {
            throw ZipFailure.unsupported("archives split over several disks are not read")
        }
        guard Int64(offset) + Int64(size) <= recordOffset else {
            throw ZipFailure.corrupt("the central directory lies outside the file")
        }
        return EndRecord(offset: Int64(offset), size: Int(size), count: Int(total))
    }

    /// The `count` entries of a central directory.
    static func entries(_ directory: [UInt8], count: Int) throws -> [ZipEntry] {
        guard count <= ZipArchive.maxEntries else {
            throw ZipFailure.unsupported("the archive lists more than \(ZipArchive.maxEntries) entries")
        }
        var entries: [ZipEntry] = []
        entries.reserveCapacity(count)
        var position = 0
        for _ in 0..<count {
            guard position + 46 <= directory.count, ZipBytes.uint32(directory, position) == 0x0201_4B50 else {
                throw ZipFailure.corrupt("the central directory is cut short or damaged")
            }
            let nameLength = Int(ZipBytes.uint16(directory, position + 28))
            let extraLength = Int(ZipBytes.uint16(directory, position + 30))
            let commentLength = Int(ZipBytes.uint16(directory, position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= directory.count else { throw ZipFailure.corrupt("the central directory is cut short") }
            entries.append(entry(directory, at: position, nameLength: nameLength))
            position = next
        }
        return entries
    }

    private static func entry(_ directory: [UInt8], at position: Int, nameLength: Int) -> ZipEntry {
        let flags = ZipBytes.uint16(directory, position + 8)
        let raw = Array(directory[(position + 46)..<(position + 46 + nameLength)])
        return ZipEntry(
            rawName: raw, name: ZipBytes.text(raw), method: ZipBytes.uint16(directory, position + 10),
            crc32: ZipBytes.uint32(directory, position + 16),
            compressedSize: Int64(ZipBytes.uint32(directory, position + 20)),
            uncompressedSize: Int64(ZipBytes.uint32(directory, position + 24)),
            localHeaderOffset: Int64(ZipBytes.uint32(directory, position + 42)), encrypted: flags & 1 != 0)
    }
}

/// Little-endian fields and entry names.
enum ZipBytes {
    static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(uint16(bytes, at)) | UInt32(uint16(bytes, at + 2)) << 16
    }

    /// An entry name as text: UTF-8 when it is (whatever the language flag says), else GB18030 (Chinese
    /// Windows writes names in its code page without the flag), else with undecodable bytes as `\xNN`.
    static func text(_ raw: [UInt8]) -> String {
        if let text = raw.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) { return text }
        if let converter = try? IconvConverter(from: "GB18030", to: "UTF-8"), let text = converter.convertStrict(raw) {
            return String(decoding: text, as: UTF8.self)
        }
        return raw.map { $0 < 0x80 ? String(UnicodeScalar($0)) : "\\x" + hex([$0]) }.joined()
    }
}

/// The `FileFailure`s of zip files (xlsx workbooks and zips of e-invoices).
enum ZipFailure {
    /// Not a zip file at all.
    static func notAZip() -> FileFailure {
        FileFailure(code: "zip.not_zip", zh: "文件不是 zip 格式（xlsx 工作簿或 zip 压缩包）",
                    en: "the file is not a zip archive (an xlsx workbook or a zip of invoices): no end-of-central-directory record")
    }

    /// A zip feature fapiao does not read.
    static func unsupported(_ what: String) -> FileFailure {
        FileFailure(code: "zip.unsupported", zh: "zip 文件使用了不支持的特性：\(what)", en: "the zip archive cannot be read: \(what)")
    }

    /// Damaged data: a bad record, a CRC or size mismatch, a deflate stream that does not end.
    static func corrupt(_ what: String) -> FileFailure {
        FileFailure(code: "zip.corrupt", zh: "zip 文件已损坏：\(what)", en: "the zip archive is damaged: \(what)")
    }

    /// An entry that inflates past `limits.max_inflated_bytes`.
    static func tooLarge(entry: String, limit: Int64) -> FileFailure {
        FileFailure(
            code: "limit.inflated_bytes", zh: "zip 条目 \(entry) 解压后超过大小上限 limits.max_inflated_bytes",
            en: "the zip entry \(entry) inflates past limits.max_inflated_bytes (\(limit) bytes)",
            action: "请核对该文件；如确属正常，可调高 limits.max_inflated_bytes / Check the file; "
                + "raise limits.max_inflated_bytes if it is genuine")
    }
}
