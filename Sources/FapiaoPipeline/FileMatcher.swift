import Foundation
import FapiaoCore
import FapiaoExtract

/// Finds each source's files for a business date: placeholders substituted, then globbed.
public enum FileMatcher {
    /// The pattern with `{date}`, `{yyyy}`, `{MM}`, `{dd}` and `{yyyymmdd}` replaced.
    public static func substitute(_ pattern: String, date: BusinessDate) -> String {
        let text = date.description
        let parts = text.split(separator: "-").map(String.init)
        return pattern
            .replacingOccurrences(of: "{date}", with: text)
            .replacingOccurrences(of: "{yyyymmdd}", with: date.compact)
            .replacingOccurrences(of: "{yyyy}", with: parts[0])
            .replacingOccurrences(of: "{MM}", with: parts[1])
            .replacingOccurrences(of: "{dd}", with: parts[2])
    }

    /// Regular files matching a source's path for `date`, sorted by relative path.
    public static func files(for source: SourceSpec, date: BusinessDate, pipelineDirectory: String) -> [ResolvedFile] {
        let pattern = PathResolver.absolute(substitute(source.path, date: date), relativeTo: pipelineDirectory)
        return glob(pattern)
            .filter { isRegularFile($0) }
            .map { ResolvedFile(absolutePath: $0, relativePath: PathResolver.relative($0, to: pipelineDirectory)) }
            .sorted { $0.relativePath < $1.relativePath }
    }

    /// Every source with its files.
    public static func inputs(for spec: PipelineSpec, date: BusinessDate, pipelineDirectory: String) -> [SourceInputs] {
        spec.sources.map { SourceInputs(source: $0, files: files(for: $0, date: date, pipelineDirectory: pipelineDirectory)) }
    }

    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in
            result.gl_pathv[index].map { String(cString: $0) }
        }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
