/// A problem in a pipeline file, printed like a compiler: `path:line:column: error: message`,
/// then the source line and a caret under the column.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// The pipeline file as the user named it.
    public var path: String
    /// 1-based; 0 when the problem has no place (an unreadable file).
    public var line: Int
    /// 1-based, counted in Unicode scalars.
    public var column: Int
    public var message: String
    /// The offending source line (filled in by `rendered(with:)`).
    public var sourceLine: String = ""

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path; self.line = line; self.column = column; self.message = message
    }

    /// `path:line:column: error: message`.
    public var description: String {
        line > 0 ? "\(path):\(line):\(column): error: \(message)" : "\(path): error: \(message)"
    }

    /// The header line, the source line and a caret.
    public func rendered(source: String) -> String {
        guard line > 0 else { return description }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard line <= lines.count else { return description }
        let text = String(lines[line - 1])
        let caretIndent = String(text.unicodeScalars.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " })
        return "\(description)\n    \(text)\n    \(caretIndent)^"
    }
}

/// "did you mean" suggestions within a small edit distance.
public enum Suggestion {
    /// The closest candidate at edit distance below 4 (and below the word's length), if any.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 < 4, best.1 < max(2, word.count) else { return nil }
        return best.0
    }

    /// Levenshtein distance over Unicode scalars.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in stride(from: 1, through: y.count, by: 1) {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[y.count]
    }

    /// `; did you mean 'x'?` or an empty string.
    public static func phrase(for word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
