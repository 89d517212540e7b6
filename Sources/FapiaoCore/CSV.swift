/// The delimiter and quote character of a CSV dialect.
public struct CSVDialect: Hashable, Sendable {
    /// The byte between fields.
    public var delimiter: UInt8
    /// Nil when the format has no quoting.
    public var quote: UInt8?

    /// A dialect; by default RFC 4180's comma and double quote.
    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8? = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.quote = quote
    }

    /// RFC 4180: comma and double quote.
    public static let rfc4180 = CSVDialect()
}

/// One CSV record as raw bytes, with the physical line (1-based) where it starts.
public struct CSVRecord: Hashable, Sendable {
    /// The fields' bytes, unquoted.
    public var fields: [[UInt8]]
    /// The physical line (1-based) where the record starts.
    public var line: Int

    /// A record of `fields` starting on `line`.
    public init(fields: [[UInt8]], line: Int) {
        self.fields = fields
        self.line = line
    }

    /// The fields as strings; bytes that are not UTF-8 are repaired with U+FFFD (use only on trusted UTF-8).
    public var strings: [String] { fields.map { String(decoding: $0, as: UTF8.self) } }
}

/// A CSV parse failure that makes the rest of the input untrustworthy.
public enum CSVParseError: Error, Equatable, Sendable {
    /// A quoted field was still open at the end of the input; `line` is where the record started.
    case unclosedQuote(line: Int)
    /// A field grew past `maxFieldBytes`.
    case fieldTooLarge(line: Int, limit: Int)
    /// A record grew past `maxRecordBytes`.
    case recordTooLarge(line: Int, limit: Int)
}

/// Which size limit a record passed; its bytes past the limit were not kept.
public enum CSVOverflow: Hashable, Sendable {
    /// One field passed `maxFieldBytes`.
    case field
    /// The record's field bytes together passed `maxRecordBytes`.
    case record
}

/// A borrowed view of one parsed record, valid only inside the `emit` call that receives it.
///
/// Field `i` spans `starts[i] ..< ends[i]` in `bytes`. For a record the parser read whole from the chunk it
/// was fed (no quote, no chunk boundary: the common case), `bytes` is that chunk and nothing was copied;
/// otherwise `bytes` is the parser's own buffer, where the unquoted fields lie back to back.
public struct CSVRowView {
    /// The bytes the fields lie in (with whatever lies between them).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The start offset in `bytes` of each field.
    public let starts: UnsafeBufferPointer<Int>
    /// The end offset in `bytes` of each field.
    public let ends: UnsafeBufferPointer<Int>
    /// The physical line (1-based) where the record starts.
    public let line: Int
    /// Set when the record passed a size limit (its field bytes are then incomplete).
    public let overflow: CSVOverflow?

    /// The number of fields.
    public var count: Int { ends.count }

    /// The bytes of field `index` (0-based).
    @inline(__always)
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = starts[index], end = ends[index]
        precondition(start <= end && end <= bytes.count, "field bounds out of range")
        return UnsafeBufferPointer(start: bytes.baseAddress.map { $0 + start }, count: end - start)
    }

    /// The bytes from the start of the first field to the end of the last (with the delimiters between
    /// them when the record was read in place).
    public var span: Range<Int> { count == 0 ? 0..<0 : starts[0]..<ends[count - 1] }

    /// Copies the record out; throws the matching `CSVParseError` when it passed a size limit.
    public func record(maxFieldBytes: Int, maxRecordBytes: Int) throws -> CSVRecord {
        switch overflow {
        case .field: throw CSVParseError.fieldTooLarge(line: line, limit: maxFieldBytes)
        case .record: throw CSVParseError.recordTooLarge(line: line, limit: maxRecordBytes)
        case nil: return CSVRecord(fields: (0..<count).map { Array(self[$0]) }, line: line)
        }
    }
}

