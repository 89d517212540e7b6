import Foundation
import FapiaoCore
@testable import FapiaoSamples

/// One record as an independent reader finds it in a file: canonical field name → text (decoded, untouched).
struct OracleRecord {
    var source: String
    var fields: [String: String] = [:]
    /// Fewer fields than the header.
    var ragged = false
    /// Fields whose bytes did not decode (left empty).
    var lostFields: Set<String> = []
}

/// What the reader found: records in file order, and the file-level and decoding findings.
struct OracleInput {
    var records: [OracleRecord] = []
    var findings = OracleFindings()
}

/// Discrepancy counts per source and type name.
struct OracleFindings {
    var counts: [String: [String: Int]] = [:]
    mutating func add(_ type: DiscrepancyType, _ source: String, _ count: Int = 1) {
        counts[source, default: [:]][type.rawValue, default: 0] += count
    }
}

/// Reads a sample chain's files with its own small parsers (not the generator's writers).
enum OracleReader {
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    static func read(chain: String, plan: ChainPlan) throws -> OracleInput {
        var input = OracleInput()
        for branch in plan.pipelineOrder {
            let folder = chain + "/exports/\(branch.name)/20250417"
            let names = SampleFiles.tree(folder)
            if names.isEmpty { input.findings.add(.missingSource, branch.name) }
            for name in names {
                guard let bytes = try? name.hasSuffix(".gz") ? SampleFiles.inflate(folder + "/" + name)
                                                              : SampleFiles.bytes(folder + "/" + name),
                      !name.hasSuffix(".xml.gz") || SampleFiles.isWellFormedXML(bytes) else {
                    input.findings.add(.fileError, branch.name)
                    continue
                }
                let columns = Dictionary(uniqueKeysWithValues: branch.dialect.columns.map { ($0.header, $0.slot.field.rawValue) })
                if name.hasSuffix(".xml.gz") {
                    input.records += xmlRecords(bytes, source: branch.name, columns: columns)
                } else {
                    input.records += try csvRecords(bytes, source: branch.name, delimiter: branch.dialect.delimiter,
                                                    gb: branch.dialect.isGB18030, columns: columns, findings: &input.findings)
                }
            }
        }
        let authority = try SampleFiles.inflate(chain + "/authority/20250417/tax-export.csv.gz")
        input.records += try csvRecords(authority, source: ChainPlan.authoritySource, delimiter: ",", gb: false,
                                        columns: authorityColumns, findings: &input.findings)
        return input
    }

    static let authorityColumns: [String: String] = [
        "发票代码": "invoice_code", "发票号码": "invoice_number", "数电发票号码": "digital_number", "开票日期": "issue_date",
        "销方识别号": "seller_tax_id", "购方识别号": "buyer_tax_id", "购买方名称": "buyer_name", "金额": "amount",
        "税额": "tax", "价税合计": "total", "发票状态": "status", "备注": "remark",
    ]

    private static func csvRecords(_ bytes: [UInt8], source: String, delimiter: String, gb: Bool,
                                   columns: [String: String], findings: inout OracleFindings) throws -> [OracleRecord] {
        let rows = try SampleFiles.records(bytes, delimiter: Character(delimiter))
        guard let head = rows.first else { return [] }
        let header = head.fields.map { decode($0, gb: gb) ?? "" }.map { $0.hasPrefix("\u{FEFF}") ? String($0.dropFirst()) : $0 }
        return rows.dropFirst().map { row in
            var record = OracleRecord(source: source, ragged: row.fields.count < header.count)
            for (index, raw) in row.fields.enumerated() where index < header.count {
                guard let field = columns[header[index]] else { continue }
                guard var text = decode(raw, gb: gb) else {
                    record.lostFields.insert(field)
                    findings.add(.encodingError, source)
                    continue
                }
                if let repaired = repairedMojibake(text) {
                    text = repaired
                    findings.add(.encodingError, source)
                }
                record.fields[field] = text
            }
            return record
        }
    }

    private static func decode(_ bytes: [UInt8], gb: Bool) -> String? {
        gb ? String(data: Data(bytes), encoding: gb18030) : String(bytes: bytes, encoding: .utf8)
    }

    /// GBK read as Latin-1: every character in U+0080–U+00FF and the bytes decode as GB18030.
    private static func repairedMojibake(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        guard !scalars.isEmpty, scalars.allSatisfy({ (0x80...0xFF).contains($0.value) }) else { return nil }
        return String(data: Data(scalars.map { UInt8($0.value) }), encoding: gb18030)
    }

    private static func xmlRecords(_ bytes: [UInt8], source: String, columns: [String: String]) -> [OracleRecord] {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.components(separatedBy: "<FP>").dropFirst().map { chunk in
            var record = OracleRecord(source: source)
            for (path, field) in columns {
                let tag = path.split(separator: "/").last.map(String.init) ?? path
                guard let open = chunk.range(of: "<\(tag)>"), let close = chunk.range(of: "</\(tag)>") else { continue }
                record.fields[field] = String(chunk[open.upperBound..<close.lowerBound])
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                    .replacingOccurrences(of: "&amp;", with: "&")
            }
            return record
        }
    }
}
