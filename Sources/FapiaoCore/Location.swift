/// Where a record or value came from: a source, a file relative to the pipeline folder, and a 1-based line.
public struct InputLocation: Hashable, Sendable, CustomStringConvertible {
    /// The pipeline source name (e.g. `chaoyang`).
    public var source: String
    /// The file, relative to the pipeline file's folder.
    public var file: String
    /// The physical line where the record starts (XML: the record element's line); 0 for file-level facts.
    public var line: Int

    public init(source: String, file: String, line: Int) {
        self.source = source
        self.file = file
        self.line = line
    }

    /// `file:line`.
    public var description: String { "\(file):\(line)" }
}

/// An error with a stable code, a place in the data, a message that says how to fix it, and its cause.
public struct FapiaoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stable, extensible machine code such as `gzip.truncated` or `csv.unclosed_quote`.
    public var code: String
    /// The file (relative to the pipeline folder) and line, or nil when not about input data.
    public var location: InputLocation?
    /// What is wrong and how to fix it.
    public var message: String
    /// The underlying cause, when there is one (an errno text, a zlib or libxml2 message).
    public var cause: String?

    public init(code: String, location: InputLocation? = nil, message: String, cause: String? = nil) {
        self.code = code
        self.location = location
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += message
        if let cause { text += " (\(cause))" }
        return text
    }
}
