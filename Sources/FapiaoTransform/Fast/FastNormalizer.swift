import FapiaoCore
import FapiaoIO

/// `RecordNormalizer` and `SuspiciousChecks` on the bytes of an extract row, without `String`s, for the
/// records that are simply kept: a valid key, every field in a form the byte functions read.
///
/// `normalize` returns false for anything else (a reject, a value that needs Foundation, an unusual layout);
/// the caller then takes the `String` path for that record, so what the fast path writes is always what the
/// `String` path would have written (a property test compares the two).
struct FastNormalizer {
    private let columns: [Int]           // extract column of each canonical field (by order), or -1
    private let required: [Int]          // columns of the required fields the record must have, -1 unmapped
    private let width: Int
    private let branch: String
    private let dates: DateNormalizer
    let taxToleranceFen: Int64
    private var types: FieldMemo<Bool>
    private var statuses: FieldMemo<Bool>
    private var redFlags: ByteMemo<Bool?>
    private var rates: ByteMemo<(rate: TaxRate?, text: [UInt8])>
    /// Taxpayer IDs (few distinct per source: one seller, a pool of buyers), normalized once.
    private var taxpayerIDs: FieldMemo<NormalizedTaxpayerID.Flags>
    /// Whether both taxpayer IDs of the record last normalized are empty or of a recognized form.
    private(set) var taxpayerIDsRecognized = true
    private var identity = IdentityBytes()
    private var scratch: [UInt8] = []
    /// The record last normalized.
    private(set) var record = FastRecord()
    /// Where `normalize(_:appendingTo:)` put the record last normalized: the index of its first end.
    private var storedFirst = 0

    /// A normalizer for the rows of `layout` from `source`.
    init(source: SourceSpec, layout: RecordLayout, taxToleranceFen: Int64) throws {
        columns = layout.columns.map { $0 ?? -1 }
        required = source.requiredFields.filter { $0 != .invoiceKey && $0 != .branch }
            .map { layout.columns[$0.order] ?? -1 }
        width = layout.fields.count + 3
        branch = source.role == .branch ? source.name : ""
        dates = try DateNormalizer(dateFormats: source.dateFormats)
        self.taxToleranceFen = taxToleranceFen
        let statusMap = VocabularyNormalizer.matchingStatusMap(source.statusMap)
        types = FieldMemo { raw in
            (Array((VocabularyNormalizer.type(String(decoding: raw, as: UTF8.self)).value?.rawValue ?? "").utf8), true)
        }
        statuses = FieldMemo { raw in
            let status = VocabularyNormalizer.status(String(decoding: raw, as: UTF8.self), statusMap: statusMap)
            return (Array((status.value ?? .normal).rawValue.utf8), true)
        }
        redFlags = ByteMemo { VocabularyNormalizer.isRed($0).value }
        taxpayerIDs = FieldMemo(limit: 1 << 14) { raw in
            let id = NormalizedTaxpayerID(raw)
            return (id.bytes, NormalizedTaxpayerID.Flags(isFast: id.isFast, isRecognized: id.isRecognized))
        }
        rates = ByteMemo {
            guard case .value(.single(let rate)) = TaxRateNormalizer.parse($0) else { return (nil, []) }
            return (rate, Array(rate.canonical.utf8))
        }
        scratch.reserveCapacity(256)
    }

    /// A normalizer for an extract file with `header`, nil when the header is not an extract header or the
    /// source's date formats do not compile (the `String` path then reports it).
    init?(source: SourceSpec, header: [String], spec: PipelineSpec) {
        guard let layout = try? RecordLayout(header: header, path: ""),
              let fast = try? FastNormalizer(source: source, layout: layout,
                                             taxToleranceFen: spec.transform.taxToleranceFen) else { return nil }
        self = fast
    }

    /// Normalizes `row` into `record`, alone; false when the record must take the `String` path.
    mutating func normalize(_ row: FieldsView) -> Bool {
        normalizeAppending(row)
    }

    /// Normalizes `row`, appending its canonical fields to `store` (and describing them in `record`); false,
    /// with `store` unchanged, when the record must take the `String` path.
    mutating func normalize(_ row: FieldsView, appendingTo store: inout FieldStore) -> Bool {
        guard normalizeAppending(row) else { return false }
        storedFirst = record.copy(into: &store)
        return true
    }

    /// `normalize(_:appendingTo:)`, then `describe(_:)` into `entry` when the record was kept (one mutating
    /// call: a batch loop calling the non-mutating `describe` on its captured normalizer copied it per row).
    mutating func normalize(_ row: FieldsView, appendingTo store: inout FieldStore,
                            describing entry: inout RowBatch.Row) -> Bool {
        guard normalize(row, appendingTo: &store) else { return false }
        describe(&entry)
        return true
    }

    /// Copies what a batch row needs to know of `record`.
    func describe(_ entry: inout RowBatch.Row) {
        entry.canonicalFirst = storedFirst
        entry.key = record.key
        entry.digest = record.digest
        entry.line = record.line
        entry.suspicious = record.suspicious
        entry.plain = record.isPlain
    }

    private mutating func normalizeAppending(_ row: FieldsView) -> Bool {
        record.begin()
        guard normalizeFields(row) else { record.rollback(); return false }
        record.computeDigestAndPlain()
        return true
    }

