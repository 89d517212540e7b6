import FapiaoCore
import FapiaoIO

/// The per-source parts of a run: normalizer, finding factory, spool writers, and the order check.
struct SourcePass {
    let source: SourceSpec
    let position: Int
    /// True for a branch source.
    let isBranch: Bool
    /// Where the source's kept records go (`invoices.csv` or `authority.csv`).
    let output: RecordFileWriter
    let normalizer: RecordNormalizer
    let factory: FindingFactory
    let rejects: SpoolWriter
    let duplicates: SpoolWriter
    private let sourceBytes: [UInt8]
    private var lastFile: String?
    private var lastFileBytes: [UInt8] = []
    /// `_source` and `_file` of the records of `lastFile` as they are written: quoted where needed, a comma
    /// between them (the fast path writes them with one copy); for a branch source, its `branch` field (the
    /// source's name) comes first.
    private(set) var provenance: [UInt8] = []
    private var lastLine = 0
    private var lastFileID: UInt32?
    private var lastSellerTaxID: [UInt8]?
    private var branches: ByteMemo<String>?

    init(source: SourceSpec, position: Int, output: RecordFileWriter, rejects: SpoolWriter, duplicates: SpoolWriter)
        throws
    {
        self.source = source
        self.position = position
        self.output = output
        isBranch = source.role == .branch
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
            provenance = []
            if isBranch {
                CSVFormatter.appendField(source.name, to: &provenance)
                provenance.append(UInt8(ascii: ","))
            }
            CSVFormatter.appendField(source.name, to: &provenance)
            provenance.append(UInt8(ascii: ","))
            CSVFormatter.appendField(location.file, to: &provenance)
            lastFileID = nil
        }
        lastLine = location.line
    }

    /// `checkOrder` for the common case, on bytes: this source, the file of the record before, a line not
    /// before its line. False (nothing changed) otherwise: the `String` path then checks.
    mutating func admitsInOrder(_ row: FieldsView, line: Int) -> Bool {
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
    mutating func newSellerTaxID(_ id: UnsafeBufferPointer<UInt8>) -> String? {
        if let last = lastSellerTaxID, last.withUnsafeBufferPointer({ $0.hasSameBytes(as: id) }) { return nil }
        lastSellerTaxID = Array(id)
        return String(decoding: id, as: UTF8.self)
    }

    /// The branch an authority record is attributed to, by its normalized seller tax ID (memoized: the
    /// attribution does not change while authority sources are read).
    mutating func attributedBranch(_ sellerTaxID: UnsafeBufferPointer<UInt8>) -> String {
        branches!.value(for: sellerTaxID)
    }

    /// Prepares `attributedBranch` for an authority source.
    mutating func attribute(with attribution: BranchAttribution) {
        branches = ByteMemo(limit: 1 << 16) { attribution.branch(for: $0) }
    }

    /// Commits the spool files.
    func commit() throws {
        try rejects.commit()
        try duplicates.commit()
    }
}
