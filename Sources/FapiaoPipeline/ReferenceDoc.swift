import Foundation
/// Generates `docs/pipeline-reference.md` from `PipelineSchema`, so the reference cannot drift from the linter.
public enum ReferenceDoc {
    /// The whole reference page as Markdown.
    public static func markdown() -> String {
        var out = """
        # Pipeline file reference

        Generated from `PipelineSchema` (the table the loader lints against) by `fapiao check --reference`;
        a test fails when this page and the table disagree. Unknown keys are errors (with a suggestion), every
        error names `file:line:column`, and all errors are reported at once.

        A source's format keys may also come from a named entry of `dialects:` (the source's own keys win,
        key by key inside `csv`, `xml`, `xlsx`, `columns`, `constants` and `status_map`). A source with a
        `branches:` list stands for one source per listed value, with `{branch}` substituted in name and path.


        """
        out += section("Top level", PipelineSchema.topLevel, prefix: "")
        return out
    }

    private static func section(_ title: String, _ keys: [KeySpec], prefix: String) -> String {
        var out = "## \(title)\n\n| key | type | default | required | meaning |\n|---|---|---|---|---|\n"
        var nested: [(String, [KeySpec])] = []
        for key in keys {
            let name = prefix + key.name
            out += "| `\(name)` | \(escape(key.shape.label)) | \(key.defaultValue.isEmpty ? "" : "`\(key.defaultValue)`") "
            out += "| \(key.required ? "yes" : "") | \(escape(key.doc)) |\n"
            switch key.shape {
            case .object(let children): nested.append((name, children))
            case .listOf(.object(let children)): nested.append(("\(name)[]", children))
            case .mapOf(_, .object(let children)): nested.append(("\(name).<name>", children))
            default: break
            }
        }
        out += "\n"
        for (name, children) in nested { out += section("`\(name)`", children, prefix: "\(name).") }
        return out
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