    private mutating func normalizeFields(_ row: FieldsView) -> Bool {
        guard row.count == width, let line = FastNormalizer.canonicalLine(row[2]) else { return false }
        record.line = line
        guard identity.read(code: raw(row, Order.code), number: raw(row, Order.number),
                            digital: raw(row, Order.digital)),
              let key = identity.packedKey else { return false }
        record.key = key
        for column in required {
            guard column >= 0, ByteText.isBlank(row[column], scratch: &scratch) == false else { return false }
        }
        guard let date = ByteFields.date(raw(row, Order.date), dates: dates, scratch: &scratch), date != .invalid,
              let amount = money(row, Order.amount), let tax = money(row, Order.tax),
              let total = money(row, Order.total) else { return false }
        let rate = rates.value(for: raw(row, Order.rate))
        let values = Values(date: date.value, amount: amount.value?.fen, tax: tax.value?.fen, total: total.value?.fen,
                            rate: rate.rate, rateText: rate.text)
        guard appendFields(row, values) else { return false }
        let moreDecimals = amount.value?.hadMoreDecimals == true || tax.value?.hadMoreDecimals == true
            || total.value?.hadMoreDecimals == true
        record.suspicious = moreDecimals || isSuspicious(values)
        return true
    }

    /// A money field, nil when it is invalid or needs the `String` path.
    private mutating func money(_ row: FieldsView, _ order: Int) -> Parsed<ParsedMoney>? {
        guard let parsed = ByteFields.money(raw(row, order), scratch: &scratch), parsed != .invalid else { return nil }
        return parsed
    }

    /// The values the checks and the red flag need.
    struct Values {
        var date: IssueDate?
        var amount: Fen?, tax: Fen?, total: Fen?
        var rate: TaxRate?
        var rateText: [UInt8]
    }

    /// Appends the canonical fields in order; false when one needs the `String` path.
    private mutating func appendFields(_ row: FieldsView, _ values: Values) -> Bool {
        identity.appendKeyAndParts(to: &record)
        _ = types.appendField(for: raw(row, Order.type), to: &record)
        if let date = values.date { ByteFields.append(date, to: &record.bytes) }
        record.endField()
        let seller = taxpayerIDs.appendField(for: raw(row, Order.sellerID), to: &record)
        guard seller.isFast else { return false }
        guard ByteText.clean(raw(row, Order.sellerName), folding: .nfc, into: &record.bytes) else { return false }
        record.endField()
        let buyer = taxpayerIDs.appendField(for: raw(row, Order.buyerID), to: &record)
        guard buyer.isFast else { return false }
        taxpayerIDsRecognized = seller.isRecognized && buyer.isRecognized
        guard ByteText.clean(raw(row, Order.buyerName), folding: .nfc, into: &record.bytes) else { return false }
        record.endField()
        appendMoney(values.amount)
        appendMoney(values.tax)
        appendMoney(values.total)
        record.appendField(values.rateText)
        _ = statuses.appendField(for: raw(row, Order.status), to: &record)
        let sign = values.total ?? values.amount ?? .zero
        let isRed = redFlags.value(for: raw(row, Order.isRed)) ?? (sign < .zero)
        record.appendField(isRed ? "true" : "false" as StaticString)
        guard appendOriginalKeyAndRemark(row) else { return false }
        record.appendField(branch)
        return true
    }

    private mutating func appendMoney(_ fen: Fen?) {
        if let fen { ByteFields.append(fen, to: &record.bytes) }
        record.endField()
    }

    /// `original_invoice_key` (only the common case: unmapped or blank, and no red-letter marker in the
    /// remark, so empty) and `remark`.
    private mutating func appendOriginalKeyAndRemark(_ row: FieldsView) -> Bool {
        guard raw(row, Order.originalKey).isEmpty else { return false }
        scratch.removeAll(keepingCapacity: true)
        guard ByteText.remark(raw(row, Order.remark), into: &scratch),
              !RedLetterMarkers.mayName(scratch) else { return false }
        record.endField()
        scratch.withUnsafeBufferPointer { record.bytes.append(contentsOf: $0) }
        record.endField()
        return true
    }

    /// The raw bytes of the canonical field at `order`; empty when the source does not map it.
    @inline(__always)
    private func raw(_ row: FieldsView, _ order: Int) -> UnsafeBufferPointer<UInt8> {
        let column = columns[order]
        return column < 0 ? UnsafeBufferPointer(start: nil, count: 0) : row[column]
    }

    /// A `_line` written as `String(Int)` writes it: digits, no leading zero; nil otherwise.
    static func canonicalLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18, bytes[0] != 48 || bytes.count == 1 else { return nil }
        var value = 0
        for byte in bytes {
            guard ByteFields.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}

/// A taxpayer ID as the fast path normalizes it (`ByteFields.taxpayerID`), with its form checked once.
struct NormalizedTaxpayerID {
    /// `TaxpayerID.normalize` of the raw bytes (when `isFast`).
    let bytes: [UInt8]
    /// False when the `String` path is needed.
    let isFast: Bool
    /// True when the ID is empty or of a form `TaxpayerID.form(ofBytes:)` recognizes.
    let isRecognized: Bool

    /// What a `FieldMemo` keeps beside the bytes.
    struct Flags {
        var isFast: Bool
        var isRecognized: Bool
    }

    init(_ raw: UnsafeBufferPointer<UInt8>) {
        var bytes: [UInt8] = []
        isFast = ByteFields.taxpayerID(raw, into: &bytes)
        isRecognized = bytes.isEmpty || bytes.withUnsafeBufferPointer { TaxpayerID.form(ofBytes: $0) } != nil
        self.bytes = bytes
    }
}
