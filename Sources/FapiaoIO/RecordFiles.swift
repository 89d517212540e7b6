import FapiaoCore

/// Writes a stage record file: UTF-8 CSV, LF, a header row, no BOM; atomically.
public final class RecordFileWriter {
    private let writer: AtomicFileWriter
    /// Data rows written (the header not counted).
    public private(set) var rowCount = 0

    /// Creates the file and writes the header; see `AtomicFileWriter` for `durable`.
    public init(path: String, header: [String], durable: Bool = true) throws {
        writer = try AtomicFileWriter(path: path, durable: durable)
        try writer.append { CSVFormatter.append(header, to: &$0) }
    }

    /// Writes one row.
    public func write(_ row: [String]) throws {
        try writer.append { CSVFormatter.append(row, to: &$0) }
        rowCount += 1
    }

    /// Appends one complete row (its line break included) to the pending buffer; counts it.
    func appendRow(_ body: (inout [UInt8]) -> Void) throws {
        try writer.append(body)
        rowCount += 1
    }

    /// Flushes, fsyncs and renames the file into place.
    public func commit() throws { try writer.commit() }

    /// Writes a whole record file at once.
    public static func write(path: String, header: [String], rows: [[String]]) throws {
        let file = try RecordFileWriter(path: path, header: header)
        for row in rows { try file.write(row) }
        try file.commit()
    }
}

/// Reads a stage record file written by `RecordFileWriter`, streaming rows as strings.
public struct RecordFileReader {
    /// The path read.
    public let path: String

    public init(path: String) { self.path = path }

    /// Calls `body` with the header, then with each row and its line; stops at the end of the file.
    /// Throws a `FapiaoError` (`stage.corrupt`) when the file is not well-formed.
    public func forEachRow(header: ([String]) throws -> Void, row: ([String], Int) throws -> Void) throws {
        try RecordFileByteReader(path: path).forEachRow(header: { try header($0.strings) },
                                                        row: { try row($0.strings, $0.line) })
    }

    /// Reads the whole file into memory (for small files such as findings).
    public func readAll() throws -> (header: [String], rows: [[String]]) {
        var head: [String] = []
        var rows: [[String]] = []
        try forEachRow(header: { head = $0 }, row: { r, _ in rows.append(r) })
        return (head, rows)
    }
}
