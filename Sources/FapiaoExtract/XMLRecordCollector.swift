import FapiaoCore

/// Turns the SAX events of one document into records (`XMLRecordState` does the work).
///
/// A `final class` because libxml2's callbacks reach it by pointer during the parse; its whole state is one
/// value kept behind a pointer, so that a callback costs no exclusivity check of a class property.
final class XMLRecordCollector: XMLEventHandler {
    private let storage: UnsafeMutablePointer<XMLRecordState>

    init(source: SourceSpec, limits: Limits, paths: XMLPathTable, emitter: RecordEmitter) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: XMLRecordState(source: source, limits: limits, paths: paths, emitter: emitter))
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    /// The records being read and the file's `RecordEmitter`, handed back by `XMLFileReader` after the parse.
    var state: XMLRecordState { storage.pointee }

    func startElement(
        _ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition
    ) throws {
        try storage.pointee.startElement(name, attributes: attributes, depth: depth, position: position)
    }

    func endElement(depth: Int) throws { try storage.pointee.endElement(depth: depth) }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) throws { storage.pointee.text(bytes) }
}

/// The records of one document: every element named `xml.record` that is not inside another record is one;
/// `_line` is the line of its start tag's `<`. Elements below it follow the mapped path tree; the first
/// occurrence of each element fills its slot.
struct XMLRecordState {
    private let source: SourceSpec
    let limits: Limits
    let paths: XMLPathTable
    private let recordName: [UInt8]
    private let rootName: [UInt8]
    /// The emitter records are written to.
    var emitter: RecordEmitter
    /// Records read so far.
    private(set) var records = 0
    /// True once the root element started.
    private(set) var rootSeen = false
    var values: XMLRecordValues
    /// The path-tree node of each element open inside the current record (-1: not mapped).
    private var stack: [Int] = []
    private var recordDepth: Int?
    var recordLine = 0
    var ranges: [Range<Int>?] = []

    init(source: SourceSpec, limits: Limits, paths: XMLPathTable, emitter: RecordEmitter) {
        self.source = source
        self.limits = limits
        self.paths = paths
        self.emitter = emitter
        recordName = Array(source.xml.record.utf8)
        rootName = Array(source.xml.root.utf8)
        values = XMLRecordValues(
            slots: paths.slotCount, maxFieldBytes: limits.maxFieldBytes, maxRecordBytes: limits.maxRecordBytes)
    }

    mutating func startElement(
        _ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition
    ) throws {
        if !rootSeen { try checkRoot(name, line: position.startLine) }
        if recordDepth != nil {
            enter(name, attributes: attributes)
        } else if name.elementsEqual(recordName) {
            recordDepth = depth
            recordLine = position.startLine
            values.reset()
            stack = [0]
            readAttributes(attributes, node: 0)
        }
    }

    mutating func endElement(depth: Int) throws {
        guard recordDepth != nil else { return }
        if let node = stack.popLast(), node >= 0 {
            for index in 0..<paths.nodes[node].textSlots.count { values.close(paths.nodes[node].textSlots[index]) }
        }
        guard depth == recordDepth else { return }
        recordDepth = nil
        records += 1
        try emit()
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard recordDepth != nil, let node = stack.last, node >= 0 else { return }
        for index in 0..<paths.nodes[node].textSlots.count { values.append(paths.nodes[node].textSlots[index], bytes) }
    }

    private mutating func checkRoot(_ name: UnsafeBufferPointer<UInt8>, line: Int) throws {
        rootSeen = true
        if !rootName.isEmpty && !name.elementsEqual(rootName) {
            throw XMLFailure.wrongRoot(found: String(decoding: name, as: UTF8.self), expected: source.xml.root, line: line)
        }
    }

    /// An element inside a record: follows the path tree, opening the element's slots.
    private mutating func enter(_ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes) {
        let parent = stack.last ?? -1
        let node = parent < 0 ? nil : paths.child(of: parent, named: name)
        stack.append(node ?? -1)
        guard let node else { return }
        for index in 0..<paths.nodes[node].textSlots.count { values.open(paths.nodes[node].textSlots[index]) }
        readAttributes(attributes, node: node)
    }

    private mutating func readAttributes(_ attributes: XMLAttributes, node: Int) {
        let wanted = paths.nodes[node].attributeSlots
        guard !wanted.isEmpty else { return }
        attributes.forEach { name, value in
            guard let slot = wanted.first(where: { $0.name.elementsEqual(name) })?.slot else { return }
            values.set(slot, value)
        }
    }
}
