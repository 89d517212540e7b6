#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import FapiaoCore
import FapiaoIO

/// The rows of the canonical dataset, held as their encoded CSV bytes in one buffer (about the size of the
/// input files, with no per-field strings), written sorted by invoice key, then source, then the row's bytes.
struct CanonicalRowStore: Sendable {
    private struct Entry: Sendable {
        var start: Int
        var length: Int32
        var keyLength: Int32
        var source: Int32
    }

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []
    private var sources: [String] = []
    private var sourceIndices: [String: Int32] = [:]
    /// The sources' bytes (few: one per pipeline source), and the source of the last byte row added.
    private var sourceBytes: [[UInt8]] = []
    private var lastSource: Int32 = -1
    /// Entry positions in output order, once `sort()` ran.
    private var order: [Int32] = []

    /// Rows held.
    var count: Int { entries.count }

    /// Adds one canonical row (`Invoice.canonicalRow`).
    mutating func append(_ invoice: Invoice) {
        let start = bytes.count
        CSVFormatter.append(invoice.canonicalRow, to: &bytes)
        entries.append(Entry(start: start, length: Int32(bytes.count - start),
                             keyLength: Int32(invoice.key.utf8.count), source: sourceIndex(invoice.origin.source)))
    }

    /// Adds a canonical record-file row, written as `append(Invoice(canonicalRow:))` would write it.
    mutating func append(_ row: RecordRow, _ values: CanonicalRowValues) {
        let start = bytes.count
        let keyLength = CanonicalBytes.append(row, values: values, to: &bytes)
        let source = row[CanonicalRowValues.Column.source]
        if lastSource < 0 || !sourceBytes[Int(lastSource)].withUnsafeBufferPointer({ RecordRow.equal(source, $0) }) {
            lastSource = sourceIndex(String(decoding: source, as: UTF8.self))
        }
        entries.append(Entry(start: start, length: Int32(bytes.count - start), keyLength: Int32(keyLength),
                             source: lastSource))
    }

    private mutating func sourceIndex(_ source: String) -> Int32 {
        if let index = sourceIndices[source] { return index }
        let index = Int32(sources.count)
        sources.append(source)
        sourceBytes.append(Array(source.utf8))
        sourceIndices[source] = index
        return index
    }

    /// Fixes the output order: invoice key (bytes), then source name, then the whole row.
    mutating func sort() {
        var sorted = entries.indices.map { Int32($0) }
        let sourceRank = sourceRanks()
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            sorted.sort { x, y in
                let a = entries[Int(x)], b = entries[Int(y)]
                let byKey = compare(base + a.start, Int(a.keyLength), base + b.start, Int(b.keyLength))
                if byKey != 0 { return byKey < 0 }
                if a.source != b.source { return sourceRank[Int(a.source)] < sourceRank[Int(b.source)] }
                return compare(base + a.start, Int(a.length), base + b.start, Int(b.length)) < 0
            }
        }
        order = sorted
    }

    /// Each source's position among the sources sorted by their UTF-8 bytes.
    private func sourceRanks() -> [Int] {
        let byName = sources.indices.sorted { sources[$0].utf8.lexicographicallyPrecedes(sources[$1].utf8) }
        var ranks = [Int](repeating: 0, count: sources.count)
        for (rank, index) in byName.enumerated() { ranks[index] = rank }
        return ranks
    }

    /// Byte-wise lexicographic comparison (negative, zero, positive), as `lexicographicallyPrecedes` orders.
    private func compare(_ a: UnsafePointer<UInt8>, _ aCount: Int, _ b: UnsafePointer<UInt8>, _ bCount: Int) -> Int {
        let common = memcmp(a, b, min(aCount, bCount))
        return common != 0 ? Int(common) : aCount - bCount
    }

    /// Writes `canonical.csv` (canonical header, rows in sorted order) atomically.
    func write(path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try writer.append { CSVFormatter.append(Invoice.canonicalHeader, to: &$0) }
        for position in order {
            let entry = entries[Int(position)]
            try writer.append { $0.append(contentsOf: bytes[entry.start..<(entry.start + Int(entry.length))]) }
        }
        try writer.commit()
    }

    /// Calls `body` with each row, in sorted order, as a borrowed byte row.
    func forEachRow(_ body: (RecordRow) throws -> Void) throws {
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        try bytes.withUnsafeBufferPointer { all in
            for position in order {
                let entry = entries[Int(position)]
                let row = UnsafeBufferPointer(rebasing: all[entry.start..<(entry.start + Int(entry.length))])
                try parser.feedRows(row) { try body(RecordRow(view: $0)) }
            }
        }
        try parser.finishRows { try body(RecordRow(view: $0)) }
    }
}
