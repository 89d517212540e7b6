import FapiaoCore
import FapiaoIO

/// One record normalized on the fast path: its canonical fields (`invoice_key` … `branch`) as bytes, back to
/// back, with what dedupe and the order check need. Reused from record to record.
struct FastRecord {
    /// The canonical fields' bytes.
    var bytes: [UInt8] = []
    /// The end offset in `bytes` of each canonical field; `ends.count` fields are complete.
    var ends: [Int] = []
    /// The packed dedupe key.
    var key = PackedKey(digitalNumber: "00000000000000000000")!
    /// The record's `_line`.
    var line = 0
    /// True when a `suspicious_field` check fires (the record then takes the `String` path after dedupe).
    var suspicious = false

    init() {
        bytes.reserveCapacity(1024)
        ends.reserveCapacity(CanonicalField.allCases.count)
    }

    /// Starts the next record.
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        suspicious = false
    }

    /// Ends the field whose bytes were appended last.
    @inline(__always)
    mutating func endField() { ends.append(bytes.count) }

    /// Appends a whole field.
    mutating func appendField(_ field: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: field)
        ends.append(bytes.count)
    }

    /// Appends a whole field from a string.
    mutating func appendField(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        ends.append(bytes.count)
    }

    /// The start offset of field `index`.
    func start(of index: Int) -> Int { index == 0 ? 0 : ends[index - 1] }

    /// Calls `body` with the bytes of field `index`.
    func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let range = start(of: index)..<ends[index]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// `RecordDigest.digest(canonicalRow:)` of the record: the fields before `branch`.
    var digest: UInt64 {
        let count = FastNormalizer.Order.branch
        return bytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                RecordDigest.digest(fields: UnsafeBufferPointer(rebasing: bytes[..<ends[count - 1]]),
                                    ends: UnsafeBufferPointer(rebasing: ends[..<count]))
            }
        }
    }

    /// Writes the canonical row: the fields, then `_source`, `_file` and `_line` from the extract row.
    /// `branch`, when given, replaces the record's (an authority record's attributed branch).
    func write(provenance row: CSVRowView, branch: String?, to writer: RecordFileWriter) throws {
        try bytes.withUnsafeBufferPointer { bytes in
            try writer.writeRow { builder in
                var start = 0
                for end in ends.dropLast() {
                    builder.append(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    start = end
                }
                if let branch { builder.append(branch) } else { builder.append(UnsafeBufferPointer(rebasing: bytes[start...])) }
                builder.append(row[0])
                builder.append(row[1])
                builder.append(row[2])  // canonical digits: `FastNormalizer` checked
            }
        }
    }
}