/// An incremental RFC 4180 parser: feed it chunks of any size, it emits records as they complete.
///
/// Quoted fields may hold delimiters, doubled quotes and line breaks; records end at LF, CRLF or a lone CR.
/// Completely empty lines are skipped. A quote inside an unquoted field, or text after a closing quote,
/// is kept literally. Output does not depend on how the input is split into chunks. A record past a size
/// limit stops growing (memory stays bounded) and is emitted with its `overflow` set; the parse goes on.
///
///     var parser = CSVParser()
///     try parser.feedRows(chunk) { row in print(row.line, row.count) }
///     try parser.finishRows { row in … }   // throws .unclosedQuote when a quote is still open
public struct CSVParser: Sendable {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// The delimiter and quote.
    public let dialect: CSVDialect
    /// A field longer than this marks its record `.field` overflow.
    public let maxFieldBytes: Int
    /// A record whose fields hold more bytes than this is marked `.record` overflow.
    public let maxRecordBytes: Int
    private var state = State.fieldStart
    private var bytes: [UInt8] = []
    private var starts: [Int] = []
    private var ends: [Int] = []
    /// Field bounds of the records read in place (`fastRecords`), sized ahead: written by index, not appended.
    private var inPlaceBounds = FieldBounds(capacity: 64)
    /// False makes every record take the byte-by-byte path (the reference the tests compare with).
    var readsInPlace = true
    private var fieldStart = 0
    private var sawQuote = false
    private var overflow: CSVOverflow?
    private var line = 1
    private var recordLine = 1
    private var pendingCR = false

    /// A parser for `dialect` with size limits (the `feed(_:emit:)` API throws when a record passes one).
    public init(dialect: CSVDialect = .rfc4180, maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 4 << 20) {
        self.dialect = dialect
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
        bytes.reserveCapacity(4096)
        starts.reserveCapacity(64)
        ends.reserveCapacity(64)
    }

    /// The physical line the parser is on (1-based).
    public var currentLine: Int { line }

    /// The line where the record being read started.
    public var currentRecordLine: Int { recordLine }

    /// Parses a chunk, calling `emit` for each record that completes inside it.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (CSVRecord) throws -> Void) throws {
        let (field, record) = (maxFieldBytes, maxRecordBytes)
        try feedRows(chunk) { try emit($0.record(maxFieldBytes: field, maxRecordBytes: record)) }
    }

    /// Parses a chunk given as an array.
    public mutating func feed(_ chunk: [UInt8], emit: (CSVRecord) throws -> Void) throws {
        try chunk.withUnsafeBufferPointer { try feed($0, emit: emit) }
    }

    /// Ends the input: emits a last record without a line break; an open quote is an error.
    public mutating func finish(emit: (CSVRecord) throws -> Void) throws {
        let (field, record) = (maxFieldBytes, maxRecordBytes)
        try finishRows { try emit($0.record(maxFieldBytes: field, maxRecordBytes: record)) }
    }

    /// Ends the input, emitting a last record as a borrowed view; an open quote is an error.
    public mutating func finishRows(emit: (CSVRowView) throws -> Void) throws {
        pendingCR = false
        if state == .quoted { throw CSVParseError.unclosedQuote(line: recordLine) }
        if state != .fieldStart || !ends.isEmpty { try endRecord(emit: emit) }
    }

    /// Parses a chunk, calling `emit` with a borrowed view of each record that completes inside it.
    public mutating func feedRows(_ chunk: UnsafeBufferPointer<UInt8>, emit: (CSVRowView) throws -> Void) throws {
        guard let base = chunk.baseAddress else { return }
        let count = chunk.count
        var index = 0
        if pendingCR {
            pendingCR = false
            if count > 0 && base[0] == 0x0A {
                if state == .quoted { append(base, 0, 1) }
                index = 1
            }
        }
        while index < count {
            if readsInPlace && isAtRecordStart {
                index = try fastRecords(base, index, count, emit: emit)
                guard index < count else { break }
            }
            switch state {
            case .fieldStart:
                if let quote = dialect.quote, base[index] == quote {
                    state = .quoted; sawQuote = true; index += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                index = try scanUnquoted(base, index, count, emit: emit)
            case .quoted:
                index = scanQuoted(base, index, count)
            case .quoteInQuoted:
                if base[index] == dialect.quote {
                    append(base, index, index + 1); state = .quoted; index += 1
                } else {
                    state = .unquoted
                }
            }
        }
    }

    /// Copies a run of ordinary bytes, then handles the delimiter or line break that ends it.
    private mutating func scanUnquoted(
        _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, emit: (CSVRowView) throws -> Void
    ) throws -> Int {
        let delimiter = dialect.delimiter
        var index = start
        while index < count {
            let byte = base[index]
            if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
            index += 1
        }
        append(base, start, index)
        guard index < count else { return index }
        if base[index] == delimiter {
            starts.append(fieldStart); ends.append(bytes.count); fieldStart = bytes.count; state = .fieldStart
            return index + 1
        }
        let next = skipLineBreak(base, index, count)
        if ends.isEmpty && bytes.isEmpty && !sawQuote && overflow == nil {
            state = .fieldStart; recordLine = line  // an empty line: skipped
        } else {
            try endRecord(emit: emit)
        }
        return next
    }

    /// Copies a run of quoted bytes, counting line breaks, up to the next quote.
    private mutating func scanQuoted(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> Int {
        let quote = dialect.quote ?? 0
        var index = start
        while index < count {
            let byte = base[index]
            if byte == quote || byte == 0x0A || byte == 0x0D { break }
            index += 1
        }
        append(base, start, index)
        guard index < count else { return index }
        if base[index] == quote { state = .quoteInQuoted; return index + 1 }
        let next = skipLineBreak(base, index, count)
        append(base, index, next)
        return next
    }

    /// Counts the line break at `index` (LF, CR or CRLF) and returns the index after it.
    private mutating func skipLineBreak(_ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> Int {
        line += 1
        guard base[index] == 0x0D else { return index + 1 }
        if index + 1 == count { pendingCR = true; return index + 1 }
        return base[index + 1] == 0x0A ? index + 2 : index + 1
    }

    /// Appends `base[start..<end]` to the record, unless that passes a size limit.
    private mutating func append(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) {
        guard end > start, overflow == nil else { return }
        let newCount = bytes.count + (end - start)
        if newCount - fieldStart > maxFieldBytes { overflow = .field; return }
        if newCount > maxRecordBytes { overflow = .record; return }
        bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start))
    }

    private mutating func endRecord(emit: (CSVRowView) throws -> Void) throws {
        starts.append(fieldStart)
        ends.append(bytes.count)
        defer { resetRecord() }
        let (line, overflow) = (recordLine, overflow)
        try bytes.withUnsafeBufferPointer { fieldBytes in
            try starts.withUnsafeBufferPointer { fieldStarts in
                try ends.withUnsafeBufferPointer { fieldEnds in
                    try emit(CSVRowView(bytes: fieldBytes, starts: fieldStarts, ends: fieldEnds, line: line,
                                        overflow: overflow))
                }
            }
        }
    }

    private mutating func resetRecord() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        fieldStart = 0
        sawQuote = false
        overflow = nil
        state = .fieldStart
        recordLine = line
    }
}

