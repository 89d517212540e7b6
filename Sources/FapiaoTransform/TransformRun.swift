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
    private let rejectSpools: [SpoolWriter]
    private let duplicateSpools: [SpoolWriter]
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
        rejectSpools = spec.sources.indices.map {
            SpoolWriter(path: spool.path("rejects", source: $0), header: RejectsFile.header)
        }
        duplicateSpools = spec.sources.indices.map {
            SpoolWriter(path: spool.path("duplicates", source: $0), header: DuplicatesFile.header)
        }
    }

    /// Normalizes, validates and dedupes the extract file of the source at `index`.
    mutating func process(sourceAt position: Int, path: String) throws {
        guard FileStatus.exists(path) else {
            throw FapiaoError(code: "transform.missing_extract", message: "\(path) is missing; run extract first")
        }
        var pass = try SourcePass(source: spec.sources[position], position: position,
                                  rejects: rejectSpools[position], duplicates: duplicateSpools[position])
        let isBranch = pass.source.role == .branch
        var index = DedupeIndex()
        if isBranch { swap(&index, &branchIndex) }  // branch keys are shared by every branch source
        defer { if isBranch { swap(&index, &branchIndex) } }
        var layout: RecordLayout?
        var fast: FastNormalizer?
        try RecordFileByteReader(path: path).forEachRow(header: { header in
            let columns = try RecordLayout(header: header.strings, path: path)
            layout = columns
            fast = try FastNormalizer(source: pass.source, layout: columns, taxToleranceFen: spec.transform.taxToleranceFen)
        }, row: { row in
            guard let layout else { return }
            if fast!.normalize(row), pass.admitsInOrder(row, line: fast!.record.line) {
                try handleFast(fast!.record, row: row, layout: layout, path: path, in: &pass, index: &index)
            } else {
                try handleSlow(row.strings, line: row.line, layout: layout, path: path, in: &pass, index: &index)
            }
        })
        try pass.commit()
    }

    /// The `String` path of one record: every check, every outcome.
    private mutating func handleSlow(_ row: [String], line: Int, layout: RecordLayout, path: String,
                                     in pass: inout SourcePass, index: inout DedupeIndex) throws {
        let raw = try RawRecord(row: row, rowLine: line, layout: layout, path: path)
        try pass.checkOrder(raw.location, path: path, line: line)
        counts[pass.position].recordsIn += 1
        switch pass.normalizer.normalize(raw) {
        case .rejected(let rejection):
            try reject(raw, rejection, in: pass)
        case .kept(let record):
            try admit(record, raw: raw, in: &pass, index: &index)
        }
    }

    /// The fast path of a record `FastNormalizer` kept and whose provenance is in order: dedupe, then the
    /// row as bytes, unless it is a duplicate or suspicious (those take the `String` path from here).
    private mutating func handleFast(_ record: FastRecord, row: CSVRowView, layout: RecordLayout, path: String,
                                     in pass: inout SourcePass, index: inout DedupeIndex) throws {
        counts[pass.position].recordsIn += 1
        let isBranch = pass.source.role == .branch
        let branch = isBranch ? nil : pass.attributedBranch(record, attribution)
        let verdict = index.admit(record.key, digest: record.digest, file: pass.fileID(in: &index),
                                  line: record.line, source: pass.position)
        guard verdict == .first, !record.suspicious else {
            let raw = try RawRecord(row: row.strings, rowLine: row.line, layout: layout, path: path)
            guard case .kept(var normalized) = pass.normalizer.normalize(raw) else {
                throw FapiaoError(code: "transform.internal", message: "fast and String paths disagree on \(raw.location)")
            }
            if let branch { normalized.invoice.branch = branch }
            return try dispatch(verdict, normalized, row: normalized.invoice.canonicalRow, raw: raw, in: &pass)
        }
        try record.write(provenance: row, branch: branch, to: isBranch ? invoices : authority)
        if isBranch, let sellerTaxID = pass.newSellerTaxID(record) {
            attribution.noteKept(sellerTaxID: sellerTaxID, branch: pass.source.name)
        }
        counts[pass.position].kept += 1
    }

    private mutating func reject(_ raw: RawRecord, _ rejection: Rejection, in pass: SourcePass) throws {
        let branch = pass.source.role == .branch
            ? pass.source.name : attribution.branch(for: TaxpayerID.normalize(raw[.sellerTaxID]))
        try pass.rejects.write([raw.location.source, raw.location.file, String(raw.location.line),
                                rejection.reason.rawValue, rejection.field.rawValue, raw.rejectText])
        try findings.add(pass.factory.invalid(rejection, raw: raw, branch: branch))
        counts[pass.position].rejected += 1
    }

    private mutating func admit(_ kept: NormalizedRecord, raw: RawRecord, in pass: inout SourcePass,
                                index: inout DedupeIndex) throws {
        var record = kept
        if pass.source.role == .authority { record.invoice.branch = attribution.branch(for: record.invoice.sellerTaxID) }
        let row = record.invoice.canonicalRow
        let verdict = index.admit(record.key, digest: RecordDigest.digest(canonicalRow: row), location: raw.location,
                                  source: pass.position)
        try dispatch(verdict, record, row: row, raw: raw, in: &pass)
    }

    private mutating func dispatch(_ verdict: DedupeVerdict, _ record: NormalizedRecord, row: [String], raw: RawRecord,
                                   in pass: inout SourcePass) throws {
        if case .duplicate(let kept, let keptFile, let identical) = verdict {
            try removeDuplicate(record.invoice, row: row, kept: kept, keptFile: keptFile, identical: identical,
                                in: &pass)
        } else {
            try keep(record, row: row, raw: raw, in: pass)
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
    func finish(outputDirectory: String, extractRejects: [SpoolWriter]) throws -> [String: Int] {
        try invoices.commit()
        try authority.commit()
        let rejects = try RecordFileWriter(path: outputDirectory + "/rejects.csv", header: RejectsFile.header)
        let duplicates = try RecordFileWriter(path: outputDirectory + "/duplicates.csv", header: DuplicatesFile.header)
        for index in spec.sources.indices {
            try RecordFileAssembly.mergeByLocation(extractRejects[index], rejectSpools[index], into: rejects)
            try RecordFileAssembly.append(duplicateSpools[index], to: duplicates)
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
    let rejects: SpoolWriter
    let duplicates: SpoolWriter
    private let sourceBytes: [UInt8]
    private var lastFile: String?
    private var lastFileBytes: [UInt8] = []
    private var lastLine = 0
    private var lastFileID: UInt32?
    private var lastSellerTaxID: [UInt8]?
    private var branches: ByteMemo<String>?

    init(source: SourceSpec, position: Int, rejects: SpoolWriter, duplicates: SpoolWriter) throws {
        self.source = source
        self.position = position
        sourceBytes = Array(source.name.utf8)
        normalizer = try RecordNormalizer(source: source)
        factory = FindingFactory(source: source)
        self.rejects = rejects
        self.duplicates = duplicates
    }

    /// Records must come in keep order: `_source` this source, `_file` ascending, `_line` ascending within a file.
    mutating func checkOrder(_ location: InputLocation, path: String, line: Int) throws {
        let inOrder = location.source == source.name
            && lastFile.map { $0 < location.file || ($0 == location.file && lastLine <= location.line) } ?? true
        guard inOrder else {
            throw FapiaoError(code: "transform.extract_order", location: InputLocation(source: source.name, file: path, line: line),
                              message: "\(path):\(line) (\(location)) is out of source/file/line order; re-run extract")
        }
        if lastFile != location.file {
            lastFile = location.file
            lastFileBytes = Array(location.file.utf8)
            lastFileID = nil
        }
        lastLine = location.line
    }

    /// `checkOrder` for the common case, on bytes: this source, the file of the record before, a line not
    /// before its line. False (nothing changed) otherwise: the `String` path then checks.
    mutating func admitsInOrder(_ row: CSVRowView, line: Int) -> Bool {
        guard lastFile != nil, line >= lastLine, row.field(1, equals: lastFileBytes),
              row.field(0, equals: sourceBytes) else { return false }
        lastLine = line
        return true
    }

    /// The dedupe index's number for the file of the record last checked.
    mutating func fileID(in index: inout DedupeIndex) -> UInt32 {
        if let lastFileID { return lastFileID }
        let id = index.fileID(lastFile ?? "")
        lastFileID = id
        return id
    }

    /// The seller tax ID of a kept record when it differs from the one before (`noteKept` needs only those).
    mutating func newSellerTaxID(_ record: FastRecord) -> String? {
        record.withField(FastNormalizer.Order.sellerID) { id in
            if let last = lastSellerTaxID, last.elementsEqual(id) { return nil }
            lastSellerTaxID = Array(id)
            return String(decoding: id, as: UTF8.self)
        }
    }

    /// The branch an authority record is attributed to, by its normalized seller tax ID (memoized: the
    /// attribution does not change while authority sources are read).
    mutating func attributedBranch(_ record: FastRecord, _ attribution: BranchAttribution) -> String {
        if branches == nil { branches = ByteMemo(limit: 1 << 16) { attribution.branch(for: $0) } }
        return record.withField(FastNormalizer.Order.sellerID) { branches!.value(for: $0) }
    }

    /// Commits the spool files.
    func commit() throws {
        try rejects.commit()
        try duplicates.commit()
    }
}
