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
        try read(into: &emitter) { feeder in try feeder.read(input) }
    }

    /// Reads one document whose bytes `feed` pushes into the feeder it is given (a zip entry's, say).
    mutating func read(into emitter: inout RecordEmitter, feed: (inout XMLDocumentFeeder) throws -> Void) throws {
        let collector = XMLRecordCollector(source: source, limits: limits, paths: paths, emitter: emitter)
        var feeder = XMLDocumentFeeder(handler: collector, sourceEncoding: source.encoding, maxDepth: limits.maxXMLDepth)
        defer {
            emitter = collector.state.emitter
            records = collector.state.records
            encoding = feeder.encoding
        }
        try feed(&feeder)
        guard collector.state.rootSeen else { throw XMLFailure.empty() }
    }
}
