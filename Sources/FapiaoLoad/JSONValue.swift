/// A JSON document written byte-for-byte the same on every platform: object keys sorted by their UTF-8 bytes,
/// two-space indentation, `"key": value`, non-ASCII text written as UTF-8, a final line break.
///
/// Foundation's serializers differ between Linux and macOS in spacing and escaping, so summary.json uses this.
enum JSONValue: Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null

    /// An integer value.
    static func int(_ value: Int) -> JSONValue { .int(Int64(value)) }

    /// An object of integers.
    static func counts(_ values: [String: Int]) -> JSONValue { .object(values.mapValues { .int($0) }) }

    /// The document text.
    var text: String {
        var out = ""
        write(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .object(let members): writeObject(members, into: &out, indent: indent)
        case .array(let items): writeArray(items, into: &out, indent: indent)
        case .string(let text): JSONValue.writeString(text, into: &out)
        case .int(let value): out += String(value)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        }
    }

    private func writeObject(_ members: [String: JSONValue], into out: inout String, indent: Int) {
        guard !members.isEmpty else { out += "{}"; return }
        let pad = String(repeating: "  ", count: indent + 1)
        let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        out += "{\n"
        for (index, key) in keys.enumerated() {
            out += pad
            JSONValue.writeString(key, into: &out)
            out += ": "
            members[key]?.write(into: &out, indent: indent + 1)
            out += index == keys.count - 1 ? "\n" : ",\n"
        }
        out += String(repeating: "  ", count: indent) + "}"
    }

    private func writeArray(_ items: [JSONValue], into out: inout String, indent: Int) {
        guard !items.isEmpty else { out += "[]"; return }
        let pad = String(repeating: "  ", count: indent + 1)
        out += "[\n"
        for (index, item) in items.enumerated() {
            out += pad
            item.write(into: &out, indent: indent + 1)
            out += index == items.count - 1 ? "\n" : ",\n"
        }
        out += String(repeating: "  ", count: indent) + "]"
    }

    /// Writes a JSON string literal: `"` and `\` escaped, control characters as `\n`, `\t` or `\u00XX`.
    static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
