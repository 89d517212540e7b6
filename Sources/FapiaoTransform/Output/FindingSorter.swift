import FapiaoCore
import FapiaoIO

/// Collects findings and writes them sorted by `Discrepancy.reportOrder`, without holding them all:
/// every `runLength` findings are sorted and spilled to a run file, and the runs are merged at the end.
final class FindingSorter {
    private let spoolDirectory: String
    private let runLength: Int
    private var buffer: [Discrepancy] = []
    private var runs: [String] = []
    /// Findings added.
    private(set) var count = 0

    /// Spills runs into `spoolDirectory` (which must exist).
    init(spoolDirectory: String, runLength: Int = 100_000) {
        self.spoolDirectory = spoolDirectory
        self.runLength = max(1, runLength)
    }

    /// Adds a finding.
    func add(_ finding: Discrepancy) throws {
        buffer.append(finding)
        count += 1
        if buffer.count >= runLength { try spill() }
    }

    private func spill() throws {
        let path = spoolDirectory + "/findings-run-\(runs.count).csv"
        buffer.sort(by: Discrepancy.reportOrder)
        try RecordFileWriter.write(path: path, header: Discrepancy.findingsHeader, rows: buffer.map(\.findingsRow))
        runs.append(path)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes every finding, sorted, to `path`; returns the rows written.
    func write(to path: String) throws -> Int {
        let writer = try RecordFileWriter(path: path, header: Discrepancy.findingsHeader)
        if runs.isEmpty {
            buffer.sort(by: Discrepancy.reportOrder)
            for finding in buffer { try writer.write(finding.findingsRow) }
        } else {
            if !buffer.isEmpty { try spill() }
            try merge(into: writer)
        }
        try writer.commit()
        return writer.rowCount
    }

    private func merge(into writer: RecordFileWriter) throws {
        let cursors = try runs.map(RowCursor.init)
        var heads: [Discrepancy?] = []
        for cursor in cursors {
            _ = try cursor.next()
            heads.append(try next(from: cursor))
        }
        while let (smallest, finding) = FindingSorter.smallest(of: heads) {
            try writer.write(finding.findingsRow)
            heads[smallest] = try next(from: cursors[smallest])
        }
    }

    /// The position and value of the first finding in report order, nil when every run is exhausted.
    private static func smallest(of heads: [Discrepancy?]) -> (Int, Discrepancy)? {
        var best: (Int, Discrepancy)?
        for (index, head) in heads.enumerated() {
            guard let head else { continue }
            if let current = best, !Discrepancy.reportOrder(head, current.1) { continue }
            best = (index, head)
        }
        return best
    }

    private func next(from cursor: RowCursor) throws -> Discrepancy? {
        guard let row = try cursor.next() else { return nil }
        guard let finding = Discrepancy(findingsRow: row) else {
            throw FapiaoError(code: "stage.corrupt", message: "\(cursor.path) holds a row that is not a finding")
        }
        return finding
    }
}
