import FapiaoCore

/// What extracting one source produced.
struct SourceExtraction {
    var counts: SourceCounts
    var inputs: [InputFileInfo] = []
    var findings: [Discrepancy] = []
    /// `rejects.csv` rows, in file then line order.
    var rejects: [[String]] = []
}

/// Extracts one source: its files in order into `<source>.csv`, each file's records kept only when the whole
/// file reads cleanly (the writer is rolled back to the file's start otherwise).
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
        let writer = try StagedFileWriter(path: path)
        var emitter = try RecordEmitter(source: inputs.source, writer: writer)
        var result = SourceExtraction(counts: SourceCounts(source: inputs.source.name))
        if inputs.files.isEmpty && inputs.source.required { result.findings.append(missingSource(inputs.source)) }
        for file in inputs.files {
            try extract(file, limits: limits, writer: writer, emitter: &emitter, into: &result)
        }
        try writer.commit()
        return result
    }

    /// Progress of one file, kept up to date so that a failure still reports what was read.
    struct FileProgress {
        var records = 0
        var encoding = ""
    }

    private static func extract(
        _ file: ResolvedFile, limits: Limits, writer: StagedFileWriter, emitter: inout RecordEmitter,
        into result: inout SourceExtraction
    ) throws {
        let source = emitter.source
        let mark = writer.mark
        var progress = FileProgress()
        var input: InputByteSource?
        emitter.beginFile(file.relativePath, encoding: .utf8)
        var info = InputFileInfo(source: source.name, path: file.relativePath)
        do {
            let opened = try InputByteSource(path: file.absolutePath, maxContentBytes: limits.maxInflatedBytes)
            input = opened
            try read(opened, source: source, limits: limits, emitter: &emitter, progress: &progress)
        } catch let failure as OutputFailure {
            throw failure
        } catch {
            try writer.rollback(to: mark)
            try? input?.drain()
            let failure = (error as? FileFailure) ?? FileFailure((error as? FapiaoError) ?? unexpected(error))
            fill(&info, input, progress)
            info.error = failure.messageEn
            result.inputs.append(info)
            result.counts.inFailedFiles += progress.records
            result.findings.append(fileError(failure, source: source, file: file.relativePath, sha256: info.sha256))
            return
        }
        fill(&info, input, progress)
        result.inputs.append(info)
        result.counts.recordsIn += progress.records
        result.counts.kept += emitter.written
        result.counts.rejected += emitter.rejects.count
        result.rejects += emitter.rejects
        result.findings += emitter.findings.map { finding in
            var finding = finding
            finding.fileSHA256 = info.sha256
            return finding
        }
    }

    private static func read(
        _ input: InputByteSource, source: SourceSpec, limits: Limits, emitter: inout RecordEmitter,
        progress: inout FileProgress
    ) throws {
        switch source.format {
        case .csv:
            var reader = CSVFileReader(source: source, limits: limits)
            defer { progress = FileProgress(records: reader.records, encoding: reader.encoding.rawValue) }
            try reader.read(input, into: &emitter)
        case .xml:
            var reader = try XMLFileReader(source: source, limits: limits)
            defer { progress = FileProgress(records: reader.records, encoding: reader.encoding) }
            try reader.read(input, into: &emitter)
        case .xlsx, .einvoiceXML:
            throw FileFailure.unsupported(source.format)
        }
    }

    private static func fill(_ info: inout InputFileInfo, _ input: InputByteSource?, _ progress: FileProgress) {
        info.compressedBytes = input?.storedBytes ?? 0
        info.inflatedBytes = input?.contentBytes ?? 0
        info.sha256 = input?.sha256 ?? ""
        info.encoding = progress.encoding
        info.records = progress.records
    }

    private static func unexpected(_ error: Error) -> FapiaoError {
        FapiaoError(code: "extract.unexpected", message: "unexpected error", cause: "\(error)")
    }
}
