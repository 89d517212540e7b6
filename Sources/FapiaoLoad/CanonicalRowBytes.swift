import FapiaoCore

/// The typed values of one canonical record-file row, read from its bytes: what `Invoice(canonicalRow:)` reads,
/// without building the invoice. Nil for the rows that initializer rejects (wrong width, a bad line number,
/// unparseable money, an unknown status).
struct CanonicalRowValues {
    var amount: Int64?
    var tax: Int64?
    var total: Int64?
    var status: InvoiceStatus
    var line: Int

    /// Column positions of the canonical header.
    enum Column {
        static let key = 0, code = 1, number = 2, digital = 3, type = 4, issueDate = 5
        static let sellerTaxID = 6, buyerTaxID = 8, buyerName = 9
        static let amount = 10, tax = 11, total = 12, taxRate = 13, status = 14, isRed = 15
        static let original = 16, branch = 18, source = 19, file = 20, line = 21
        static let count = 22
    }

    /// Reads and checks a row.
    init?(_ row: RecordRow) {
        guard row.count == Column.count, let line = ByteParse.int(row[Column.line]),
              let amount = CanonicalRowValues.money(row[Column.amount]),
              let tax = CanonicalRowValues.money(row[Column.tax]),
              let total = CanonicalRowValues.money(row[Column.total]),
              let status = CanonicalBytes.status(row[Column.status]) else { return nil }
        self.amount = amount; self.tax = tax; self.total = total; self.status = status; self.line = line
    }

    /// Empty → `.some(nil)`; a canonical amount → its fen; anything else → nil.
    private static func money(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64?? {
        if bytes.isEmpty { return .some(nil) }
        return ByteParse.fen(bytes).map { .some($0) }
    }

    /// Whether the row is a red-letter invoice naming its original (it then goes into a `RedLedger`).
    static func isRedWithOriginal(_ row: RecordRow) -> Bool {
        !row.isEmpty(Column.original) && row.field(Column.isRed, equals: CanonicalBytes.trueText.buffer)
    }
}

/// Writes a canonical row's bytes exactly as `CSVFormatter.append(Invoice(canonicalRow: row)!.canonicalRow)`
/// would, straight from the row's bytes: the key is derived from the identity columns, typed values are
/// written in their canonical form (an unreadable type, date or rate becomes empty), other text is copied.
enum CanonicalBytes {
    static let trueText = StaticBytes("true")
    private static let falseText = StaticBytes("false")
    private static let types = InvoiceType.allCases.map { StaticBytes($0.rawValue) }
    private static let statuses = InvoiceStatus.allCases.map { ($0, StaticBytes($0.rawValue)) }
    private static let rateWords = [StaticBytes("exempt"), StaticBytes("not_taxable")]

    /// Appends the row (with its line break) and returns the byte length of its key (unquoted). `branch`, when
    /// given, is written instead of the row's branch field (an authority invoice attributed to a branch).
    static func append(_ row: RecordRow, values: CanonicalRowValues, branch: UnsafeBufferPointer<UInt8>? = nil,
                       to output: inout [UInt8]) -> Int {
        typealias C = CanonicalRowValues.Column
        let keyLength = appendKey(row, to: &output)
        for index in C.code...C.digital { comma(&output); CSVFormatter.appendField(bytes: row[index], to: &output) }
        comma(&output)
        if isType(row[C.type]) { output.append(contentsOf: row[C.type]) }
        comma(&output)
        if let date = ByteParse.issueDate(row[C.issueDate]) { appendDate(date, to: &output) }
        for index in C.issueDate + 1..<C.amount { comma(&output); CSVFormatter.appendField(bytes: row[index], to: &output) }
        appendMoney(values.amount, to: &output)
        appendMoney(values.tax, to: &output)
        appendMoney(values.total, to: &output)
        comma(&output)
        appendRate(row[C.taxRate], to: &output)
        comma(&output)
        CSVFormatter.appendField(bytes: row[C.status], to: &output)
        comma(&output)
        output.append(contentsOf: (row.field(C.isRed, equals: trueText.buffer) ? trueText : falseText).buffer)
        for index in C.original..<C.line {
            comma(&output)
            CSVFormatter.appendField(bytes: index == C.branch ? branch ?? row[index] : row[index], to: &output)
        }
        comma(&output)
        appendInt(values.line, to: &output)
        output.append(0x0A)
        return keyLength
    }

