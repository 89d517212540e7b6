import FapiaoCore
import FapiaoIO

/// One record normalized on the fast path: its canonical fields (`invoice_key` … `branch`) as bytes, each
/// followed by a comma (so a row needing no quotes is written with one copy), with what dedupe and the order
/// check need. The fields are appended to `bytes` and `ends` (the arrays of a `FieldStore`, lent for the
/// record), from `base` and `firstEnd`; `ends` holds each field's end, before its comma.
struct FastRecord {
    /// The canonical fields' bytes, from `base`.
    var bytes: [UInt8] = []
    /// The end offset in `bytes` of each canonical field, from `firstEnd`.
    var ends: [Int] = []
    /// Where the record starts in `bytes` and `ends`.
    private(set) var base = 0, firstEnd = 0
    /// A placeholder key.
    static let noKey = PackedKey(digitalNumber: "00000000000000000000")!
    /// The packed dedupe key.
    var key = FastRecord.noKey
    /// The record's `_line`.
    var line = 0
    /// True when a `suspicious_field` check fires (the record then takes the `String` path after dedupe).
    var suspicious = false

    init() {
        bytes.reserveCapacity(1024)
        ends.reserveCapacity(CanonicalField.allCases.count)
    }

    /// Starts the next record after what `bytes` and `ends` hold.
    mutating func begin() {
        base = bytes.count
        firstEnd = ends.count
        suspicious = false
    }

    /// Removes what the record appended.
    mutating func rollback() {
        if bytes.count > base { bytes.removeSubrange(base...) }
        if ends.count > firstEnd { ends.removeSubrange(firstEnd...) }
    }

    /// The fields appended so far.
    var fieldCount: Int { ends.count - firstEnd }

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
        bytes.append(contentsOf: text.utf8)
        endField()
    }

    /// Appends a whole field from a literal.
    mutating func appendField(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
        endField()
    }

    /// Appends a whole field.
    mutating func appendField(_ field: [UInt8]) {
        field.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }  // no retain of `field`
        endField()
    }

    /// The start offset of field `index`.
    func start(of index: Int) -> Int { index == 0 ? base : ends[firstEnd + index - 1] + 1 }

    /// True when no field before `branch` needs quotes in a CSV row (set when normalization succeeds).
    var isPlain = false

    /// Calls `body` with the bytes of field `index`.
    func withField<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let range = start(of: index)..<ends[firstEnd + index]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// `RecordDigest.digest(canonicalRow:)` of the record (set when normalization succeeds).
    var digest: UInt64 = 0

    /// Sets `digest` (`RecordDigest.digest(canonicalRow:)`: the fields before `branch`) and `isPlain`.
    mutating func computeDigestAndPlain() {
        let count = FastNormalizer.Order.branch
        let scan = bytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { ends in
                RecordDigest.scan(fields: UnsafeBufferPointer(rebasing: bytes[base...ends[firstEnd + count - 1]]),
                                  ends: UnsafeBufferPointer(rebasing: ends[firstEnd..<(firstEnd + count)]),
                                  from: base)
            }
        }
        digest = scan.digest
        isPlain = !scan.quotesOrBreaks && scan.commas == count  // only the comma after each field
    }
}

/// Writes kept records' canonical rows from bytes.
enum CanonicalRowWriter {
    /// Writes the canonical fields, then `_source` and `_file` (`provenance`: already formatted, the pass's
    /// current file, which `SourcePass.admitsInOrder` checked the row names) and `_line` (canonical digits:
    /// `FastNormalizer` checked). `branch`, when given, replaces the record's own (empty) one.
    static func write(_ canonical: FieldsView, plain: Bool, provenance: UnsafeBufferPointer<UInt8>,
                      line: UnsafeBufferPointer<UInt8>, branch: String?, to writer: RecordFileWriter) throws
    {
        try writer.writeRow { builder in
            if plain {
                builder.appendFormatted(canonical.span(from: 0, through: canonical.count - 2))
            } else {
                for index in 0..<(canonical.count - 1) { builder.append(canonical[index]) }
            }
            if let branch { builder.append(branch) } else { builder.append(canonical[canonical.count - 1]) }
            builder.appendFormatted(provenance)
            builder.appendFormatted(line)
        }
    }
}
