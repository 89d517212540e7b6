import FapiaoCore
import Glibc

/// The mapped paths of an XML source as a tree of local names below the record element, with the value
/// slots each element's text or attribute fills.
///
/// A column value such as `FPHM`, `Buyer/Name`, `@id` or `Buyer/@id` is a path relative to the record
/// element; a list of alternatives gives one slot per alternative, and the first alternative present in a
/// record is used. Within a record, the first occurrence of an element fills its slot.
struct XMLPathTable {
    /// One element of the tree: its children by local name, and the slots its text and attributes fill.
    struct Node {
        var children: [(name: [UInt8], node: Int)] = []
        var textSlots: [Int] = []
        var attributeSlots: [(name: [UInt8], slot: Int)] = []
    }

    /// Node 0 is the record element.
    private(set) var nodes = [Node()]
    /// Per extracted field, its slots in alternative order (empty when the field is only a constant).
    private(set) var fieldSlots: [[Int]] = []
    /// The number of slots.
    private(set) var slotCount = 0

    /// Builds the table for `source`; throws a `FileFailure` for a mapping an XML file cannot have.
    init(source: SourceSpec) throws {
        for field in source.extractedFields {
            switch source.columns[field] {
            case nil: fieldSlots.append([])
            case .names(let paths): fieldSlots.append(try paths.map { try add(path: $0, field: field) })
            case .index:
                throw FileFailure(
                    code: "xml.mapping", zh: "xml 数据源不能按列序号映射（字段 \(field.rawValue)）",
                    en: "an xml source cannot map \(field.rawValue) by column index; use an element path",
                    action: FileFailure.fixMapping)
            }
        }
    }

    /// The child of `node` named `name`, or nil.
    func child(of node: Int, named name: UnsafeBufferPointer<UInt8>) -> Int? {
        for index in 0..<nodes[node].children.count {
            let matches = nodes[node].children[index].name.withUnsafeBufferPointer { candidate in
                candidate.count == name.count
                    && (candidate.count == 0 || memcmp(candidate.baseAddress!, name.baseAddress!, name.count) == 0)
            }
            if matches { return nodes[node].children[index].node }
        }
        return nil
    }

    private mutating func add(path: String, field: CanonicalField) throws -> Int {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let attribute = parts.last?.hasPrefix("@") == true ? String(parts.removeLast().dropFirst()) : nil
        let validAttribute = attribute.map { !$0.isEmpty } ?? !parts.isEmpty
        guard validAttribute, !parts.contains(where: \.isEmpty) else {
            throw FileFailure(
                code: "xml.mapping", zh: "字段 \(field.rawValue) 的 xml 路径无效：\(path)",
                en: "the xml path of \(field.rawValue) is not valid: \"\(path)\" (write Name, Parent/Name or Parent/@attr)",
                action: FileFailure.fixMapping)
        }
        var node = 0
        for part in parts { node = childCreating(part, under: node) }
        let slot = slotCount
        slotCount += 1
        if let attribute {
            nodes[node].attributeSlots.append((Array(attribute.utf8), slot))
        } else {
            nodes[node].textSlots.append(slot)
        }
        return slot
    }

    private mutating func childCreating(_ name: String, under parent: Int) -> Int {
        let bytes = Array(name.utf8)
        if let existing = nodes[parent].children.first(where: { $0.name == bytes }) { return existing.node }
        nodes.append(Node())
        nodes[parent].children.append((bytes, nodes.count - 1))
        return nodes.count - 1
    }
}

/// The values of one XML record being read, in one byte arena kept (with its capacity) from record to record;
/// each slot is absent until its element appears, then a range of the arena. Values stop growing at the size
/// limits (the record is then rejected), so memory stays bounded.
///
/// Text usually arrives slot after slot, so a slot grows at the end of the arena; a slot that grows after
/// another one was written is first moved to the end (at most once per slot and record: a slot closes at
/// the end of its element's first occurrence).
struct XMLRecordValues {
    /// The bytes of the record's values (and of values since moved).
    private(set) var arena: [UInt8] = []
    private var starts: [Int]
    private var counts: [Int]
    private var present: [Bool]
    private var closed: [Bool]
    private var totalBytes = 0
    private let maxFieldBytes: Int
    private let maxRecordBytes: Int
    /// Set when a value passed `maxFieldBytes` or all of them `maxRecordBytes`.
    private(set) var overflow: CSVOverflow?

    init(slots: Int, maxFieldBytes: Int, maxRecordBytes: Int) {
        starts = Array(repeating: 0, count: slots)
        counts = starts
        present = Array(repeating: false, count: slots)
        closed = present
        self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes
    }

    /// True when the slot's element (or attribute) appeared in the record.
    func isPresent(_ slot: Int) -> Bool { present[slot] }

    /// The slot's value: a range of `arena` (an empty value: the empty range at 0).
    func range(_ slot: Int) -> Range<Int> {
        counts[slot] == 0 ? 0..<0 : starts[slot]..<(starts[slot] + counts[slot])
    }

    /// Marks a slot's element present (an empty element still gives an empty value).
    mutating func open(_ slot: Int) { present[slot] = true }

    /// Appends text to a slot still open.
    mutating func append(_ slot: Int, _ text: UnsafeBufferPointer<UInt8>) {
        guard !closed[slot], fits(text.count, after: counts[slot]) else { return }
        present[slot] = true
        grow(slot, by: text)
    }

    /// Ends a slot's first occurrence: later occurrences are ignored.
    mutating func close(_ slot: Int) { if present[slot] { closed[slot] = true } }

    /// Sets an attribute's value (the first occurrence wins).
    mutating func set(_ slot: Int, _ text: UnsafeBufferPointer<UInt8>) {
        guard !present[slot], fits(text.count, after: 0) else { return }
        grow(slot, by: text)
        present[slot] = true
        closed[slot] = true
    }

    /// Clears every slot for the next record (keeping the arena's capacity).
    mutating func reset() {
        for index in present.indices where present[index] {
            counts[index] = 0
            present[index] = false
            closed[index] = false
        }
        arena.removeAll(keepingCapacity: true)
        totalBytes = 0
        overflow = nil
    }

    /// Appends `text` to the slot's value, moving the value to the end of the arena first when it is not there.
    private mutating func grow(_ slot: Int, by text: UnsafeBufferPointer<UInt8>) {
        if counts[slot] == 0 {
            starts[slot] = arena.count
        } else if starts[slot] + counts[slot] != arena.count {
            let start = arena.count
            arena.append(contentsOf: arena[starts[slot]..<(starts[slot] + counts[slot])])
            starts[slot] = start
        }
        arena.append(contentsOf: text)
        counts[slot] += text.count
    }

    /// Counts `count` more bytes into a value of `current` bytes; false (and `overflow` set) past a limit.
    private mutating func fits(_ count: Int, after current: Int) -> Bool {
        guard overflow == nil else { return false }
        if current + count > maxFieldBytes { overflow = .field; return false }
        if totalBytes + count > maxRecordBytes { overflow = .record; return false }
        totalBytes += count
        return true
    }
}
