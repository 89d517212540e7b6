import FapiaoCore
import FapiaoIO

/// The state of one transform run: the output writers, the dedupe index of branch keys, branch attribution
/// and the counts per source.
struct TransformRun {
    let spec: PipelineSpec
    let spool: Spool
    let invoices: RecordFileWriter
    let authority: RecordFileWriter
    let findings: FindingSorter
    let checks: SuspiciousChecks
    private var branchIndex = DedupeIndex()
    /// Keys kept by authority sources: a key in two authority sources is a duplicate_in_source of the later one.
    private var authorityIndex = DedupeIndex()
    /// About how many records the authority sources hold: their index is sized when the first one starts,
    /// once the branch index is gone (both at once would double the peak memory).
    private var authorityRows = 0
    var attribution: BranchAttribution
    private let rejectSpools: [SpoolWriter]
    private let duplicateSpools: [SpoolWriter]
    /// The last branch source read (branch sources come first, in pipeline order).
    private let lastBranch: Int?
    /// Counts per source, by pipeline position.
    var counts: [SourceCounts]

    /// False when every record takes the `String` path.
    let fastPath: Bool
    /// What `DedupeIndex.touch` read (kept only so that the reads happen).
    private(set) var touched: UInt64 = 0

    /// Opens the kept-record outputs.
    init(spec: PipelineSpec, outputDirectory: String, spool: Spool, fastPath: Bool = true) throws {
        self.fastPath = fastPath
        self.spec = spec
        self.spool = spool
        invoices = try RecordFileWriter(path: outputDirectory + "/invoices.csv", header: Invoice.canonicalHeader)
        authority = try RecordFileWriter(path: outputDirectory + "/authority.csv", header: Invoice.canonicalHeader)
        findings = FindingSorter(spoolDirectory: spool.directory)
        checks = SuspiciousChecks(taxToleranceFen: spec.transform.taxToleranceFen)
        attribution = BranchAttribution(spec: spec)
        counts = spec.sources.map { SourceCounts(source: $0.name) }
        lastBranch = spec.sources.indices.last { spec.sources[$0].role == .branch }
        rejectSpools = spec.sources.indices.map {
            SpoolWriter(path: spool.path("rejects", source: $0), header: RejectsFile.header)
        }
        duplicateSpools = spec.sources.indices.map {
            SpoolWriter(path: spool.path("duplicates", source: $0), header: DuplicatesFile.header)
        }
    }

    /// Normalizes, validates and dedupes the extract file of each source at the positions `order`, in that
    /// order; a second thread reads and fast-normalizes the files while this one dedupes and writes.
    mutating func process(order: [Int], extractDirectory: String) throws {
        let files = order.map { (position: $0, path: extractDirectory + "/\(spec.sources[$0].name).csv") }
        let branchFiles = files.filter { spec.sources[$0.position].role == .branch }
        branchIndex.reserve(branchFiles.reduce(0) { $0 + TransformRun.estimatedRows(of: $1.path) })
        let authorityFiles = files.filter { spec.sources[$0.position].role == .authority }
        authorityRows = authorityFiles.reduce(0) { $0 + TransformRun.estimatedRows(of: $1.path) }
        let reader = NormalizingReader(spec: spec, files: files, fastPath: fastPath)
        reader.start()
        defer { reader.stop() }
        for (position, path) in files { try process(sourceAt: position, path: path, from: reader) }
    }

    /// About how many records an extract file holds, on the low side (sample rows take about 240 bytes):
    /// reserving too few costs one rehash, too many can double the table.
    static func estimatedRows(of path: String) -> Int { FileStatus.size(path) / 256 }

    /// Dedupes and writes the records of the source at `position`, as `reader` hands them over.
    private mutating func process(sourceAt position: Int, path: String, from reader: NormalizingReader) throws {
        guard FileStatus.exists(path) else {
            throw FapiaoError(code: "transform.missing_extract", message: "\(path) is missing; run extract first")
        }
        let source = spec.sources[position]
        var pass = try SourcePass(source: source, position: position,
                                  output: source.role == .branch ? invoices : authority,
                                  rejects: rejectSpools[position], duplicates: duplicateSpools[position])
        var index = DedupeIndex()
        if pass.isBranch {
            swap(&index, &branchIndex)  // branch keys are shared by every branch source
        } else {
            pass.attribute(with: attribution)
            authorityIndex.reserve(authorityRows)  // a no-op once it holds keys
            swap(&index, &authorityIndex)  // and authority keys by every authority source
        }
        defer {
            if pass.isBranch { swap(&index, &branchIndex) } else { swap(&index, &authorityIndex) }
            if position == lastBranch { branchIndex = DedupeIndex() }  // authority records have their own
        }
        try consume(reader, path: path, pass: &pass, index: &index)
        try pass.commit()
    }

    /// Handles what `reader` hands over for one source, up to its end.
    private mutating func consume(_ reader: NormalizingReader, path: String, pass: inout SourcePass,
                                  index: inout DedupeIndex) throws {
        var layout: RecordLayout?
        var fast: FastNormalizer?
        while true {
            switch reader.next() {
            case .header(let header)?:
                layout = try RecordLayout(header: header, path: path)
                fast = fastPath ? FastNormalizer(source: pass.source, header: header, spec: spec) : nil
            case .rows(let batch)?:
                if let layout { try handle(batch, layout: layout, fast: &fast, path: path, pass: &pass, index: &index) }
                reader.recycle(batch)
            case .end?:
                return
            case .failed(let error)?:
                throw error
            case nil:
                throw FapiaoError(code: "transform.internal", message: "the extract reader stopped early")
            }
        }
    }

    /// Handles a batch in order: each row on the fast path when it was normalized and is in order, else
    /// the `String` way. Normalizes the batch first when the reader left that to this thread.
    private mutating func handle(_ batch: RowBatch, layout: RecordLayout, fast: inout FastNormalizer?, path: String,
                                 pass: inout SourcePass, index: inout DedupeIndex) throws {
        if !batch.isNormalized { batch.normalize(using: &fast) }
        touched &+= index.touch(batch.keys)
        try batch.forEachRow { row, raw, canonical in
            if let canonical, pass.admitsInOrder(raw, line: row.line) {
                try handleFast(row, raw: raw, canonical: canonical, layout: layout, path: path, in: &pass,
                               index: &index)
            } else {
                try handleSlow(raw.strings, line: row.fileLine, layout: layout, path: path, in: &pass, index: &index)
            }
        }
    }

    /// Commits the kept-record files, assembles rejects and duplicates in pipeline order and writes the
    /// sorted findings; returns the rows per output file.
    ///
    /// The findings are sorted and written on a second thread meanwhile (they share nothing with the rest).
    func finish(outputDirectory: String, extractRejects: [SpoolWriter]) throws -> [String: Int] {
        let findings = self.findings, findingsPath = outputDirectory + "/findings.csv"
        let sortedFindings = BackgroundWork(name: "fapiao-findings") { _ in try findings.write(to: findingsPath) }
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
        let findingRows = try sortedFindings.result()
        return ["invoices.csv": invoices.rowCount, "authority.csv": authority.rowCount, "rejects.csv": rejects.rowCount,
                "duplicates.csv": duplicates.rowCount, "findings.csv": findingRows]
    }
}