// MARK: - Reading records in place

extension CSVParser {
    /// True between records: nothing of a record read yet (the in-place path may take over).
    private var isAtRecordStart: Bool {
        state == .fieldStart && ends.isEmpty && bytes.isEmpty && !sawQuote && overflow == nil
    }

    /// Emits, straight from the chunk, the records from `start` that lie wholly inside it, hold no quote
    /// but those around whole fields (none doubled) and pass no size limit; skips empty lines. Returns the end
    /// of the chunk or the start of the first record it cannot read in place (the byte-by-byte path reads
    /// that one, with the same result). A quoted field is the bytes between its quotes: no copy either.
    private mutating func fastRecords(
        _ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int, emit: (CSVRowView) throws -> Void
    ) throws -> Int {
        inPlaceBounds.makeUnique()
        let bounds = inPlaceBounds
        let chunk = UnsafeBufferPointer(start: base, count: count)
        var cursor = SpecialByteCursor(base, count: count, from: start, finder: SpecialByteFinder(dialect: dialect))
        var index = start
        while index < count {
            guard let record = fastRecord(base, index, count, cursor: &cursor, bounds: bounds) else { return index }
            if record.fields > 0 {
                try bounds.withBuffers(count: record.fields) { starts, ends in
                    try emit(CSVRowView(bytes: chunk, starts: starts, ends: ends, line: recordLine, overflow: nil))
                }
            }  // else an empty line
            line += 1 + record.breaks; recordLine = line; index = record.next
        }
        return index
    }

