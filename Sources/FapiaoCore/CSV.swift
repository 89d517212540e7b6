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
/// The fields' bytes lie back to back in `bytes`; field `i` spans `ends[i - 1] ..< ends[i]` (from 0 for the first).
public struct CSVRowView {
    /// The fields' bytes, unquoted, back to back.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The end offset in `bytes` of each field.
    public let ends: UnsafeBufferPointer<Int>
    /// The physical line (1-based) where the record starts.
    public let line: Int
    /// Set when the record passed a size limit (its field bytes are then incomplete).
    public let overflow: CSVOverflow?

    /// The number of fields.
    public var count: Int { ends.count }

    /// The bytes of field `index` (0-based).
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

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
    private var ends: [Int] = []
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
            ends.append(bytes.count); fieldStart = bytes.count; state = .fieldStart
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
        ends.append(bytes.count)
        defer { resetRecord() }
        let (line, overflow) = (recordLine, overflow)
        try bytes.withUnsafeBufferPointer { fieldBytes in
            try ends.withUnsafeBufferPointer { fieldEnds in
                try emit(CSVRowView(bytes: fieldBytes, ends: fieldEnds, line: line, overflow: overflow))
            }
        }
    }

    private mutating func resetRecord() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        fieldStart = 0
        sawQuote = false
        overflow = nil
        state = .fieldStart
        recordLine = line
    }
}
