import FapiaoCore

/// How a branch's night is split into files: names, compression, and which invoices go where.
struct FileLayout {
    /// File names in the branch's date folder, with their compression.
    let files: [(name: String, compression: ExportFile.Compression)]
    /// The first invoice of the second file, if there is one.
    let secondFileFrom: Int?
    /// The invoice where the first file's second gzip member starts, if it has two.
    let secondMemberAt: Int?

    init(dialect: ExportDialect, fate: Branch.Fate, count: Int, date: IssueDate) {
        let day = date.compact
        switch dialect {
        case .posV3: (files, secondFileFrom, secondMemberAt) = ([("invoices-\(day).csv", .none)], nil, nil)
        case .erpGB: (files, secondFileFrom, secondMemberAt) = ([("xsfp_\(day).csv", .none)], nil, nil)
        case .pinyinXML:
            let first = ("fp_\(day)_01.xml.gz", ExportFile.Compression.gzip)
            if fate.losesSecondFile {
                let second = fate == .truncatedFile ? ExportFile.Compression.truncatedGzip : .gzip
                (files, secondMemberAt) = ([first, ("fp_\(day)_02.xml.gz", second)], nil)
                secondFileFrom = count - max(2, count / 4)
            } else {
                (files, secondFileFrom, secondMemberAt) = ([first], nil, nil)
            }
        case .cloudPOS:
            files = [("export-\(date)-1.csv.gz", .gzip), ("export-\(date)-2.csv.gz", .gzip)]
            secondFileFrom = count * 3 / 5
            secondMemberAt = count * 3 / 10
        }
    }

    /// The path pattern of the dialect's files inside `exports/{branch}/{yyyymmdd}/`.
    static func pattern(_ dialect: ExportDialect) -> String {
        switch dialect {
        case .posV3: return "invoices-*.csv"
        case .erpGB: return "xsfp_*.csv"
        case .pinyinXML: return "fp_*.xml.gz"
        case .cloudPOS: return "export-{date}-*.csv.gz"
        }
    }

    /// The index of the file invoice `index` goes to.
    func part(of index: Int) -> Int { index >= (secondFileFrom ?? Int.max) ? 1 : 0 }
}

/// Writes one branch's night: its export files (streamed row by row) and its invoices' authority rows.
struct BranchExport {
    let branch: Branch
    let count: Int
    let date: IssueDate
    /// The branch's date folder.
    let folder: String
    var injector: Injector

    /// Writes every invoice; `foreign` holds rows other branches duplicated into this one.
    mutating func write(authority: AuthoritySink, ledger: inout TruthLedger, rotation: inout Int,
                        foreign: [InvoiceFacts]) throws -> [InvoiceFacts] {
        if branch.fate == .missingSource { return try writeMissing(authority: authority, ledger: &ledger) }
        let layout = FileLayout(dialect: branch.dialect, fate: branch.fate, count: count, date: date)
        if branch.fate.losesSecondFile { ledger.report(.fileError, source: branch.name) }
        let usable = branch.fate.losesSecondFile ? (layout.secondFileFrom ?? count) : count
        let schedule = InjectionSchedule(usable: usable, dialect: branch.dialect,
                                         hasLaterBranch: injector.nextBranch != nil, rotation: &rotation)
        var sink = BranchFiles(folder: folder, layout: layout, dialect: branch.dialect, batch: date.compact)
        var copies: [InvoiceFacts] = []
        var pendingForeign = foreign
        var index = 0
        while index < count {
            try sink.moveTo(index: index)
            if index >= count / 3 && !pendingForeign.isEmpty {
                try sink.writeRows(pendingForeign.map(branch.dialect.render))
                pendingForeign = []
            }
            let (emissions, used) = try next(index: index, usable: usable, schedule: schedule, ledger: &ledger)
            try sink.writeRows(emissions.branchRows)
            for facts in emissions.authorityRows { try authority.write(facts) }
            ledger.settle(authorityRows: emissions.authorityRows)
            copies += emissions.foreignRows
            index += used
        }
        try sink.close()
        return copies
    }

    /// The rows of the invoice at `index` (of two, for a blue–red pair) and how many invoices they used.
    private mutating func next(index: Int, usable: Int, schedule: InjectionSchedule,
                               ledger: inout TruthLedger) throws -> (Emissions, Int) {
        if index >= usable {
            let breaksXML = index == usable && branch.fate == .malformedFile
            return (injector.lost(index: index, count: count, breaksXML: breaksXML, ledger: &ledger), 1)
        }
        if let kind = schedule.kind(at: index) {
            return (try injector.plant(kind, index: index, count: count, ledger: &ledger), kind.occupiesPair ? 2 : 1)
        }
        return (injector.ordinary(index: index, count: count, ledger: &ledger), 1)
    }

    /// A branch with no file tonight: one `missing_source`; its invoices are in the authority's export only.
    private mutating func writeMissing(authority: AuthoritySink, ledger: inout TruthLedger) throws -> [InvoiceFacts] {
        ledger.report(.missingSource, source: branch.name)
        for index in 0..<count {
            let emissions = injector.lost(index: index, count: count, breaksXML: false, ledger: &ledger)
            for facts in emissions.authorityRows { try authority.write(facts) }
            ledger.settle(authorityRows: emissions.authorityRows)
        }
        return []
    }
}

/// The open export file of a branch, switching to the next file or gzip member as the layout says.
struct BranchFiles {
    let folder: String
    let layout: FileLayout
    private var serializer: ExportSerializer
    private let batch: String
    private var current: (part: Int, file: ExportFile)?
    private var buffer: [UInt8] = []
    private var memberSplit = false

    init(folder: String, layout: FileLayout, dialect: ExportDialect, batch: String) {
        self.folder = folder
        self.layout = layout
        self.batch = batch
        serializer = ExportSerializer(dialect: dialect)
    }

    /// Opens the file invoice `index` belongs to (closing the previous one), or starts a new gzip member.
    mutating func moveTo(index: Int) throws {
        let part = layout.part(of: index)
        if let current, current.part == part {
            if part == 0, !memberSplit, let at = layout.secondMemberAt, index >= at {
                try current.file.startNewMember()
                memberSplit = true
            }
            return
        }
        try close()
        let entry = layout.files[part]
        let file = try ExportFile(path: folder + "/" + entry.name, compression: entry.compression)
        try file.write(try serializer.header(batch: "\(batch)-\(part + 1)"))
        current = (part, file)
    }

    /// Writes rows into the open file.
    mutating func writeRows(_ rows: [RowText]) throws {
        guard let file = current?.file, !rows.isEmpty else { return }
        buffer.removeAll(keepingCapacity: true)
        for row in rows { try serializer.append(row, to: &buffer) }
        try file.write(buffer)
    }

    /// Ends and closes the open file.
    mutating func close() throws {
        guard let file = current?.file else { return }
        try file.write(serializer.footer())
        try file.close()
        current = nil
    }
}