    /// Finds the fields of the record at `start` into `bounds` (`cursor` yields the special bytes from
    /// `start` on): their count (0 for an empty line), the index after the record's line break and the line
    /// breaks inside its quoted fields; nil when the record does not end inside the chunk, passes a size
    /// limit, or has a quote the byte-by-byte path must resolve (a doubled quote, a quote inside an unquoted
    /// field, text after a closing quote).
    @inline(__always)
    private func fastRecord(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int,
                            cursor: inout SpecialByteCursor, bounds: FieldBounds)
        -> (fields: Int, next: Int, breaks: Int)?
    {
        let (delimiter, quote) = (cursor.finder.delimiter, cursor.finder.quote)
        let quoted = dialect.quote != nil && quote != delimiter
        var fields = 0, fieldStart = start, recordBytes = 0, breaks = 0
        while true {
            var hit = cursor.next()
            guard hit < count else { return nil }
            var (contentStart, contentEnd) = (fieldStart, hit)
            if quoted && base[hit] == quote {
                guard hit == fieldStart, let close = closingQuote(base, count, cursor: &cursor, breaks: &breaks)
                else { return nil }
                (contentStart, contentEnd) = (hit + 1, close)
                hit = cursor.next()  // what ends the field must be the byte right after the closing quote
                guard hit == close + 1, hit < count, base[hit] != quote else { return nil }
            }
            let byte = base[hit]
            let length = contentEnd - contentStart
            recordBytes += length
            guard length <= maxFieldBytes, recordBytes <= maxRecordBytes else { return nil }
            if byte == delimiter {
                bounds.set(fields, start: contentStart, end: contentEnd)
                fields += 1
                fieldStart = hit + 1
                continue
            }
            if hit > start || fields > 0 || contentStart != fieldStart {  // not an empty line
                bounds.set(fields, start: contentStart, end: contentEnd)
                fields += 1
            }
            guard let next = lineBreakEnd(base, hit, count, cursor: &cursor) else { return nil }
            return (fields, next, breaks)
        }
    }

    /// The index of the quote closing a quoted field (the cursor is just past its opening quote), counting
    /// the line breaks inside (LF, CR or CRLF, as `skipLineBreak` does) into `breaks`; nil when the chunk
    /// ends first (or right after a CR).
    @inline(__always)
    private func closingQuote(_ base: UnsafePointer<UInt8>, _ count: Int, cursor: inout SpecialByteCursor,
                              breaks: inout Int) -> Int? {
        while true {
            let hit = cursor.next()
            guard hit < count else { return nil }
            switch base[hit] {
            case cursor.finder.quote:
                return hit
            case 0x0A, 0x0D:
                guard lineBreakEnd(base, hit, count, cursor: &cursor) != nil else { return nil }
                breaks += 1
            default:  // the delimiter, inside the quotes
                continue
            }
        }
    }

    /// `lineBreakEnd(_:_:_:)` that also moves `cursor` past the LF of a CRLF.
    @inline(__always)
    private func lineBreakEnd(_ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int,
                              cursor: inout SpecialByteCursor) -> Int? {
        guard let next = CSVParser.lineBreakEnd(base, index, count) else { return nil }
        if next == index + 2 { _ = cursor.next() }
        return next
    }

    /// The index after the line break (LF, CR or CRLF) at `index`; nil for a CR that ends the chunk (an LF
    /// may follow in the next one).
    @inline(__always)
    private static func lineBreakEnd(_ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> Int? {
        guard base[index] == 0x0D else { return index + 1 }
        guard index + 1 < count else { return nil }
        return base[index + 1] == 0x0A ? index + 2 : index + 1
    }
}

/// Field start and end offsets written by index into buffers sized ahead (no append, no uniqueness check
/// per field); grows when a record has more fields. Copies share storage until `makeUnique`.
struct FieldBounds: @unchecked Sendable {
    private final class Storage {
        var capacity: Int
        var starts: UnsafeMutablePointer<Int>
        var ends: UnsafeMutablePointer<Int>

        init(capacity: Int) {
            self.capacity = capacity
            starts = .allocate(capacity: capacity)
            ends = .allocate(capacity: capacity)
        }

        deinit {
            starts.deallocate()
            ends.deallocate()
        }
    }

    private var storage: Storage

    init(capacity: Int) { storage = Storage(capacity: capacity) }

