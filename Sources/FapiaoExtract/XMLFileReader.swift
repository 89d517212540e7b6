import FapiaoCore

/// Reads one XML file into a `RecordEmitter`: each element whose local name is `xml.record` is a record;
/// mapped paths below it fill the fields. The document streams through libxml2's SAX2 push parser in 256 KiB
/// pieces (never whole in memory, no tree built).
///
/// The file fails (a `FileFailure`, its records rolled back by the caller) on malformed or truncated XML,
/// a DOCTYPE that declares entities, any entity reference, nesting deeper than `limits.max_xml_depth`, or a
/// root element other than `xml.root` (when set).
struct XMLFileReader {
    private let source: SourceSpec
    private let limits: Limits
    private let paths: XMLPathTable
    /// Records read so far.
    private(set) var records = 0
    /// The encoding the document was read in (as libxml2 was told or the document declared).
    private(set) var encoding = ""

    /// A reader for one file of `source`; throws a `FileFailure` when the mapping cannot apply to XML.
    init(source: SourceSpec, limits: Limits) throws {
        self.source = source
        self.limits = limits
        paths = try XMLPathTable(source: source)
        guard !source.xml.record.isEmpty else {
            throw FileFailure(
                code: "xml.mapping", zh: "未设置 xml.record（记录元素名）", en: "xml.record (the record element's name) is not set",
                action: FileFailure.fixMapping)
        }
    }

    /// Prepares libxml2 once per process (call before reading on several threads).
    static func prepareLibrary() { LibXMLPushParser.prepareLibrary() }

    /// Reads the whole document; throws a `FileFailure` when the file must be dropped.
    mutating func read(_ input: ContentReading, into emitter: inout RecordEmitter) throws {
        let prefix = try XMLFileReader.readPrefix(input)
        let declared = XMLDeclaration.encoding(in: prefix)
        let forced = XMLDeclaration.encodingForParser(declared: declared, source: source.encoding)
        encoding = (forced ?? declared ?? "UTF-8").lowercased()
        let collector = XMLRecordCollector(source: source, limits: limits, paths: paths, emitter: emitter)
        defer {
            emitter = collector.state.emitter
            records = collector.state.records
        }
        let parser = try prefix.withUnsafeBufferPointer {
            try LibXMLPushParser(handler: collector, encoding: forced, maxDepth: limits.maxXMLDepth, firstBytes: $0)
        }
        try XMLFileReader.feed(input, to: parser)
        guard collector.state.rootSeen else { throw XMLFailure.empty() }
    }

    /// Pushes the rest of `input` through `parser` and ends the document.
    static func feed(_ input: ContentReading, to parser: LibXMLPushParser) throws {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let count: Int
            do {
                count = try chunk.withUnsafeMutableBufferPointer { try input.read(into: $0) }
            } catch let error as FapiaoError {
                throw FileFailure(error, line: parser.line)
            }
            if count == 0 { break }
            try chunk.withUnsafeBufferPointer { try parser.feed(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
        try parser.finish()
    }
}
