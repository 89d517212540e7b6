import FapiaoCore

/// An open-addressing hash table from `PackedKey` to an `Int32` (an authority entry), for `AuthorityIndex`:
/// linear probing, a cheap multiplicative hash instead of `Dictionary`'s SipHash (like transform's `KeyTable`),
/// keys and values in two flat arrays (20 bytes a slot, at most 3/4 full).
struct PackedKeyTable: Sendable {
    private struct Key: Sendable {
        /// The key's bits; `high == UInt64.max` marks an empty slot (no packed key has bit 126 set).
        var low: UInt64
        var high: UInt64
    }

    private static let empty = Key(low: 0, high: .max)
    private var keys = [Key](repeating: PackedKeyTable.empty, count: 1 << 10)
    private var values = [Int32](repeating: 0, count: 1 << 10)
    private var bits = 10
    /// Keys held.
    private(set) var count = 0

    /// Stores `value` under `key` unless the key is already there (the first value stays).
    mutating func insertIfAbsent(_ key: PackedKey, _ value: Int32) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let (low, high) = PackedKeyTable.split(key)
        var slot = PackedKeyTable.slot(low: low, high: high, bits: bits)
        let mask = keys.count - 1
        while keys[slot].high != UInt64.max {
            if keys[slot].low == low && keys[slot].high == high { return }
            slot = (slot + 1) & mask
        }
        keys[slot] = Key(low: low, high: high)
        values[slot] = value
        count += 1
    }

    /// The value stored under `key`.
    func value(for key: PackedKey) -> Int32? {
        let (low, high) = PackedKeyTable.split(key)
        return keys.withUnsafeBufferPointer { keys in
            let mask = keys.count - 1
            var slot = PackedKeyTable.slot(low: low, high: high, bits: bits)
            while keys[slot].high != UInt64.max {
                if keys[slot].low == low && keys[slot].high == high { return values[slot] }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    @inline(__always)
    private static func split(_ key: PackedKey) -> (UInt64, UInt64) {
        (UInt64(truncatingIfNeeded: key.bits), UInt64(truncatingIfNeeded: key.bits >> 64))
    }

    /// The home slot: a multiplicative hash of the key without its last three bits, then those bits (keys that
    /// differ only there, consecutive invoice numbers, land next to each other).
    @inline(__always)
    private static func slot(low: UInt64, high: UInt64, bits: Int) -> Int {
        let mixed = ((low >> 3) ^ (high &* 0xC2B2_AE3D_27D4_EB4F)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: (mixed >> UInt64(64 - bits + 3)) << 3 | (low & 7))
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        bits += 1
        keys = [Key](repeating: PackedKeyTable.empty, count: 1 << bits)
        values = [Int32](repeating: 0, count: 1 << bits)
        count = 0
        for slot in oldKeys.indices where oldKeys[slot].high != UInt64.max {
            var key = PackedKey.withBits(0)
            key.bits = UInt128(oldKeys[slot].high) << 64 | UInt128(oldKeys[slot].low)
            insertIfAbsent(key, oldValues[slot])
        }
    }
}