    /// Gives this copy storage of its own (call before writing).
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(capacity: storage.capacity) }
    }

    /// Sets the bounds of field `index`, growing the buffers when needed.
    @inline(__always)
    func set(_ index: Int, start: Int, end: Int) {
        if index >= storage.capacity { grow() }
        storage.starts[index] = start
        storage.ends[index] = end
    }

    private func grow() {
        let old = storage.capacity, capacity = Swift.max(64, old * 2)
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        starts.update(from: storage.starts, count: old)
        ends.update(from: storage.ends, count: old)
        storage.starts.deallocate()
        storage.ends.deallocate()
        (storage.starts, storage.ends, storage.capacity) = (starts, ends, capacity)
    }

    /// Calls `body` with the bounds of the first `count` fields.
    @inline(__always)
    func withBuffers<R>(count: Int, _ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>) throws -> R)
        rethrows -> R
    {
        try body(UnsafeBufferPointer(start: storage.starts, count: count),
                 UnsafeBufferPointer(start: storage.ends, count: count))
    }
}

/// Finds the next delimiter, quote, CR or LF eight bytes a step (SWAR: a zero-byte test on the word XORed
/// with each byte repeated).
struct SpecialByteFinder {
    let delimiter: UInt8
    /// The quote, or the delimiter again when the dialect has none.
    let quote: UInt8
    private let delimiters: UInt64, quotes: UInt64
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    private static let crs = 0x0D * ones, lfs = 0x0A * ones

    init(dialect: CSVDialect) {
        delimiter = dialect.delimiter
        quote = dialect.quote ?? dialect.delimiter
        delimiters = UInt64(delimiter) &* SpecialByteFinder.ones
        quotes = UInt64(quote) &* SpecialByteFinder.ones
    }

    /// 0x80 in each byte of `word` that is zero, 0 in the others (exact: no carry between bytes).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & low7) &+ low7) | word | low7)
    }

    /// 0x80 in each byte of `word` (little-endian) that is special, 0 in the others.
    @inline(__always)
    func specials(_ word: UInt64) -> UInt64 {
        SpecialByteFinder.zeroBytes(word ^ delimiters) | SpecialByteFinder.zeroBytes(word ^ quotes)
            | SpecialByteFinder.zeroBytes(word ^ SpecialByteFinder.crs) | SpecialByteFinder.zeroBytes(word ^ SpecialByteFinder.lfs)
    }

    /// True for the delimiter, the quote, CR and LF.
    @inline(__always)
    func isSpecial(_ byte: UInt8) -> Bool { byte == delimiter || byte == quote || byte == 0x0D || byte == 0x0A }

    /// The index of the first special byte at or after `start`, or `count` when there is none.
    @inline(__always)
    func next(_ base: UnsafePointer<UInt8>, _ start: Int, _ count: Int) -> Int {
        var index = start
        let raw = UnsafeRawPointer(base)
        while index + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let hits = specials(word)
            if hits != 0 { return index + hits.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < count {
            let byte = base[index]
            if byte == delimiter || byte == quote || byte == 0x0D || byte == 0x0A { return index }
            index += 1
        }
        return count
    }
}

/// The special bytes (`SpecialByteFinder`'s) of a chunk from some index on, in order, eight bytes a load:
/// the bytes of a word are tested once, however many fields end in it.
struct SpecialByteCursor {
    let finder: SpecialByteFinder
    private let base: UnsafePointer<UInt8>
    private let count: Int
    /// The index of the word `mask` describes.
    private var word: Int
    /// 0x80 at each special byte of the word not yet returned.
    private var mask: UInt64

    init(_ base: UnsafePointer<UInt8>, count: Int, from start: Int, finder: SpecialByteFinder) {
        (self.base, self.count, self.finder, word) = (base, count, finder, start)
        mask = 0
        mask = load(start)
    }

    /// The index of the next special byte, or `count` when there is none.
    @inline(__always)
    mutating func next() -> Int {
        while mask == 0 {
            word += 8
            guard word < count else { return count }
            mask = load(word)
        }
        let bit = mask.trailingZeroBitCount
        mask &= mask &- 1
        return word + bit >> 3
    }

    /// The special-byte mask of the eight bytes at `index` (fewer at the end of the chunk).
    @inline(__always)
    private func load(_ index: Int) -> UInt64 {
        if index + 8 <= count {
            let value = UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index,
                                                                                   as: UInt64.self))
            return finder.specials(value)
        }
        var result: UInt64 = 0
        for offset in 0..<max(0, count - index) where finder.isSpecial(base[index + offset]) {
            result |= 0x80 << UInt64(8 * offset)
        }
        return result
    }
}
