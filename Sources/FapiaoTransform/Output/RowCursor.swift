import FapiaoCore
import FapiaoIO

/// Pulls the rows of a record file one at a time (the header first), reading it in chunks: what a merge of
/// several sorted files needs, where `RecordFileReader`'s callback style cannot interleave files. Also
/// serves rows held in memory (a small spool never written to a file).
final class RowCursor {
    /// The path read.
    let path: String
    private let reader: FileChunkReader?
    private var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
    private var pending: [[String]] = []
    private var position = 0
    private var atEnd = false

    /// Opens a record file.
    init(path: String) throws {
        self.path = path
        reader = try FileChunkReader(path: path)
    }

    /// Serves `header`, then `rows`.
    init(header: [String], rows: [[String]], path: String) {
        self.path = path
        reader = nil
        pending = [header] + rows
        atEnd = true
    }

    /// The next row, or nil at the end of the file; throws `stage.corrupt` for a malformed file.
    func next() throws -> [String]? {
        while position == pending.count {
            if atEnd { return nil }
            try refill()
        }
        defer { position += 1 }
        return pending[position]
    }

    private func refill() throws {
        guard let reader else { atEnd = true; return }
        var batch: [[String]] = []
        var parser = self.parser
        do {
            let more = try reader.withNextChunk { chunk in try parser.feedRows(chunk) { batch.append($0.strings) } }
            if !more {
                try parser.finishRows { batch.append($0.strings) }
                atEnd = true
            }
        } catch let error as CSVParseError {
            throw FapiaoError(code: "stage.corrupt", message: "\(path) is not a well-formed record file: \(error)")
        }
        self.parser = parser
        pending = batch
        position = 0
    }
}
