/// What the byte functions of the fast path append to: `[UInt8]` (tests, scratch) or a `ByteBuffer` (the
/// record being normalized). Generic callers are specialized, so neither pays for the other.
protocol ByteOutput {
    var count: Int { get }
    subscript(index: Int) -> UInt8 { get set }
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
    /// Removes the elements from `start` to the end.
    mutating func removeSuffix(from start: Int)
}

extension Array: ByteOutput where Element == UInt8 {
    mutating func removeSuffix(from start: Int) { removeSubrange(start...) }
}

/// A growable buffer of plain values in memory of its own, for the hot loop of one record: appends are a
/// capacity check and a store (no uniqueness check, no reference counting, as `Array` has).
///
/// One owner: a copy shares the memory, so only one copy may be written (the record being normalized
/// lives in one `FastNormalizer`, used by one thread at a time).
struct GrowableBuffer<Element: BitwiseCopyable> {
    /// Frees the memory once the last copy is gone.
    private final class Allocation {
        let pointer: UnsafeMutablePointer<Element>
        init(capacity: Int) { pointer = .allocate(capacity: capacity) }
        deinit { pointer.deallocate() }
    }

    private var allocation: Allocation
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// Elements held.
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        allocation = Allocation(capacity: self.capacity)
        base = allocation.pointer
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    subscript(index: Int) -> Element {
        get { base[index] }
        set { base[index] = newValue }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = element
        count += 1
    }

    @inline(__always)
    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let source = elements.baseAddress, elements.count > 0 else { return }
        if count + elements.count > capacity { grow(to: count + elements.count) }
        let target = base + count
        if elements.count <= 4 {  // most fields are short: no call to memmove
            for index in 0..<elements.count { target[index] = source[index] }
        } else {
            target.update(from: source, count: elements.count)
        }
        count += elements.count
    }

    @inline(__always)
    mutating func append(contentsOf elements: [Element]) {
        elements.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    /// Removes the elements from `start` to the end.
    mutating func removeSuffix(from start: Int) { count = Swift.min(count, start) }

    mutating func removeLast(_ elements: Int) { count -= elements }

    mutating func removeAll() { count = 0 }

    /// The elements held (valid until the next append).
    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    private mutating func grow(to wanted: Int) {
        var newCapacity = capacity * 2
        while newCapacity < wanted { newCapacity *= 2 }
        let larger = Allocation(capacity: newCapacity)
        larger.pointer.update(from: base, count: count)
        (allocation, base, capacity) = (larger, larger.pointer, newCapacity)
    }
}

extension GrowableBuffer: ByteOutput where Element == UInt8 {}

/// The bytes of the record being normalized.
typealias ByteBuffer = GrowableBuffer<UInt8>
