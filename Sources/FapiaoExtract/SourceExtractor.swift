import Foundation
import FapiaoCore
import FapiaoIO

/// What extracting one source produced.
struct SourceExtraction {
    var counts: SourceCounts
    var inputs: [InputFileInfo] = []
    var findings: [Discrepancy] = []
    /// `rejects.csv` rows, in file then line order.
    var rejects: [[String]] = []
}

/// Extracts one source: its files in order into `<source>.csv`, each document's records kept only when the whole
/// document reads cleanly (the writer is rolled back to the document's start otherwise). A document is a file,
/// or (einvoice-xml) an entry of a zip file.
enum SourceExtractor {
    /// Runs one source into `outputDirectory`; throws only when its output cannot be written.
    static func run(_ inputs: SourceInputs, limits: Limits, outputDirectory: String) throws -> SourceExtraction {
        do {
            return try write(inputs, limits: limits, path: outputDirectory + "/" + inputs.source.name + ".csv")
        } catch let failure as OutputFailure {
            throw failure.error
        }
    }

    private static func write(_ inputs: SourceInputs, limits: Limits, path: String) throws -> SourceExtraction {
        let source = EInvoiceXML.effective(inputs.source)
        let writer = try StagedFileWriter(path: path)
        var emitter = try RecordEmitter(source: source, writer: writer)
        var result = SourceExtraction(counts: SourceCounts(source: source.name))
        if inputs.files.isEmpty && source.required { result.findings.append(missingSource(source)) }
        if source.format == .einvoiceXML {
            var documents = EInvoiceDocuments(files: inputs.files, limits: limits)
            try documents.extract(writer: writer, emitter: &emitter, into: &result)
        } else {
            for file in inputs.files {
                var facts = StoredFileFacts()
                let (progress, failure) = try document(file.relativePath, writer: writer, emitter: &emitter, into: &result,
                                                       sha256: { facts.sha256 }) { emitter, progress in
                    try read(file, limits: limits, emitter: &emitter, progress: &progress, facts: &facts)
                }
                result.inputs.append(facts.info(source: source.name, path: file.relativePath, progress: progress, failure: failure))
            }
        }
        try writer.commit()
        return result
    }

    /// Progress of one document, kept up to date so that a failure still reports what was read.
    struct FileProgress {
        var records = 0
        var encoding = ""
    }

    /// Reads one document through `read` and books its outcome: its rows, rejects and findings when it read
    /// cleanly; else the rollback and one `file_error` (whose `file_sha256` is `sha256()`, asked after reading).
    static func document(
        _ provenance: String, writer: StagedFileWriter, emitter: inout RecordEmitter, into result: inout SourceExtraction,
        sha256: () -> String, read: (inout RecordEmitter, inout FileProgress) throws -> Void
    ) throws -> (FileProgress, FileFailure?) {
        let mark = writer.mark
        var progress = FileProgress()
        emitter.beginFile(provenance, encoding: .utf8)
        do {
            try read(&emitter, &progress)
        } catch let failure as OutputFailure {
            throw failure
        } catch {
            try writer.rollback(to: mark)
            let failure = (error as? FileFailure) ?? FileFailure((error as? FapiaoError) ?? unexpected(error))
            result.counts.inFailedFiles += progress.records
            result.findings.append(fileError(failure, source: emitter.source, file: provenance, sha256: sha256()))
            return (progress, failure)
        }
        let hash = sha256()
        result.counts.recordsIn += progress.records
        result.counts.kept += emitter.written
        result.counts.rejected += emitter.rejects.count
        result.rejects += emitter.rejects
        result.findings += emitter.findings.map { finding in
            var finding = finding
            finding.fileSHA256 = hash
            return finding
        }
        return (progress, nil)
    }

    /// Reads one file of a csv, xml, xlsx or einvoice-xml source.
    private static func read(
        _ file: ResolvedFile, limits: Limits, emitter: inout RecordEmitter, progress: inout FileProgress,
        facts: inout StoredFileFacts
    ) throws {
        let source = emitter.source
        if source.format == .xlsx {
            var reader = XLSXFileReader(source: source, limits: limits)
            defer {
                progress = FileProgress(records: reader.records, encoding: "utf-8")
                facts = StoredFileFacts(hashing: file.absolutePath, inflatedBytes: reader.inflatedBytes)
            }
            return try reader.read(path: file.absolutePath, into: &emitter)
        }
        let input = try InputByteSource(path: file.absolutePath, maxContentBytes: limits.maxInflatedBytes)
        defer {
            try? input.drain()
            facts = StoredFileFacts(storedBytes: input.storedBytes, inflatedBytes: input.contentBytes, sha256: input.sha256)
        }
        if source.format == .csv {
            var reader = CSVFileReader(source: source, limits: limits)
            defer { progress = FileProgress(records: reader.records, encoding: reader.encoding.rawValue) }
            try reader.read(input, into: &emitter)
        } else {
            var reader = try XMLFileReader(source: source, limits: limits)
            defer { progress = FileProgress(records: reader.records, encoding: reader.encoding) }
            try reader.read(input, into: &emitter)
        }
    }

    static func unexpected(_ error: Error) -> FapiaoError {
        FapiaoError(code: "extract.unexpected", message: "unexpected error", cause: "\(error)")
    }
}

/// A stored file's size, content size and hash, for the manifest.
struct StoredFileFacts {
    var storedBytes: Int64 = 0
    var inflatedBytes: Int64 = 0
    var sha256 = ""

    init(storedBytes: Int64 = 0, inflatedBytes: Int64 = 0, sha256: String = "") {
        self.storedBytes = storedBytes
        self.inflatedBytes = inflatedBytes
        self.sha256 = sha256
    }

    /// The facts of a file read by another route (a zip): its size and hash come from reading it once more.
    init(hashing path: String, inflatedBytes: Int64) {
        var info = stat()
        storedBytes = stat(path, &info) == 0 ? Int64(info.st_size) : 0
        self.inflatedBytes = inflatedBytes
        sha256 = (try? SHA256Hasher.hex(ofFile: path)) ?? ""
    }

    /// The manifest's entry for the file.
    func info(source: String, path: String, progress: SourceExtractor.FileProgress, failure: FileFailure?) -> InputFileInfo {
        var info = InputFileInfo(source: source, path: path)
        info.compressedBytes = storedBytes
        info.inflatedBytes = inflatedBytes
        info.sha256 = sha256
        info.encoding = progress.encoding
        info.records = progress.records
        info.error = failure?.messageEn
        return info
    }
}