    /// Whether the bytes name an `InvoiceType` (compared by length first: most names differ in length).
    private static func isType(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        types.contains { $0.buffer.count == bytes.count && RecordRow.equal(bytes, $0.buffer) }
    }

    private static func appendMoney(_ value: Int64?, to output: inout [UInt8]) {
        comma(&output)
        if let value { appendFen(value, to: &output) }
    }

    /// The status named by the bytes, if any.
    static func status(_ bytes: UnsafeBufferPointer<UInt8>) -> InvoiceStatus? {
        statuses.first { RecordRow.equal(bytes, $0.1.buffer) }?.0
    }

    /// `InvoiceIdentity.keyText`: the digital number, else `code-number`, else the number, else empty.
    private static func appendKey(_ row: RecordRow, to output: inout [UInt8]) -> Int {
        typealias C = CanonicalRowValues.Column
        let code = row[C.code], number = row[C.number], digital = row[C.digital]
        if !digital.isEmpty { CSVFormatter.appendField(bytes: digital, to: &output); return digital.count }
        guard !code.isEmpty, !number.isEmpty else {
            CSVFormatter.appendField(bytes: number, to: &output)
            return number.count
        }
        if !CSVFormatter.needsQuotes(code), !CSVFormatter.needsQuotes(number) {
            output.append(contentsOf: code)
            output.append(UInt8(ascii: "-"))
            output.append(contentsOf: number)
            return code.count + 1 + number.count
        }
        var key = Array(code)
        key.append(UInt8(ascii: "-"))
        key.append(contentsOf: number)
        key.withUnsafeBufferPointer { CSVFormatter.appendField(bytes: $0, to: &output) }
        return key.count
    }

    /// `TaxRate(canonical:)?.canonical ?? ""`.
    private static func appendRate(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        if rateWords.contains(where: { RecordRow.equal(bytes, $0.buffer) }) {
            output.append(contentsOf: bytes)
        } else if let value = ByteParse.int(bytes), (0...100).contains(value) {
            appendInt(value, to: &output)
        }
    }

    /// `Fen.description`: `-1234.50`.
    static func appendFen(_ value: Int64, to output: inout [UInt8]) {
        let magnitude = value.magnitude
        if value < 0 { output.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(magnitude / 100), to: &output)
        output.append(UInt8(ascii: "."))
        output.append(UInt8(48 + magnitude % 100 / 10))
        output.append(UInt8(48 + magnitude % 10))
    }

    /// `String(value)`.
    static func appendInt(_ value: Int, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        appendDigits(UInt64(value.magnitude), to: &output)
    }

    /// `IssueDate.description`: `YYYY-MM-DD` (years are 1900...2199).
    private static func appendDate(_ date: IssueDate, to output: inout [UInt8]) {
        appendDigits(UInt64(date.year), to: &output)
        for part in [date.month, date.day] {
            output.append(UInt8(ascii: "-"))
            output.append(UInt8(48 + part / 10))
            output.append(UInt8(48 + part % 10))
        }
    }

    private static func appendDigits(_ value: UInt64, to output: inout [UInt8]) {
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        repeat {
            output.append(UInt8(48 + value / divisor % 10))
            divisor /= 10
        } while divisor > 0
    }

    @inline(__always)
    private static func comma(_ output: inout [UInt8]) { output.append(UInt8(ascii: ",")) }
}

/// A constant byte string that lives for the whole run (so its buffer pointer stays valid).
struct StaticBytes: @unchecked Sendable {
    /// The bytes.
    let buffer: UnsafeBufferPointer<UInt8>

    /// Copies a string's UTF-8 bytes into storage that is never freed.
    init(_ text: String) {
        let bytes = Array(text.utf8)
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = storage.initialize(from: bytes)
        buffer = UnsafeBufferPointer(rebasing: storage[0..<bytes.count])
    }
}
