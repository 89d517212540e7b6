import FapiaoIO

/// Remembers a pure function's results by the raw bytes of its argument, for fields with few distinct values
/// (type, status, rate, red flag): an open-addressing table over one byte arena, so a hit makes no `String`.
///
/// Bounded: past `limit` keys it stops remembering and just computes.
struct ByteMemo<Value> {
    private var keys: [UInt8] = []
    private var slots: [Int32]             // index into `entries`, or -1
    private var entries: [(start: Int, count: Int, hash: UInt64, value: Value)] = []
    private let limit: Int
    private let compute: (UnsafeBufferPointer<UInt8>) -> Value

    /// A memo of `compute`, applied to the bytes decoded as UTF-8 (as the `String` path reads them).
    init(limit: Int = 4096, compute: @escaping (String) -> Value) {
        self.init(limit: limit, bytes: { compute(String(decoding: $0, as: UTF8.self)) })
    }

    /// A memo of `compute`, applied to the bytes themselves.
    init(limit: Int = 4096, bytes compute: @escaping (UnsafeBufferPointer<UInt8>) -> Value) {
        self.limit = limit
        self.compute = compute
        slots = [Int32](repeating: -1, count: ByteMemo.capacity(for: limit))
    }

    private static func capacity(for limit: Int) -> Int {
        var capacity = 16
        while capacity < limit * 2 { capacity *= 2 }
        return capacity
    }

    /// The value for `bytes`, computed once.
    mutating func value(for bytes: UnsafeBufferPointer<UInt8>) -> Value {
        let hash = ByteMemo.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry < 0 { break }
            if entries[entry].hash == hash, matches(entries[entry], bytes) { return entries[entry].value }
            slot = (slot + 1) & mask
        }
        let value = compute(bytes)
        if entries.count < limit {
            slots[slot] = Int32(entries.count)
            entries.append((keys.count, bytes.count, hash, value))
            keys.append(contentsOf: bytes)
        }
        return value
    }

    private func matches(_ entry: (start: Int, count: Int, hash: UInt64, value: Value),
                         _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard entry.count == bytes.count else { return false }
        return keys.withUnsafeBufferPointer { keys in
            UnsafeBufferPointer(rebasing: keys[entry.start..<(entry.start + entry.count)]).hasSameBytes(as: bytes)
        }
    }

    /// A 64-bit hash of the bytes, eight at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            hash = mix(hash, raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail: UInt64 = 0
        for index in offset..<raw.count { tail |= UInt64(raw[index]) << (8 * UInt64(index - offset)) }
        return mix(hash, tail)
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let product = (hash ^ word).multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
        return product.high ^ product.low
    }
}

/// `ByteMemo` for functions whose result is a field's bytes (and a few plain values): the results live in
/// one arena and are appended to the record straight from it, so a hit makes no array to retain and release.
struct FieldMemo<Extra: BitwiseCopyable> {
    private struct Entry {
        var keyStart: Int, keyCount: Int, hash: UInt64
        var outputStart: Int, outputCount: Int
        var extra: Extra
    }

    private var keys: [UInt8] = []
    private var outputs: [UInt8] = []
    private var slots: [Int32]             // index into `entries`, or -1
    private var entries: [Entry] = []
    private let limit: Int
    private let compute: (UnsafeBufferPointer<UInt8>) -> (field: [UInt8], extra: Extra)

    /// A memo of `compute` (the field's bytes and the extra values), past `limit` keys computing each time.
    init(limit: Int = 4096, compute: @escaping (UnsafeBufferPointer<UInt8>) -> (field: [UInt8], extra: Extra)) {
        self.limit = limit
        self.compute = compute
        var capacity = 16
        while capacity < limit * 2 { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
    }

    /// Appends the field computed from `key` to `record` as a whole field; returns its extra values.
    mutating func appendField(for key: UnsafeBufferPointer<UInt8>, to record: inout FastRecord) -> Extra {
        let hash = ByteMemo<Extra>.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = Int(slots[slot])
            if index < 0 { break }
            let entry = entries[index]
            if entry.hash == hash, matches(entry, key) {
                outputs.withUnsafeBufferPointer { outputs in
                    record.appendField(UnsafeBufferPointer(
                        rebasing: outputs[entry.outputStart..<(entry.outputStart + entry.outputCount)]))
                }
                return entry.extra
            }
            slot = (slot + 1) & mask
        }
        let (field, extra) = compute(key)
        if entries.count < limit {
            slots[slot] = Int32(entries.count)
            entries.append(Entry(keyStart: keys.count, keyCount: key.count, hash: hash, outputStart: outputs.count,
                                 outputCount: field.count, extra: extra))
            keys.append(contentsOf: key)
            outputs.append(contentsOf: field)
        }
        record.appendField(field)
        return extra
    }

    private func matches(_ entry: Entry, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard entry.keyCount == key.count else { return false }
        return keys.withUnsafeBufferPointer { keys in
            UnsafeBufferPointer(rebasing: keys[entry.keyStart..<(entry.keyStart + entry.keyCount)]).hasSameBytes(as: key)
        }
    }
}
