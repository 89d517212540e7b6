import FapiaoCore

/// Reads one CSV file into a `RecordEmitter`: content bytes → text decoding → RFC 4180 records → columns.
///
/// Rows are counted after blank lines: `csv.skip_rows` rows are skipped, the header is the
/// `csv.header_row`-th row after them (none when 0), and every later row is a data record. A record with
/// more or fewer fields than the header, or past a size limit, is rejected; the file goes on.
struct CSVFileReader {
    private let source: SourceSpec
    private let limits: Limits
    private var plan: ColumnPlan?
    private var rowsSeen = 0
    /// Data records read so far.
    private(set) var records = 0
    /// The encoding the file was decoded from (known once reading began).
    private(set) var encoding = TextEncoding.utf8

    /// A reader for one file of `source`.
    init(source: SourceSpec, limits: Limits) {
        self.source = source
        self.limits = limits
    }

    private var headerIndex: Int { source.csv.headerRow > 0 ? source.csv.skipRows + source.csv.headerRow : 0 }

    /// Reads the whole file; throws a `FileFailure` when the file must be dropped.
    ///
    /// Two threads share the work: a background one reads, inflates and decodes the content
    /// (`decodedText`), this one frames records and maps and writes them. Bytes, errors and their order are
    /// the same as reading on one thread.
    mutating func read(_ input: ContentReading, into emitter: inout RecordEmitter) throws {
        let (prefix, prefixError) = CSVFileReader.readPrefix(input, wanted: EncodingDetector.bytesWanted(for: source.encoding))
        let (detected, bomLength) = prefix.withUnsafeBufferPointer { EncodingDetector.detect($0, declared: source.encoding) }
        encoding = detected
        emitter.setEncoding(detected)
        var parser = CSVParser(
            dialect: try CSVFileReader.dialect(source), maxFieldBytes: limits.maxFieldBytes,
            maxRecordBytes: limits.maxRecordBytes)
        let text = CSVFileReader.decodedText(
            input, decoder: try TextDecoder(encoding: detected), prefix: Array(prefix.dropFirst(bomLength)),
            prefixError: prefixError)
        defer { text.stop() }
        func handle(_ row: CSVRowView) throws { try process(row, emitter: &emitter) }
        do {
            while let bytes = try text.next() {
                try parser.feedRows(bytes, emit: handle)
                if plan != nil { text.readAhead() }
            }
            try parser.finishRows(emit: handle)
        } catch let error as FapiaoError {
            throw FileFailure(error, line: parser.currentLine)
        } catch CSVParseError.unclosedQuote(let line) {
            throw FileFailure.unclosedQuote(line: line)
        }
        if headerIndex > 0 && plan == nil { throw FileFailure.noHeader() }
    }

    /// The decoded (UTF-8) text of the content: the prefix already read (its BOM dropped), then the rest of
    /// `input`, read in 256 KiB pieces and decoded on a background thread. An error reading the prefix or
    /// the rest comes after the text decoded before it. Until the columns are resolved (`readAhead`), a piece
    /// is read only once the text before it was parsed, so a file failing at its header reads as far as on
    /// one thread (the manifest's `inflated_bytes`).
    private static func decodedText(
        _ input: ContentReading, decoder: TextDecoder, prefix: [UInt8], prefixError: Error?
    ) -> BackgroundByteStream {
        BackgroundByteStream { stream in
            var decoder = decoder
            try prefix.withUnsafeBufferPointer { try decoder.decode($0, emit: stream.write) }
            if let prefixError { throw prefixError }
            var chunk = [UInt8](repeating: 0, count: 256 * 1024)
            while true {
                try stream.permitRead()
                let count = try chunk.withUnsafeMutableBufferPointer { try input.read(into: $0) }
                if count == 0 { break }
                try chunk.withUnsafeBufferPointer { try decoder.decode(UnsafeBufferPointer(rebasing: $0[0..<count]), emit: stream.write) }
            }
            try decoder.finish(emit: stream.write)
        }
    }

