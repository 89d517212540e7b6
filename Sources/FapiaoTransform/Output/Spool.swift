import Foundation
import FapiaoCore
import FapiaoIO

/// Temporary per-source files inside the staging folder, so outputs can be assembled in pipeline order
/// although authority sources are processed after every branch source. Removed when the run ends.
struct Spool {
    /// The spool folder.
    let directory: String

    /// Creates `<outputDirectory>/.transform-spool`.
    init(outputDirectory: String) throws {
        directory = outputDirectory + "/.transform-spool"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FapiaoError(code: "io.create", message: "cannot create \(directory)", cause: "\(error)")
        }
    }

    /// The spool file of one kind (`rejects`, `extract-rejects`, `duplicates`) for a source (pipeline position).
    func path(_ kind: String, source: Int) -> String { directory + "/\(kind)-\(source).csv" }

    /// Deletes the spool folder.
    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// A spool of rows: held in memory while small, so the hundreds of sources with a few rejects or duplicates
/// cost no file; past `memoryLimit` bytes written to a spool file (not fsynced: the spool is deleted when the
/// run ends).
final class SpoolWriter {
    /// Bytes of row text held in memory before the rows go to a file.
    static let memoryLimit = 32 << 10
    private let path: String
    private let header: [String]
    private var rows: [[String]] = []
    private var heldBytes = 0
    private var writer: RecordFileWriter?
    /// Rows written.
    private(set) var rowCount = 0

    init(path: String, header: [String]) {
        self.path = path
        self.header = header
    }

    /// Writes one row.
    func write(_ row: [String]) throws {
        rowCount += 1
        if let writer { return try writer.write(row) }
        rows.append(row)
        heldBytes += row.reduce(row.count) { $0 + $1.utf8.count }
        guard heldBytes > SpoolWriter.memoryLimit else { return }
        let file = try RecordFileWriter(path: path, header: header, durable: false)
        for held in rows { try file.write(held) }
        rows = []
        writer = file
    }

    /// Renames the file into place, when there is one.
    func commit() throws { try writer?.commit() }

    /// A cursor over the rows (the header first); call after `commit`.
    func cursor() throws -> RowCursor {
        writer == nil ? RowCursor(header: header, rows: rows, path: path) : try RowCursor(path: path)
    }
}

/// The columns of `rejects.csv` (and of extract's).
enum RejectsFile {
    static let header = ProvenanceColumn.names + ["reason", "field", "raw"]
}

/// The columns of `duplicates.csv`.
enum DuplicatesFile {
    static let header = Invoice.canonicalHeader + ["kept_file", "kept_line", "identical"]
}

/// Copies record files into one output: concatenated, or two files merged by `_file`, then `_line`.
enum RecordFileAssembly {
    /// Appends the data rows of `spool` (its header skipped) to `writer`; returns the rows copied.
    @discardableResult
    static func append(_ spool: SpoolWriter, to writer: RecordFileWriter) throws -> Int {
        try mergeByLocation(spool, nil, into: writer)
    }

    /// Merges two spools each sorted by `_file` (column 2), then `_line` (column 3) into `writer`.
    @discardableResult
    static func mergeByLocation(_ first: SpoolWriter, _ second: SpoolWriter?, into writer: RecordFileWriter)
        throws -> Int
    {
        let a = try first.cursor()
        let b = try second?.cursor()
        _ = try a.next()
        _ = try b?.next()
        var headA = try a.next(), headB = try b?.next()
        var written = 0
        while headA != nil || headB != nil {
            if let rowA = headA, headB.map({ !comesBefore($0, rowA) }) ?? true {
                try writer.write(rowA)
                headA = try a.next()
            } else if let rowB = headB {
                try writer.write(rowB)
                headB = try b?.next()
            }
            written += 1
        }
        return written
    }

    /// `_file` then `_line` order of two rows (`_source,_file,_line,…`).
    static func comesBefore(_ x: [String], _ y: [String]) -> Bool {
        guard x.count >= 3, y.count >= 3 else { return false }
        if x[1] != y[1] { return x[1] < y[1] }
        return (Int(x[2]) ?? 0) < (Int(y[2]) ?? 0)
    }
}

/// File-system facts.
enum FileStatus {
    /// True when a file exists at `path`.
    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// The size in bytes of the file at `path`, 0 when there is none.
    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
