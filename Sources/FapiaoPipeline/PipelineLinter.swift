import Yams

/// Checks a pipeline file's node tree against `PipelineSchema`, collecting every problem with its place.
struct PipelineLinter {
    let path: String
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String) { self.path = path }

    /// Reports a problem at a node.
    mutating func report(_ node: Node?, _ message: String) {
        let mark = node?.mark
        diagnostics.append(Diagnostic(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// Lints a value against a shape; `context` names it in messages (e.g. `sources[2].csv`).
    mutating func lint(_ node: Node, as shape: ValueShape, context: String) {
        switch shape {
        case .scalar(let kind): lintScalar(node, kind, context: context)
        case .object(let keys): lintObject(node, keys, context: context)
        case .mapOf(let keyKind, let value): lintMap(node, keyKind, value, context: context)
        case .listOf(let element): lintList(node, element, context: context)
        case .columnRef: lintColumnRef(node, context: context)
        }
    }

    private mutating func lintObject(_ node: Node, _ keys: [KeySpec], context: String) {
        guard let mapping = node.mapping else {
            return report(node, "'\(context)' must be a mapping of keys (\(keys.map(\.name).joined(separator: ", ")))")
        }
        let names = keys.map(\.name)
        for (keyNode, value) in mapping {
            guard let key = keyNode.string, let spec = keys.first(where: { $0.name == key }) else {
                let word = keyNode.string ?? "?"
                report(keyNode, "unknown key '\(word)' in \(context)\(Suggestion.phrase(for: word, in: names))")
                continue
            }
            lint(value, as: spec.shape, context: context == "pipeline" ? key : "\(context).\(key)")
        }
        for spec in keys where spec.required && mapping[spec.name] == nil {
            report(node, "missing required key '\(spec.name)' in \(context)")
        }
    }

    private mutating func lintMap(_ node: Node, _ keyKind: ScalarKind, _ value: ValueShape, context: String) {
        guard let mapping = node.mapping else { return report(node, "'\(context)' must be a mapping") }
        for (keyNode, child) in mapping {
            lintScalar(keyNode, keyKind, context: "a key of \(context)", isKey: true)
            lint(child, as: value, context: "\(context).\(keyNode.string ?? "?")")
        }
    }

    private mutating func lintList(_ node: Node, _ element: ValueShape, context: String) {
        guard let sequence = node.sequence else { return report(node, "'\(context)' must be a list") }
        for (index, child) in sequence.enumerated() { lint(child, as: element, context: "\(context)[\(index + 1)]") }
    }

    private mutating func lintColumnRef(_ node: Node, context: String) {
        if node.scalar != nil { return lintScalar(node, .string, context: context) }
        if let sequence = node.sequence {
            if sequence.isEmpty { report(node, "'\(context)' lists no column names") }
            for child in sequence { lintScalar(child, .string, context: context) }
            return
        }
        lintObject(node, [KeySpec("index", .scalar(.integer(min: 1)), required: true, "")], context: context)
    }

    private mutating func lintScalar(_ node: Node, _ kind: ScalarKind, context: String, isKey: Bool = false) {
        guard let scalar = node.scalar else {
            return report(node, "'\(context)' must be a single value (\(kind.label)), not a \(node.mapping != nil ? "mapping" : "list")")
        }
        let text = scalar.string
        switch kind {
        case .string:
            return
        case .integer(let min):
            guard let value = Int64(text), value >= min else {
                return report(node, "'\(context)' must be an \(kind.label), got '\(text)'")
            }
        case .boolean:
            guard ["true", "false"].contains(text) else {
                return report(node, "'\(context)' must be true or false, got '\(text)'")
            }
        case .oneOf(let words):
            guard words.contains(text) else {
                let what = isKey ? "unknown \(context.replacingPrefix("a key of ", with: "key of "))" : "unknown value for '\(context)'"
                return report(node, "\(what): '\(text)'\(Suggestion.phrase(for: text, in: words)) (expected one of: \(words.joined(separator: ", ")))")
            }
        }
    }
}

extension String {
    func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
