/// The memory behind an `OutputBuffer` (a `final class` so that the memory has one owner, freed with it).
final class WriteBlock: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int

    /// An empty block of `capacity` bytes.
    init(capacity: Int) {
        self.capacity = max(16, capacity)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }
}

/// A growable byte buffer appended to in place, without the uniqueness and capacity checks of `[UInt8]` on
/// every append (the writer's hot path: one record at a time, many small appends).
struct OutputBuffer {
    /// The block holding the bytes (replaced by a larger one when the bytes outgrow it).
    private var block: WriteBlock
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes filled.
    private(set) var count = 0

    /// An empty buffer over `block`.
    init(block: WriteBlock) {
        self.block = block
        base = block.base
        capacity = block.capacity
    }

    /// Appends one byte.
    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    /// Appends bytes.
    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Appends bytes.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Appends a field in double quotes, doubling the quotes inside (as `CSVFormatter.appendQuoted`).
    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        append(0x22)
        var runStart = 0
        for index in 0..<bytes.count where bytes[index] == 0x22 {
            append(UnsafeBufferPointer(rebasing: bytes[runStart...index]))
            append(0x22)
            runStart = index + 1
        }
        append(UnsafeBufferPointer(rebasing: bytes[runStart...]))
        append(0x22)
    }

    /// Appends the decimal digits of a non-negative number.
    @inline(__always)
    mutating func appendDecimal(_ value: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var length = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                length += 1
                scratch[24 - length] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
            } while rest > 0 && length < 24
            append(UnsafeBufferPointer(rebasing: scratch.bindMemory(to: UInt8.self)[(24 - length)...]))
        }
    }

    /// Drops the bytes after the first `count`.
    mutating func truncate(to count: Int) {
        self.count = min(self.count, max(0, count))
    }

    /// The bytes appended so far (valid until the next append).
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    private mutating func grow(to needed: Int) {
        let larger = WriteBlock(capacity: max(needed, capacity * 2))
        larger.base.update(from: base, count: count)
        block = larger
        base = larger.base
        capacity = larger.capacity
    }
}
