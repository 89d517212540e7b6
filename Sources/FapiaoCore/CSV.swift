/// The delimiter and quote character of a CSV dialect.
public struct CSVDialect: Hashable, Sendable {
    public var delimiter: UInt8
    /// Nil when the format has no quoting.
    public var quote: UInt8?

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8? = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.quote = quote
    }

    /// RFC 4180: comma and double quote.
    public static let rfc4180 = CSVDialect()
}

/// One CSV record as raw bytes, with the physical line (1-based) where it starts.
public struct CSVRecord: Hashable, Sendable {
    public var fields: [[UInt8]]
    public var line: Int

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

/// An incremental RFC 4180 parser: feed it chunks of any size, it emits records as they complete.
///
/// Quoted fields may hold delimiters, doubled quotes and line breaks; records end at LF, CRLF or a lone CR.
/// Completely empty lines are skipped. A quote inside an unquoted field, or text after a closing quote,
/// is kept literally. Output does not depend on how the input is split into chunks.
public struct CSVParser: Sendable {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    public let dialect: CSVDialect
    public let maxFieldBytes: Int
    public let maxRecordBytes: Int
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [[UInt8]] = []
    private var recordBytes = 0
    private var line = 1
    private var recordLine = 1
    private var afterCR = false

    public init(dialect: CSVDialect = .rfc4180, maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 4 << 20) {
        self.dialect = dialect
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
    }

    /// The physical line the parser is on (1-based).
    public var currentLine: Int { line }

    /// Parses a chunk, calling `emit` for each record that completes inside it.
    public mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, emit: (CSVRecord) throws -> Void) throws {
        for byte in chunk { try consume(byte, emit: emit) }
    }

    /// Parses a chunk given as an array.
    public mutating func feed(_ chunk: [UInt8], emit: (CSVRecord) throws -> Void) throws {
        try chunk.withUnsafeBufferPointer { try feed($0, emit: emit) }
    }

    /// Ends the input: emits a last record without a line break; an open quote is an error.
    public mutating func finish(emit: (CSVRecord) throws -> Void) throws {
        if state == .quoted { throw CSVParseError.unclosedQuote(line: recordLine) }
        if state != .fieldStart || !fields.isEmpty { try endRecord(emit: emit) }
    }

    private mutating func consume(_ byte: UInt8, emit: (CSVRecord) throws -> Void) throws {
        let isLF = byte == 0x0A, isCR = byte == 0x0D
        defer { afterCR = isCR }
        if isLF && afterCR && state != .quoted { return }  // second half of CRLF, already ended the record
        switch state {
        case .quoted:
            if byte == dialect.quote { state = .quoteInQuoted; return }
            if isLF && !afterCR || isCR { line += 1 }
            try append(byte)
        case .quoteInQuoted:
            if byte == dialect.quote { state = .quoted; try append(byte); return }
            state = .unquoted
            try structural(byte, isLF: isLF, isCR: isCR, emit: emit)
        case .fieldStart:
            if let quote = dialect.quote, byte == quote { state = .quoted; recordBytes += 1; return }
            try structural(byte, isLF: isLF, isCR: isCR, emit: emit)
        case .unquoted:
            try structural(byte, isLF: isLF, isCR: isCR, emit: emit)
        }
    }

    private mutating func structural(_ byte: UInt8, isLF: Bool, isCR: Bool, emit: (CSVRecord) throws -> Void) throws {
        if byte == dialect.delimiter {
            fields.append(field)
            field.removeAll(keepingCapacity: true)
            state = .fieldStart
            recordBytes += 1
        } else if isLF || isCR {
            line += 1
            if state == .fieldStart && fields.isEmpty && field.isEmpty {
                recordLine = line  // empty line: skipped
            } else {
                try endRecord(emit: emit)
            }
        } else {
            state = .unquoted
            try append(byte)
        }
    }

    private mutating func append(_ byte: UInt8) throws {
        field.append(byte)
        recordBytes += 1
        if field.count > maxFieldBytes { throw CSVParseError.fieldTooLarge(line: recordLine, limit: maxFieldBytes) }
        if recordBytes > maxRecordBytes {
            throw CSVParseError.recordTooLarge(line: recordLine, limit: maxRecordBytes)
        }
    }

    private mutating func endRecord(emit: (CSVRecord) throws -> Void) throws {
        fields.append(field)
        let record = CSVRecord(fields: fields, line: recordLine)
        fields.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
        recordBytes = 0
        recordLine = line
        try emit(record)
    }
}

/// Writes RFC 4180 rows (LF line ends): a field is quoted when it holds the delimiter, a quote, CR or LF.
public enum CSVFormatter {
    /// Appends one row and its line break to `output`.
    public static func append(_ row: [String], to output: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        for (index, value) in row.enumerated() {
            if index > 0 { output.append(delimiter) }
            appendField(value, to: &output, delimiter: delimiter)
        }
        output.append(0x0A)
    }

    /// Appends one field, quoted when needed.
    public static func appendField(_ value: String, to output: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        let needsQuotes = value.utf8.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { output.append(contentsOf: value.utf8); return }
        output.append(0x22)
        for byte in value.utf8 {
            if byte == 0x22 { output.append(0x22) }
            output.append(byte)
        }
        output.append(0x22)
    }
}
