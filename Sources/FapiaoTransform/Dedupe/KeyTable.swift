import FapiaoCore

/// An open-addressing hash table from packed keys to kept records, replacing `[PackedKey: KeptRecord]`
/// (whose SipHash and two arrays dominated dedupe): one array of 40-byte entries, linear probing, and a
/// hash that keeps runs of eight consecutive keys (consecutive invoice numbers) in neighbouring slots, so
/// a branch's ascending numbers touch few cache lines.
struct KeyTable: Sendable {
    private struct Entry: Sendable {
        /// The key's bits; `high == UInt64.max` marks an empty slot (no packed key has bit 126 set).
        var low: UInt64
        var high: UInt64
        var record: KeptRecord
    }

    private static let emptyEntry = Entry(low: 0, high: .max, record: KeptRecord(digest: 0, file: 0, line: 0, source: 0))
    private var entries: [Entry]
    private var bits = 10
    /// Keys held.
    private(set) var count = 0

    init() {
        entries = [Entry](repeating: KeyTable.emptyEntry, count: 1 << bits)
    }

    /// Makes room for `keys` keys without growing (a no-op once the table holds any).
    mutating func reserve(_ keys: Int) {
        guard count == 0 else { return }
        var wanted = bits
        while (1 << wanted) * 3 < keys * 4 { wanted += 1 }
        guard wanted > bits else { return }
        bits = wanted
        entries = [Entry](repeating: KeyTable.emptyEntry, count: 1 << bits)
    }

    /// Stores `record` under `key` and returns nil, or returns the record stored before (table unchanged).
    mutating func claim(_ key: PackedKey, for record: KeptRecord) -> KeptRecord? {
        if (count + 1) * 4 > entries.count * 3 { grow() }
        let low = UInt64(truncatingIfNeeded: key.bits), high = UInt64(truncatingIfNeeded: key.bits >> 64)
        return entries.withUnsafeMutableBufferPointer { entries in
            let mask = entries.count - 1
            var slot = KeyTable.slot(low: low, high: high, bits: bits)
            while entries[slot].high != UInt64.max {
                if entries[slot].low == low && entries[slot].high == high { return entries[slot].record }
                slot = (slot + 1) & mask
            }
            entries[slot] = Entry(low: low, high: high, record: record)
            count += 1
            return nil
        }
    }

    /// Reads the home slots of `keys` (nothing else): independent loads the processor overlaps, so that the
    /// `claim`s that follow find those cache lines loaded instead of waiting for each miss in turn. Returns a
    /// value to keep (so the reads are not optimized away).
    func touch(_ keys: [PackedKey]) -> UInt64 {
        entries.withUnsafeBufferPointer { entries in
            var sink: UInt64 = 0
            for key in keys {
                let low = UInt64(truncatingIfNeeded: key.bits), high = UInt64(truncatingIfNeeded: key.bits >> 64)
                sink &+= entries[KeyTable.slot(low: low, high: high, bits: bits)].high
            }
            return sink
        }
    }

    /// The home slot: a multiplicative hash of the key without its last three bits, then those bits.
    @inline(__always)
    private static func slot(low: UInt64, high: UInt64, bits: Int) -> Int {
        let mixed = ((low >> 3) ^ (high &* 0xC2B2_AE3D_27D4_EB4F)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: (mixed >> UInt64(64 - bits + 3)) << 3 | (low & 7))
    }

    private mutating func grow() {
        let old = entries
        bits += 1
        entries = [Entry](repeating: KeyTable.emptyEntry, count: 1 << bits)
        count = 0
        for entry in old where entry.high != UInt64.max {
            _ = claim(PackedKey.from(low: entry.low, high: entry.high), for: entry.record)
        }
    }
}

extension PackedKey {
    /// The packed key with these bits.
    static func from(low: UInt64, high: UInt64) -> PackedKey {
        var key = FastRecord.noKey
        key.bits = UInt128(high) << 64 | UInt128(low)
        return key
    }
}
