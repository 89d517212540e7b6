import Foundation
import FapiaoCore
import Yams

/// A pipeline file that failed to load: every problem found, each with its place.
public struct PipelineFileError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// The file's text, for rendering source lines (empty when unreadable).
    public var source: String

    /// All diagnostics rendered with source lines and carets, then a count.
    public var description: String {
        let body = diagnostics.map { $0.rendered(source: source) }.joined(separator: "\n")
        let count = diagnostics.count
        return body + "\n\(count) error\(count == 1 ? "" : "s") in \(diagnostics.first?.path ?? "pipeline file")"
    }
}

/// A loaded pipeline: the spec plus where it lives.
public struct LoadedPipeline: Sendable {
    public var spec: PipelineSpec
    /// The path as the user gave it.
    public var path: String
    /// Absolute folder of the pipeline file; relative paths inside it resolve against it.
    public var directory: String
    /// sha256 of the file's bytes.
    public var sha256: String
}

/// Reads, lints and builds a pipeline file.
public enum PipelineLoader {
    /// Loads the file at `path`; throws `PipelineFileError` listing every problem.
    public static func load(path: String) throws -> LoadedPipeline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PipelineFileError(diagnostics: [Diagnostic(path: path, line: 0, column: 0, message: "cannot read the pipeline file")], source: "")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineFileError(diagnostics: [Diagnostic(path: path, line: 0, column: 0, message: "the pipeline file is not UTF-8")], source: "")
        }
        let spec = try parse(text: text, path: path)
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        return LoadedPipeline(spec: spec, path: path, directory: absolute.deletingLastPathComponent().path,
                              sha256: SHA256Text.hex(Array(data)))
    }

    /// Parses pipeline-file text; `path` names it in diagnostics.
    public static func parse(text: String, path: String) throws -> PipelineSpec {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw PipelineFileError(diagnostics: [Diagnostic(path: path, line: 1, column: 1, message: "the pipeline file is empty")], source: text)
            }
            root = node
        } catch let error as YamlError {
            throw PipelineFileError(diagnostics: [yamlDiagnostic(error, path: path)], source: text)
        }
        var linter = PipelineLinter(path: path)
        linter.lint(root, as: .object(PipelineSchema.topLevel), context: "pipeline")
        var builder = SpecBuilder(path: path, root: root)
        let spec = builder.build()
        let diagnostics = (linter.diagnostics + builder.diagnostics).sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        var unique: [Diagnostic] = []
        for d in diagnostics where !unique.contains(d) { unique.append(d) }
        guard unique.isEmpty, let spec else { throw PipelineFileError(diagnostics: unique, source: text) }
        return spec
    }

    private static func yamlDiagnostic(_ error: YamlError, path: String) -> Diagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
             .composer(_, let problem, let mark, _):
            return Diagnostic(path: path, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(path: path, line: context.mark.line, column: context.mark.column,
                              message: "duplicated key '\(duplicates.joined(separator: "', '"))'")
        default:
            return Diagnostic(path: path, line: 1, column: 1, message: "YAML: \(error)")
        }
    }
}
