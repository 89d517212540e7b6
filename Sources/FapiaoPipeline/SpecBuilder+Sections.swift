import FapiaoCore
import Yams

extension SpecBuilder {
    func int(_ node: Node?) -> Int? { node?.string.flatMap { Int($0) } }
    func int64(_ node: Node?) -> Int64? { node?.string.flatMap { Int64($0) } }

    func limits(_ node: Node?) -> Limits {
        let base = Limits()
        return Limits(
            maxInflatedBytes: int64(node?["max_inflated_bytes"]) ?? base.maxInflatedBytes,
            maxFieldBytes: int(node?["max_field_bytes"]) ?? base.maxFieldBytes,
            maxRecordBytes: int(node?["max_record_bytes"]) ?? base.maxRecordBytes,
            maxXMLDepth: int(node?["max_xml_depth"]) ?? base.maxXMLDepth)
    }

    func loadOptions(_ node: Node?) -> LoadOptions {
        let columns = (node?["repair_columns"]?.mapping).map { mapping in
            mapping.compactMap { key, value -> (header: String, field: String)? in
                guard let header = key.string, let field = value.string else { return nil }
                return (header, field)
            }
        } ?? []
        return LoadOptions(historyNights: int(node?["history_nights"]) ?? 30, repairColumns: columns)
    }

    func alerts(_ node: Node?) -> AlertOptions {
        var options = AlertOptions(command: node?["command"]?.string ?? "")
        for (key, value) in node?["fail_on"]?["types"]?.mapping ?? Node.Mapping([]) {
            if let type = key.string.flatMap(DiscrepancyType.init(rawValue:)), let count = int(value) {
                options.failOnTypes[type] = count
            }
        }
        for (key, value) in node?["fail_on"]?["severity"]?.mapping ?? Node.Mapping([]) {
            if let severity = key.string.flatMap(Severity.init(rawValue:)), let count = int(value) {
                options.failOnSeverity[severity] = count
            }
        }
        return options
    }
}

/// A source's settings: its own keys over its dialect's (for csv/xml/xlsx and the maps, key by key).
struct SourceSettings {
    let own: Node
    let dialect: Node?

    /// A top-level scalar.
    func scalar(_ key: String) -> String? { (own[key] ?? dialect?[key])?.scalar?.string }

    /// A node inside an options section, e.g. `csv.delimiter`.
    func node(_ section: String, _ key: String) -> Node? { own[section]?[key] ?? dialect?[section]?[key] }

    /// A scalar inside an options section.
    func value(_ section: String, _ key: String) -> String? { node(section, key)?.scalar?.string }

    /// A list of scalars.
    func list(_ key: String) -> [String] {
        ((own[key] ?? dialect?[key])?.sequence ?? Node.Sequence([])).compactMap(\.string)
    }

    private func merged(_ key: String) -> [(String, Node)] {
        var result: [(String, Node)] = []
        for mapping in [dialect?[key]?.mapping, own[key]?.mapping].compactMap({ $0 }) {
            for (k, v) in mapping {
                guard let name = k.string else { continue }
                result.removeAll { $0.0 == name }
                result.append((name, v))
            }
        }
        return result
    }

    func columns() -> [CanonicalField: ColumnRef] {
        var result: [CanonicalField: ColumnRef] = [:]
        for (name, node) in merged("columns") {
            guard let field = CanonicalField(rawValue: name) else { continue }
            if let text = node.scalar?.string { result[field] = .names([text]) }
            else if let list = node.sequence { result[field] = .names(list.compactMap(\.string)) }
            else if let index = node["index"]?.string.flatMap({ Int($0) }) { result[field] = .index(index) }
        }
        return result
    }

    func constants() -> [CanonicalField: String] {
        var result: [CanonicalField: String] = [:]
        for (name, node) in merged("constants") {
            if let field = CanonicalField(rawValue: name), let text = node.string { result[field] = text }
        }
        return result
    }

    func statusMap() -> [String: InvoiceStatus] {
        var result: [String: InvoiceStatus] = [:]
        for (name, node) in merged("status_map") {
            if let status = node.string.flatMap(InvoiceStatus.init(rawValue:)) { result[name] = status }
        }
        return result
    }
}
