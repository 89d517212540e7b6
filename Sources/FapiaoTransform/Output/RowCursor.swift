import FapiaoCore
import FapiaoIO

/// Pulls the rows of a record file one at a time (the header first), reading it in chunks: what a merge of
/// several sorted files needs, where `RecordFileReader`'s callback style cannot interleave files.
final class RowCursor {
    /// The path read.
    let path: String
    private let reader: FileChunkReader
    private var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
    private var pending: [CSVRecord] = []
    private var position = 0
    private var atEnd = false

    /// Opens a record file.
    init(path: String) throws {
        self.path = path
        reader = try FileChunkReader(path: path)
    }

    /// Opens a record file, or returns nil when there is none at `path`.
    convenience init?(ifExists path: String) throws {
        guard FileStatus.exists(path) else { return nil }
        try self.init(path: path)
    }

    /// The next row, or nil at the end of the file; throws `stage.corrupt` for a malformed file.
    func next() throws -> [String]? {
        while position == pending.count {
            if atEnd { return nil }
            try refill()
        }
        defer { position += 1 }
        return pending[position].strings
    }

    private func refill() throws {
        var batch: [CSVRecord] = []
        var parser = self.parser
        do {
            let more = try reader.withNextChunk { chunk in try parser.feed(chunk) { batch.append($0) } }
            if !more {
                try parser.finish { batch.append($0) }
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
