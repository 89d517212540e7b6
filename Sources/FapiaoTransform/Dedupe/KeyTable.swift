import FapiaoCore

/// An open-addressing hash table from packed keys to kept records: one multiply to hash a key (the keys are
/// decimal numbers, already well spread), linear probing, no per-entry allocation. Replaces
/// `[PackedKey: KeptRecord]`, whose SipHash dominated dedupe.
struct KeyTable: Sendable {
    /// `UInt128.max` is no key (digital numbers are below 10^20, code + number keys have bit 126 clear).
    private static let empty = UInt128.max
    private var keys: [UInt128]
    private var values: [KeptRecord]
    private var shift: UInt64
    /// Keys held.
    private(set) var count = 0

    init() {
        keys = [UInt128](repeating: KeyTable.empty, count: 1024)
        values = [KeptRecord](repeating: KeptRecord(digest: 0, file: 0, line: 0, source: 0), count: 1024)
        shift = 64 - 10
    }

    /// Stores `record` under `key` and returns nil, or returns the record stored before (table unchanged).
    mutating func claim(_ key: PackedKey, for record: KeptRecord) -> KeptRecord? {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let bits = key.bits
        let mask = keys.count - 1
        var slot = slot(of: bits)
        while true {
            let stored = keys[slot]
            if stored == bits { return values[slot] }
            if stored == KeyTable.empty { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = bits
        values[slot] = record
        count += 1
        return nil
    }

    @inline(__always)
    private func slot(of bits: UInt128) -> Int {
        let folded = UInt64(truncatingIfNeeded: bits) ^ (UInt64(truncatingIfNeeded: bits >> 64) &* 0xC2B2_AE3D_27D4_EB4F)
        return Int(truncatingIfNeeded: (folded &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt128](repeating: KeyTable.empty, count: oldKeys.count * 2)
        values = [KeptRecord](repeating: oldValues[0], count: oldKeys.count * 2)
        shift -= 1
        let mask = keys.count - 1
        for index in oldKeys.indices where oldKeys[index] != KeyTable.empty {
            var slot = slot(of: oldKeys[index])
            while keys[slot] != KeyTable.empty { slot = (slot + 1) & mask }
            keys[slot] = oldKeys[index]
            values[slot] = oldValues[index]
        }
    }
}