    /// One parsed row: skipped, the header, or a data record.
    private mutating func process(_ row: CSVRowView, emitter: inout RecordEmitter) throws {
        rowsSeen += 1
        if rowsSeen <= source.csv.skipRows || rowsSeen < headerIndex { return }
        if rowsSeen == headerIndex { return try takeHeader(row, emitter: emitter) }
        if plan == nil { plan = try ColumnPlan.resolve(source: source, header: nil, columnCount: row.count) }
        guard let plan else { return }
        records += 1
        func cell(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
            plan.columns[index].flatMap { $0 < row.count ? row[$0] : nil }
        }
        if let overflow = row.overflow { return rejectOversize(overflow, line: row.line, emitter: &emitter) }
        guard row.count == plan.columnCount else {
            let reason = row.count > plan.columnCount ? "too_many_fields" : "too_few_fields"
            let raw = emitter.rawText(cell: cell)
            return emitter.reject(
                line: row.line, reason: reason, raw: raw,
                zh: "第 \(row.line) 行有 \(row.count) 个字段，表头有 \(plan.columnCount) 个，该记录被拒收",
                en: "the record on line \(row.line) has \(row.count) fields, the header has \(plan.columnCount); rejected")
        }
        try emitter.write(line: row.line, cell: cell)
    }

    private mutating func takeHeader(_ row: CSVRowView, emitter: RecordEmitter) throws {
        guard row.overflow == nil else {
            throw FileFailure(
                code: "csv.header", line: row.line, zh: "表头行超过大小上限", en: "the header row passes the size limits",
                action: FileFailure.fixMapping)
        }
        let names = (0..<row.count).map { HeaderName.text(row[$0], inspector: emitter.inspector) }
        plan = try ColumnPlan.resolve(source: source, header: names, columnCount: row.count)
    }

    private func rejectOversize(_ overflow: CSVOverflow, line: Int, emitter: inout RecordEmitter) {
        let (reason, key, limit) = overflow == .field
            ? ("field_too_large", "limits.max_field_bytes", limits.maxFieldBytes)
            : ("record_too_large", "limits.max_record_bytes", limits.maxRecordBytes)
        emitter.reject(
            line: line, reason: reason, raw: "",
            zh: "第 \(line) 行的记录超过 \(key)（\(limit) 字节），该记录被拒收",
            en: "the record on line \(line) passes \(key) (\(limit) bytes); rejected")
    }

    /// Reads up to `wanted` content bytes (fewer at the end of the file) for encoding detection, and the
    /// error that stopped it early, if any (thrown once the bytes before it are parsed).
    private static func readPrefix(_ input: ContentReading, wanted: Int) -> ([UInt8], Error?) {
        var prefix: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(wanted, 256 * 1024))
        do {
            while prefix.count < wanted {
                let count = try chunk.withUnsafeMutableBufferPointer { try input.read(into: $0) }
                if count == 0 { break }
                prefix += chunk[0..<count]
            }
        } catch {
            return (prefix, error)
        }
        return (prefix, nil)
    }

    /// The source's delimiter and quote, each one ASCII character (an empty quote: no quoting).
    static func dialect(_ source: SourceSpec) throws -> CSVDialect {
        let delimiter = Array(source.csv.delimiter.utf8), quote = Array(source.csv.quote.utf8)
        guard delimiter.count == 1, delimiter[0] < 0x80, quote.count <= 1, quote.first.map({ $0 < 0x80 }) ?? true,
              quote.first != delimiter[0], ![0x0A, 0x0D].contains(delimiter[0]) else {
            throw FileFailure(
                code: "csv.dialect", zh: "csv.delimiter 与 csv.quote 须为单个 ASCII 字符",
                en: "csv.delimiter and csv.quote must each be one ASCII character (got \"\(source.csv.delimiter)\", "
                    + "\"\(source.csv.quote)\")", action: FileFailure.fixMapping)
        }
        return CSVDialect(delimiter: delimiter[0], quote: quote.first)
    }
}
