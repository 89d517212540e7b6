import FapiaoCore

/// Reads one XML file into a `RecordEmitter`: each element whose local name is `xml.record` is a record;
/// mapped paths below it fill the fields. The document streams through libxml2 (never whole in memory).
///
/// The file fails (a `FileFailure`, its records rolled back by the caller) on malformed or truncated XML,
/// a DOCTYPE that declares entities, any entity reference, nesting deeper than `limits.max_xml_depth`, or a
/// root element other than `xml.root` (when set).
struct XMLFileReader {
    private let source: SourceSpec
    let limits: Limits
    let paths: XMLPathTable
    private let recordName: [UInt8]
    private let rootName: [UInt8]
    /// Records read so far.
    private(set) var records = 0
    /// The encoding the document was read in (as libxml2 was told or the document declared).
    private(set) var encoding = ""
    var values: XMLRecordValues
    private var stack: [Int] = []
    private var recordDepth: Int?
    var recordLine = 0
    private var rootSeen = false
    var packed: [UInt8] = []
    var ranges: [Range<Int>?] = []

    /// A reader for one file of `source`; throws a `FileFailure` when the mapping cannot apply to XML.
    init(source: SourceSpec, limits: Limits) throws {
        self.source = source
        self.limits = limits
        paths = try XMLPathTable(source: source)
        recordName = Array(source.xml.record.utf8)
        rootName = Array(source.xml.root.utf8)
        values = XMLRecordValues(slots: paths.slotCount)
        guard !recordName.isEmpty else {
            throw FileFailure(
                code: "xml.mapping", zh: "未设置 xml.record（记录元素名）", en: "xml.record (the record element's name) is not set",
                action: FileFailure.fixMapping)
        }
    }

    /// Prepares libxml2 once per process (call before reading on several threads).
    static func prepareLibrary() { LibXMLReader.prepareLibrary() }

    /// Reads the whole document; throws a `FileFailure` when the file must be dropped.
    mutating func read(_ input: ContentReading, into emitter: inout RecordEmitter) throws {
        let prefix = try XMLFileReader.readPrefix(input)
        let declared = XMLDeclaration.encoding(in: prefix)
        let forced = XMLDeclaration.encodingForParser(declared: declared, source: source.encoding)
        encoding = (forced ?? declared ?? "UTF-8").lowercased()
        let reader = try LibXMLReader(input: XMLInput(source: input, prefix: prefix), encoding: forced)
        while try reader.next() {
            try visit(reader, emitter: &emitter)
        }
        guard rootSeen else { throw XMLFailure.empty() }
    }

    private mutating func visit(_ reader: LibXMLReader, emitter: inout RecordEmitter) throws {
        switch reader.kind {
        case .element:
            let depth = reader.depth
            guard depth < limits.maxXMLDepth else { throw XMLFailure.tooDeep(limit: limits.maxXMLDepth, line: reader.line) }
            if !rootSeen { try checkRoot(reader) }
            if recordDepth != nil {
                enter(reader)
            } else if reader.withLocalName({ $0.elementsEqual(recordName) }) {
                startRecord(reader, depth: depth)
            } else {
                return
            }
            if reader.isEmptyElement { try leave(depth: depth, emitter: &emitter) }
        case .endElement:
            if recordDepth != nil { try leave(depth: reader.depth, emitter: &emitter) }
        case .text:
            guard recordDepth != nil, let node = stack.last, node >= 0, !paths.nodes[node].textSlots.isEmpty else { return }
            reader.withValue { text in
                for slot in paths.nodes[node].textSlots { values.append(slot, text) }
            }
        case .entityReference:
            let name = reader.withLocalName { String(decoding: $0, as: UTF8.self) }
            throw XMLFailure.entities("the entity reference &\(name);", line: reader.line)
        case .other:
            return
        }
    }

    private mutating func checkRoot(_ reader: LibXMLReader) throws {
        rootSeen = true
        if reader.declaresEntities { throw XMLFailure.entities("a DOCTYPE that declares entities", line: reader.line) }
        let name = reader.withLocalName { String(decoding: $0, as: UTF8.self) }
        if !rootName.isEmpty && Array(name.utf8) != rootName {
            throw XMLFailure.wrongRoot(found: name, expected: source.xml.root, line: reader.line)
        }
    }

    private mutating func startRecord(_ reader: LibXMLReader, depth: Int) {
        recordDepth = depth
        recordLine = reader.line
        values.reset()
        stack = [0]
        readAttributes(reader, node: 0)
    }

    /// An element inside a record: follows the path tree, opening the element's slots.
    private mutating func enter(_ reader: LibXMLReader) {
        let parent = stack.last ?? -1
        let node = parent < 0 ? nil : reader.withLocalName { paths.child(of: parent, named: $0) }
        stack.append(node ?? -1)
        guard let node else { return }
        for slot in paths.nodes[node].textSlots { values.open(slot) }
        readAttributes(reader, node: node)
    }

    private mutating func readAttributes(_ reader: LibXMLReader, node: Int) {
        let wanted = paths.nodes[node].attributeSlots
        guard !wanted.isEmpty else { return }
        reader.forEachAttribute {
            guard let slot = reader.withLocalName({ name in wanted.first { $0.name.elementsEqual(name) }?.slot }) else { return }
            reader.withValue { values.set(slot, $0) }
        }
    }

    /// The end of an element inside a record (or of the record itself, which is then written).
    private mutating func leave(depth: Int, emitter: inout RecordEmitter) throws {
        if let node = stack.popLast(), node >= 0 {
            for slot in paths.nodes[node].textSlots { values.close(slot) }
        }
        guard depth == recordDepth else { return }
        recordDepth = nil
        records += 1
        try emit(into: &emitter)
    }
}
