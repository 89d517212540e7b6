/// Interns byte strings (seller tax IDs recur on every invoice of a branch, buyers and issue dates recur too),
/// so each distinct value is held once, in one buffer. Index 0 is the empty string.
///
/// An open-addressing table of indices over the stored bytes: no `String` and no allocation per lookup.
struct BytePool: Sendable {
    private var storage: [UInt8] = []
    /// Start of value `i` in `storage`; `starts[i + 1]` is its end.
    private var starts: [Int] = [0, 0]
    private var table = [Int32](repeating: -1, count: 1024)

    /// The number of distinct values (the empty string included).
    var count: Int { starts.count - 1 }

    /// The index of `bytes`, adding them when new.
    mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if bytes.isEmpty { return 0 }
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: BytePool.hash(bytes)) & mask
        while table[slot] >= 0 {
            if equals(table[slot], bytes) { return table[slot] }
            slot = (slot + 1) & mask
        }
        let index = Int32(count)
        storage.append(contentsOf: bytes)
        starts.append(storage.count)
        table[slot] = index
        if count * 2 > table.count { grow() }
        return index
    }

    /// Whether value `index` holds exactly `bytes`.
    func equals(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[Int(index)], end = starts[Int(index) + 1]
        guard end - start == bytes.count else { return false }
        return storage.withUnsafeBufferPointer { RecordRow.equal(UnsafeBufferPointer(rebasing: $0[start..<end]), bytes) }
    }

    /// Whether value `index` is the empty string.
    func isEmpty(_ index: Int32) -> Bool { index == 0 }

    /// Value `index` as a string.
    subscript(index: Int32) -> String {
        String(decoding: storage[starts[Int(index)]..<starts[Int(index) + 1]], as: UTF8.self)
    }

    private mutating func grow() {
        let size = table.count * 2
        table = [Int32](repeating: -1, count: size)
        storage.withUnsafeBufferPointer { all in
            for index in 1..<count {
                let bytes = UnsafeBufferPointer(rebasing: all[starts[index]..<starts[index + 1]])
                var slot = Int(truncatingIfNeeded: BytePool.hash(bytes)) & (size - 1)
                while table[slot] >= 0 { slot = (slot + 1) & (size - 1) }
                table[slot] = Int32(index)
            }
        }
    }

    /// FNV-1a, 64 bits.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash ^ (hash >> 29)
    }
}
