import Foundation
import FapiaoCore
import FapiaoIO

/// The documents of an einvoice-xml source for one night: every matched file that is not a zip, and every `.xml`
/// entry of every matched zip, read in the order of their provenance (`_file`: the file's path, or
/// `<zip path>!/<entry name>`), so that the source's extract file is in `_file` order whatever the names.
///
/// Each document stands alone: one that fails is one `file_error` (its `file` the provenance) and the others are
/// kept. A zip that cannot be opened is one `file_error` for the zip. The manifest lists each matched file once,
/// with the records of all its documents.
struct EInvoiceDocuments {
    private struct Document {
        let provenance: String
        let file: Int
        let entry: ZipEntry?
    }

    private let files: [ResolvedFile]
    private let limits: Limits
    private var facts: [StoredFileFacts]
    private var progress: [SourceExtractor.FileProgress]
    private var failures: [FileFailure?]
    private var open: (file: Int, archive: ZipArchive)?

    /// The documents of `files` (sorted by relative path).
    init(files: [ResolvedFile], limits: Limits) {
        self.files = files
        self.limits = limits
        facts = Array(repeating: StoredFileFacts(), count: files.count)
        progress = Array(repeating: SourceExtractor.FileProgress(), count: files.count)
        failures = Array(repeating: nil, count: files.count)
    }

    /// Reads every document into `emitter` and books the outcomes into `result`.
    mutating func extract(writer: StagedFileWriter, emitter: inout RecordEmitter, into result: inout SourceExtraction) throws {
        var documents: [Document] = []
        for index in files.indices {
            documents += listing(index, emitter: emitter, into: &result)
        }
        documents.sort { $0.provenance < $1.provenance }
        for document in documents {
            if let entry = document.entry {
                try readEntry(entry, of: document, writer: writer, emitter: &emitter, into: &result)
            } else {
                try readFile(document, writer: writer, emitter: &emitter, into: &result)
            }
        }
        open = nil
        for index in files.indices {
            if facts[index].sha256.isEmpty {
                facts[index] = StoredFileFacts(hashing: files[index].absolutePath, inflatedBytes: facts[index].inflatedBytes)
            }
            let info = facts[index].info(source: emitter.source.name, path: files[index].relativePath,
                                         progress: progress[index], failure: failures[index])
            result.inputs.append(info)
        }
    }

    /// The documents of file `index`: itself, or its zip's invoice entries; a zip that cannot be opened is booked
    /// as a `file_error` here.
    private mutating func listing(_ index: Int, emitter: RecordEmitter, into result: inout SourceExtraction) -> [Document] {
        let file = files[index]
        guard EInvoiceXML.isZip(EInvoiceDocuments.firstBytes(file.absolutePath)) else {
            return [Document(provenance: file.relativePath, file: index, entry: nil)]
        }
        do {
            let archive = try ZipArchive(path: file.absolutePath)
            return archive.entries.filter(EInvoiceXML.isDocument).map {
                Document(provenance: EInvoiceXML.provenance(zip: file.relativePath, entry: $0), file: index, entry: $0)
            }
        } catch {
            let failure = (error as? FileFailure) ?? FileFailure(SourceExtractor.unexpected(error))
            facts[index] = StoredFileFacts(hashing: file.absolutePath, inflatedBytes: 0)
            failures[index] = failure
            result.findings.append(SourceExtractor.fileError(failure, source: emitter.source, file: file.relativePath,
                                                             sha256: facts[index].sha256))
            return []
        }
    }

    private mutating func readFile(
        _ document: Document, writer: StagedFileWriter, emitter: inout RecordEmitter, into result: inout SourceExtraction
    ) throws {
        let file = files[document.file]
        var stored = StoredFileFacts()
        let limits = self.limits
        let (read, failure) = try SourceExtractor.document(
            file.relativePath, writer: writer, emitter: &emitter, into: &result, sha256: { stored.sha256 }
        ) { emitter, progress in
            let input = try InputByteSource(path: file.absolutePath, maxContentBytes: limits.maxInflatedBytes)
            defer {
                try? input.drain()
                stored = StoredFileFacts(storedBytes: input.storedBytes, inflatedBytes: input.contentBytes, sha256: input.sha256)
            }
            var reader = try XMLFileReader(source: emitter.source, limits: limits)
            defer { progress = SourceExtractor.FileProgress(records: reader.records, encoding: reader.encoding) }
            try reader.read(input, into: &emitter)
        }
        facts[document.file] = stored
        progress[document.file] = read
        failures[document.file] = failure
    }

    private mutating func readEntry(
        _ entry: ZipEntry, of document: Document, writer: StagedFileWriter, emitter: inout RecordEmitter,
        into result: inout SourceExtraction
    ) throws {
        let archive = try? archive(for: document.file)
        var hasher = SHA256Hasher()
        var inflated: Int64 = 0
        let limits = self.limits
        let (read, _) = try SourceExtractor.document(
            document.provenance, writer: writer, emitter: &emitter, into: &result, sha256: { hasher.finalizeHex() }
        ) { emitter, progress in
            guard let archive else { throw ZipFailure.corrupt("the archive cannot be opened again") }
            var reader = try XMLFileReader(source: emitter.source, limits: limits)
            defer { progress = SourceExtractor.FileProgress(records: reader.records, encoding: reader.encoding) }
            try reader.read(into: &emitter) { feeder in
                try archive.read(entry, maxInflatedBytes: limits.maxInflatedBytes) { bytes in
                    hasher.update(bytes)
                    inflated += Int64(bytes.count)
                    try feeder.feed(bytes)
                }
                try feeder.finish()
            }
        }
        facts[document.file].inflatedBytes += inflated
        progress[document.file].records += read.records
        if progress[document.file].encoding.isEmpty { progress[document.file].encoding = read.encoding }
    }

    /// The open archive of file `index` (opened again when another file's documents came in between).
    private mutating func archive(for index: Int) throws -> ZipArchive {
        if let open, open.file == index { return open.archive }
        let archive = try ZipArchive(path: files[index].absolutePath)
        open = (index, archive)
        return archive
    }

    /// The first four bytes of a file (fewer when it is shorter or unreadable).
    private static func firstBytes(_ path: String) -> [UInt8] {
        guard let reader = try? FileChunkReader(path: path, chunkSize: 4) else { return [] }
        var bytes: [UInt8] = []
        _ = try? reader.withNextChunk { bytes = Array($0) }
        return bytes
    }
}
