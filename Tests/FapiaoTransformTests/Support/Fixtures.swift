import FapiaoCore
@testable import FapiaoTransform

/// Builders for raw records and sources used across the transform tests.
enum Fixtures {
    /// A branch source mapping every mappable field.
    static func source(name: String = "chaoyang", role: SourceRole = .branch, dateFormats: [String] = [],
                       statusMap: [String: InvoiceStatus] = [:],
                       required: [CanonicalField] = SourceSpec.defaultRequiredFields) -> SourceSpec {
        var columns: [CanonicalField: ColumnRef] = [:]
        for field in CanonicalField.mappable { columns[field] = .names([field.rawValue]) }
        return SourceSpec(name: name, role: role, path: "x", columns: columns, dateFormats: dateFormats,
                          statusMap: statusMap, requiredFields: required)
    }

    /// A valid record's raw values, overridden by `values`.
    static func values(_ values: [CanonicalField: String] = [:]) -> [CanonicalField: String] {
        var base: [CanonicalField: String] = [
            .invoiceCode: "011002300111", .invoiceNumber: "00461160", .issueDate: "2025-04-17",
            .amount: "1000.00", .tax: "130.00", .total: "1130.00", .taxRate: "13%",
        ]
        base.merge(values) { _, new in new }
        return base
    }

    /// A raw record with every mappable field (missing ones empty).
    static func raw(_ values: [CanonicalField: String], source: String = "chaoyang", file: String = "a.csv",
                    line: Int = 2) throws -> RawRecord {
        let fields = CanonicalField.mappable
        let layout = try RecordLayout(header: ProvenanceColumn.names + fields.map(\.rawValue), path: "t.csv")
        let row = [source, file, String(line)] + fields.map { values[$0] ?? "" }
        return try RawRecord(row: row, rowLine: line, layout: layout, path: "t.csv")
    }

    /// Normalizes `values` (over a valid base record) with a source's rules.
    static func normalize(_ values: [CanonicalField: String], source: SourceSpec = Fixtures.source()) throws
        -> RecordOutcome
    {
        try RecordNormalizer(source: source).normalize(raw(Fixtures.values(values)))
    }
}

extension RecordOutcome {
    /// The kept record, or nil.
    var kept: NormalizedRecord? {
        if case .kept(let record) = self { return record }
        return nil
    }

    /// The rejection, or nil.
    var rejection: Rejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }

    /// `invalid_record (reason)` or `—`.
    var findingText: String { rejection.map { "invalid_record (\($0.reason.rawValue))" } ?? "—" }
}
