import FapiaoCore
import FapiaoIO

/// The state of one transform run: the output writers, the dedupe index of branch keys, branch attribution
/// and the counts per source.
struct TransformRun {
    let spec: PipelineSpec
    let spool: Spool
    private let invoices: RecordFileWriter
    private let authority: RecordFileWriter
    private let findings: FindingSorter
    private let checks: SuspiciousChecks
    private var branchIndex = DedupeIndex()
    private var attribution: BranchAttribution
    /// Counts per source, by pipeline position.
    var counts: [SourceCounts]

    /// Opens the kept-record outputs.
    init(spec: PipelineSpec, outputDirectory: String, spool: Spool) throws {
        self.spec = spec
        self.spool = spool
        invoices = try RecordFileWriter(path: outputDirectory + "/invoices.csv", header: Invoice.canonicalHeader)
        authority = try RecordFileWriter(path: outputDirectory + "/authority.csv", header: Invoice.canonicalHeader)
        findings = FindingSorter(spoolDirectory: spool.directory)
        checks = SuspiciousChecks(taxToleranceFen: spec.transform.taxToleranceFen)
        attribution = BranchAttribution(spec: spec)
        counts = spec.sources.map { SourceCounts(source: $0.name) }
    }

    /// Normalizes, validates and dedupes the extract file of the source at `index`.
    mutating func process(sourceAt position: Int, path: String) throws {
        guard FileStatus.exists(path) else {
            throw FapiaoError(code: "transform.missing_extract", message: "\(path) is missing; run extract first")
        }
        var pass = try SourcePass(source: spec.sources[position], position: position, spool: spool)
        let isBranch = pass.source.role == .branch
        var index = DedupeIndex()
        if isBranch { swap(&index, &branchIndex) }  // branch keys are shared by every branch source
        defer { if isBranch { swap(&index, &branchIndex) } }
        var layout: RecordLayout?
        try RecordFileReader(path: path).forEachRow(header: { layout = try RecordLayout(header: $0, path: path) },
                                                    row: { row, line in
            guard let layout else { return }
            let raw = try RawRecord(row: row, rowLine: line, layout: layout, path: path)
            try pass.checkOrder(raw.location, path: path, line: line)
            counts[position].recordsIn += 1
            try handle(raw, in: &pass, index: &index)
        })
        try pass.commit()
    }

    private mutating func handle(_ raw: RawRecord, in pass: inout SourcePass, index: inout DedupeIndex) throws {
        let position = pass.position
        switch pass.normalizer.normalize(raw) {
        case .rejected(let rejection):
            let branch = pass.source.role == .branch
                ? pass.source.name : attribution.branch(for: TaxpayerID.normalize(raw[.sellerTaxID]))
            try pass.rejects.write([raw.location.source, raw.location.file, String(raw.location.line),
                                    rejection.reason.rawValue, rejection.field.rawValue, raw.rejectText])
            try findings.add(pass.factory.invalid(rejection, raw: raw, branch: branch))
            counts[position].rejected += 1
        case .kept(var record):
            if pass.source.role == .authority { record.invoice.branch = attribution.branch(for: record.invoice.sellerTaxID) }
            let row = record.invoice.canonicalRow
            let verdict = index.admit(record.key, digest: RecordDigest.digest(canonicalRow: row), location: raw.location,
                                      source: position)
            if case .duplicate(let kept, let keptFile, let identical) = verdict {
                try removeDuplicate(record.invoice, row: row, kept: kept, keptFile: keptFile, identical: identical,
                                    in: &pass)
            } else {
                try keep(record, row: row, raw: raw, in: pass)
            }
        }
    }

    private mutating func keep(_ record: NormalizedRecord, row: [String], raw: RawRecord, in pass: SourcePass) throws {
        let invoice = record.invoice
        try (pass.source.role == .branch ? invoices : authority).write(row)
        if pass.source.role == .branch { attribution.noteKept(sellerTaxID: invoice.sellerTaxID, branch: pass.source.name) }
        for value in checks.check(record) {
            try findings.add(pass.factory.suspicious(value, invoice: invoice, asFound: raw[value.field]))
        }
        counts[pass.position].kept += 1
    }

    private mutating func removeDuplicate(_ invoice: Invoice, row: [String], kept: KeptRecord, keptFile: String,
                                          identical: Bool, in pass: inout SourcePass) throws {
        let keptLine = Int(kept.line)
        try pass.duplicates.write(row + [keptFile, String(keptLine), identical ? "true" : "false"])
        let keptSource = Int(kept.source)
        if keptSource == pass.position {
            try findings.add(pass.factory.duplicateInSource(invoice, keptFile: keptFile, keptLine: keptLine,
                                                            identical: identical))
        } else {
            try findings.add(pass.factory.duplicateAcrossBranches(
                invoice, keptSource: spec.sources[keptSource].name, keptFile: keptFile, keptLine: keptLine))
        }
        counts[pass.position].duplicates += 1
    }

    /// Commits the kept-record files, assembles rejects and duplicates in pipeline order and writes the
    /// sorted findings; returns the rows per output file.
    func finish(outputDirectory: String) throws -> [String: Int] {
        try invoices.commit()
        try authority.commit()
        let rejects = try RecordFileWriter(path: outputDirectory + "/rejects.csv", header: RejectsFile.header)
        let duplicates = try RecordFileWriter(path: outputDirectory + "/duplicates.csv", header: DuplicatesFile.header)
        for index in spec.sources.indices {
            try RecordFileAssembly.mergeByLocation(spool.path("extract-rejects", source: index),
                                                   spool.path("rejects", source: index), into: rejects)
            try RecordFileAssembly.append(spool.path("duplicates", source: index), to: duplicates)
        }
        try rejects.commit()
        try duplicates.commit()
        let findingRows = try findings.write(to: outputDirectory + "/findings.csv")
        return ["invoices.csv": invoices.rowCount, "authority.csv": authority.rowCount, "rejects.csv": rejects.rowCount,
                "duplicates.csv": duplicates.rowCount, "findings.csv": findingRows]
    }
}

/// The per-source parts of a run: normalizer, finding factory, spool writers, and the order check.
struct SourcePass {
    let source: SourceSpec
    let position: Int
    let normalizer: RecordNormalizer
    let factory: FindingFactory
    let rejects: RecordFileWriter
    let duplicates: RecordFileWriter
    private var last: (file: String, line: Int)?

    init(source: SourceSpec, position: Int, spool: Spool) throws {
        self.source = source
        self.position = position
        normalizer = try RecordNormalizer(source: source)
        factory = FindingFactory(source: source)
        rejects = try RecordFileWriter(path: spool.path("rejects", source: position), header: RejectsFile.header)
        duplicates = try RecordFileWriter(path: spool.path("duplicates", source: position),
                                          header: DuplicatesFile.header)
    }

    /// Records must come in keep order: `_source` this source, `_file` ascending, `_line` ascending within a file.
    mutating func checkOrder(_ location: InputLocation, path: String, line: Int) throws {
        let inOrder = location.source == source.name
            && last.map { $0.file < location.file || ($0.file == location.file && $0.line <= location.line) } ?? true
        guard inOrder else {
            throw FapiaoError(code: "transform.extract_order", location: InputLocation(source: source.name, file: path, line: line),
                              message: "\(path):\(line) (\(location)) is out of source/file/line order; re-run extract")
        }
        last = (location.file, location.line)
    }

    /// Commits the spool files.
    func commit() throws {
        try rejects.commit()
        try duplicates.commit()
    }
}
