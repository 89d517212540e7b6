import Foundation
import FapiaoCore

/// One rejected branch record, as `rejects.csv` describes it.
struct RejectedRecord: Equatable, Sendable {
    var source: String
    var file: String
    var line: Int
    var reason: String
    var field: String
}

/// Rejected branch records found by the identity in their raw fields, so a `missing_in_branches` row can say
/// "rejected at the branch: <reason>" when the authority invoice's key appears in a rejected branch row.
///
/// `raw` holds the record's fields as found (`invoice_code=011002300111 | invoice_number=461160 | …`): identity
/// values are normalized the way transform does (full-width digits folded, `--` empty, a 20-digit number in the
/// number column taken as the digital number, numbers padded to 8 digits, codes of 9 or 11 digits to 10 or 12).
struct RejectIndex: Sendable {
    private var byKey: [PackedKey: RejectedRecord] = [:]

    /// The `rejects.csv` columns.
    static let header = ["_source", "_file", "_line", "reason", "field", "raw"]

    /// Adds a `rejects.csv` row when its source is one of `branchSources`; the first row for a key wins.
    mutating func add(row: [String], branchSources: Set<String>) {
        guard row.count == RejectIndex.header.count, branchSources.contains(row[0]) else { return }
        let record = RejectedRecord(source: row[0], file: row[1], line: Int(row[2]) ?? 0, reason: row[3], field: row[4])
        for key in RejectIndex.identity(fromRaw: row[5]).packedKeys where byKey[key] == nil { byKey[key] = record }
    }

    /// The rejected branch record carrying either identity of `identity`, if any.
    func record(matching identity: InvoiceIdentity) -> RejectedRecord? {
        identity.packedKeys.lazy.compactMap { byKey[$0] }.first
    }

    /// The identity written in a raw field list.
    static func identity(fromRaw raw: String) -> InvoiceIdentity {
        var raw = raw
        let values = raw.withUTF8 { identityValues($0) }
        var code = digits(values[0] ?? "")
        var number = digits(values[1] ?? "")
        var digital = digits(values[2] ?? "")
        if number.count == 20 && digital.isEmpty { digital = number; number = "" }
        if (1...7).contains(number.count) { number = String(repeating: "0", count: 8 - number.count) + number }
        if code.count == 9 || code.count == 11 { code = "0" + code }
        return InvoiceIdentity(code: code, number: number, digitalNumber: digital.count == 20 ? digital : "")
    }

    /// The names `identityValues` reads, in the order it returns their values.
    private static let identityNames = ["invoice_code", "invoice_number", "digital_number"].map { Array($0.utf8) }

    /// The values of `identityNames` in a raw field list, nil when absent: the list's pairs are separated by
    /// " | ", a pair's name (trimmed of spaces) is what precedes its first "=", its value all that follows; the
    /// first pair of a name counts. Read as bytes: this runs once per rejected record, before load's branch pass.
    private static func identityValues(_ bytes: UnsafeBufferPointer<UInt8>) -> [String?] {
        var values: [String?] = [nil, nil, nil]
        var pairStart = 0
        while pairStart <= bytes.count {
            let pairEnd = separator(in: bytes, from: pairStart) ?? bytes.count
            if let equals = bytes[pairStart..<pairEnd].firstIndex(of: UInt8(ascii: "=")) {
                var nameStart = pairStart, nameEnd = equals
                while nameStart < nameEnd, bytes[nameStart] == 0x20 { nameStart += 1 }
                while nameEnd > nameStart, bytes[nameEnd - 1] == 0x20 { nameEnd -= 1 }
                let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
                if let slot = identityNames.firstIndex(where: { $0.elementsEqual(name) }), values[slot] == nil {
                    values[slot] = String(decoding: UnsafeBufferPointer(rebasing: bytes[(equals + 1)..<pairEnd]), as: UTF8.self)
                }
            }
            pairStart = pairEnd + 3
        }
        return values
    }

    /// Where the next " | " starts at or after `start`, if anywhere.
    private static func separator(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + 3 <= bytes.count {
            if bytes[index] == 0x20, bytes[index + 1] == UInt8(ascii: "|"), bytes[index + 2] == 0x20 { return index }
            index += 1
        }
        return nil
    }

    /// The value's ASCII digits (full-width digits folded) when it is only digits and spaces; else empty.
    static func digits(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: out.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19: out.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30) ?? "0")
            case 0x20, 0x09, 0x3000: continue
            default: return ""
            }
        }
        return out
    }
}

extension InvoiceIdentity {
    /// Both packed identities this identity has (20-digit number, code + number).
    var packedKeys: [PackedKey] { [packedDigital, packedLegacy].compactMap { $0 } }
}
