import FapiaoCore

/// Feeds one XML document to libxml2 piece by piece, from a file (pulled) or a zip entry (pushed): it holds the
/// first 4 KiB back to read the encoding declaration, then starts the parser with the encoding to force
/// (GB18030 for a declared GBK or GB2312, or the source's `encoding:` when nothing is declared).
struct XMLDocumentFeeder {
    private let handler: XMLEventHandler
    private let sourceEncoding: SourceEncoding
    private let maxDepth: Int
    private var prefix: [UInt8] = []
    private var parser: LibXMLPushParser?
    /// The encoding the document is read in, lower case (known once the parser started).
    private(set) var encoding = ""
    private static let prefixBytes = 4096

    /// A feeder for one document going to `handler`.
    init(handler: XMLEventHandler, sourceEncoding: SourceEncoding, maxDepth: Int) {
        self.handler = handler
        self.sourceEncoding = sourceEncoding
        self.maxDepth = maxDepth
    }

    /// The line the parser has reached (1 before it started).
    var line: Int { parser?.line ?? 1 }

    /// Parses the next bytes; throws the document's failure as a `FileFailure`.
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        if let parser { return try parser.feed(bytes) }
        prefix.append(contentsOf: bytes)
        if prefix.count >= XMLDocumentFeeder.prefixBytes { try start() }
    }

    /// Ends the document: a document cut short fails here.
    mutating func finish() throws {
        if parser == nil { try start() }
        try parser?.finish()
    }

    /// Reads the whole of `input` into the parser and ends the document; an input failure (gzip, size limit)
    /// becomes a `FileFailure` at the line reached.
    mutating func read(_ input: ContentReading) throws {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBufferPointer { try input.read(into: $0) }
            } catch let error as FapiaoError {
                throw FileFailure(error, line: line)
            }
            if count == 0 { break }
            try chunk.withUnsafeBufferPointer { try feed(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
        try finish()
    }

    private mutating func start() throws {
        let declared = XMLDeclaration.encoding(in: prefix)
        let forced = XMLDeclaration.encodingForParser(declared: declared, source: sourceEncoding)
        encoding = (forced ?? declared ?? "UTF-8").lowercased()
        let bytes = prefix
        prefix = []
        let parser = try bytes.withUnsafeBufferPointer {
            try LibXMLPushParser(handler: handler, encoding: forced, maxDepth: maxDepth, firstBytes: $0)
        }
        self.parser = parser
        try bytes.withUnsafeBufferPointer { try parser.feed(UnsafeBufferPointer(rebasing: $0[parser.detectionBytes...])) }
    }
}
