import FapiaoCore
import FapiaoIO

/// One record normalized on the fast path: its canonical fields (`invoice_key` … `branch`) as bytes, each
/// followed by a comma (so a row needing no quotes is written with one copy), with what dedupe and the order
/// check need. `ends` holds each field's end in `bytes`, before its comma. Buffers of its own (no `Array`
/// appends per field); `copy(into:)` hands a finished record to a batch's store.
struct FastRecord {
    /// The canonical fields' bytes.
    var bytes = ByteBuffer(capacity: 1024)
    /// The end offset in `bytes` of each canonical field.
    var ends = GrowableBuffer<Int>(capacity: 32)
    /// A placeholder key.
    static let noKey = PackedKey(digitalNumber: "00000000000000000000")!
    /// The packed dedupe key.
    var key = FastRecord.noKey
    /// The record's `_line`.
    var line = 0
    /// True when a `suspicious_field` check fires (the record then takes the `String` path after dedupe).
    var suspicious = false

    /// Starts the next record.
    mutating func begin() {
        bytes.removeAll()
        ends.removeAll()
        suspicious = false
    }

    /// Removes what the record appended.
    mutating func rollback() {
        bytes.removeAll()
        ends.removeAll()
    }

    /// The fields appended so far.
    var fieldCount: Int { ends.count }

    /// Ends the field whose bytes were appended last (and appends its comma).
    @inline(__always)
    mutating func endField() {
        ends.append(bytes.count)
        bytes.append(UInt8(ascii: ","))
    }

    /// Appends a whole field.
    mutating func appendField(_ field: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: field)
        endField()
    }

    /// Appends a whole field from a string.
    mutating func appendField(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
        endField()
    }

    /// Appends a whole field from a literal.
    mutating func appendField(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        endField()
    }

    /// Appends a whole field.
    @inline(__always)
    mutating func appendField(_ field: [UInt8]) {
        bytes.append(contentsOf: field)
        endField()
    }

    /// The start offset of field `index`.
    func start(of index: Int) -> Int { index == 0 ? 0 : ends[index - 1] + 1 }

    /// True when no field before `branch` needs quotes in a CSV row (set when normalization succeeds).
    var isPlain = false

    /// Calls `body` with the bytes of field `index`.
    func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        body(UnsafeBufferPointer(rebasing: bytes.buffer[start(of: index)..<ends[index]]))
    }

    /// `RecordDigest.digest(canonicalRow:)` of the record (set when normalization succeeds).
    var digest: UInt64 = 0

    /// Sets `digest` (`RecordDigest.digest(canonicalRow:)`: the fields before `branch`) and `isPlain`.
    mutating func computeDigestAndPlain() {
        let count = FastNormalizer.Order.branch
        let scan = RecordDigest.scan(fields: UnsafeBufferPointer(rebasing: bytes.buffer[0...ends[count - 1]]),
                                     ends: UnsafeBufferPointer(rebasing: ends.buffer[0..<count]), from: 0)
        digest = scan.digest
        isPlain = !scan.quotesOrBreaks && scan.commas == count  // only the comma after each field
    }

    /// Appends the record's fields to `store` (its ends moved to the store's offsets); returns the index of
    /// its first end in `store.ends`.
    func copy(into store: inout FieldStore) -> Int {
        let first = store.ends.count, shift = store.bytes.count
        store.bytes.append(contentsOf: bytes.buffer)
        store.ends.append(contentsOf: ends.buffer)
        if shift != 0 {
            store.ends.withUnsafeMutableBufferPointer { ends in
                for index in first..<ends.count { ends[index] &+= shift }
            }
        }
        return first
    }
}

/// Writes kept records' canonical rows from bytes.
enum CanonicalRowWriter {
    /// Writes the canonical fields but `branch`, then `branch` (given for an authority record: its own is
    /// empty), `_source` and `_file` (`provenance`: already formatted, the pass's current file, which
    /// `SourcePass.admitsInOrder` checked the row names; for a branch record it starts with the `branch`
    /// field, the source's name, as `FastNormalizer` wrote it) and `_line` (canonical digits: `FastNormalizer`
    /// checked).
    static func write(_ canonical: FieldsView, plain: Bool, provenance: UnsafeBufferPointer<UInt8>,
                      line: UnsafeBufferPointer<UInt8>, branch: String?, to writer: RecordFileWriter) throws
    {
        try writer.writeRow { builder in
            if plain {
                builder.appendFormatted(canonical.span(from: 0, through: canonical.count - 2))
            } else {
                for index in 0..<(canonical.count - 1) { builder.append(canonical[index]) }
            }
            if let branch { builder.append(branch) }
            builder.appendFormatted(provenance)
            builder.appendFormatted(line)
        }
    }
}
