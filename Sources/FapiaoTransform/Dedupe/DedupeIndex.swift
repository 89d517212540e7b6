import FapiaoCore

/// Where the kept record of a key is, and a digest of its canonical fields: 16 bytes per key plus the
/// 16-byte packed key itself, so the index stays at tens of bytes per invoice.
struct KeptRecord: Equatable, Sendable {
    /// FNV-1a digest of the canonical fields (provenance and branch aside).
    var digest: UInt64
    /// Index into the index's file table.
    var file: UInt32
    /// The kept record's line (saturated at `UInt32.max`).
    var line: UInt32
    /// The kept record's source, by position in the pipeline.
    var source: UInt16
}

/// What the index says about a record's key.
enum DedupeVerdict: Equatable, Sendable {
    /// First time seen: keep the record.
    case first
    /// Seen before: remove this record; the kept one is described.
    case duplicate(of: KeptRecord, keptFile: String, identical: Bool)
}

/// The dedupe index: canonical key (packed) → the kept record. Records arrive in keep order (sources in
/// pipeline order, then file, then line), so the first record seen for a key is the one kept.
struct DedupeIndex: Sendable {
    private var kept = KeyTable()
    private var fileIDs: [String: UInt32] = [:]
    private var files: [String] = []

    /// Keys held.
    var count: Int { kept.count }

    /// Makes room for about `keys` keys up front (growing a large table costs a rehash and, meanwhile,
    /// both tables' memory).
    mutating func reserve(_ keys: Int) { kept.reserve(keys) }

    /// Loads the table slots `keys` will claim (see `KeyTable.touch`).
    func touch(_ keys: [PackedKey]) -> UInt64 { kept.touch(keys) }

    /// Records `key` for a record at `location` with `digest`, or reports the record kept before.
    mutating func admit(_ key: PackedKey, digest: UInt64, location: InputLocation, source: Int) -> DedupeVerdict {
        admit(key, digest: digest, file: fileID(location.file), line: location.line, source: source)
    }

    /// `admit(_:digest:location:source:)` with the file given by its `fileID`.
    mutating func admit(_ key: PackedKey, digest: UInt64, file: UInt32, line: Int, source: Int) -> DedupeVerdict {
        let record = KeptRecord(digest: digest, file: file, line: UInt32(clamping: line),
                                source: UInt16(clamping: source))
        guard let previous = kept.claim(key, for: record) else { return .first }
        return .duplicate(of: previous, keptFile: files[Int(previous.file)], identical: previous.digest == digest)
    }

    /// The number of a file in the index's file table.
    mutating func fileID(_ file: String) -> UInt32 {
        if let id = fileIDs[file] { return id }
        let id = UInt32(clamping: files.count)
        files.append(file)
        fileIDs[file] = id
        return id
    }
}

/// A 64-bit digest of an invoice's canonical fields, provenance and branch aside: equal digests mean
/// identical duplicates. Deterministic across runs (unlike `Hasher`); reads eight bytes at a time.
enum RecordDigest {
    /// The digest of a `canonicalRow`: its canonical fields before `branch`, then none of the provenance.
    static func digest(canonicalRow row: [String]) -> UInt64 {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for value in row.prefix(CanonicalField.branch.order) {
            bytes.append(contentsOf: value.utf8)
            ends.append(bytes.count)
            bytes.append(UInt8(ascii: ","))
        }
        return bytes.withUnsafeBufferPointer { bytes in
            ends.withUnsafeBufferPointer { digest(fields: bytes, ends: $0, from: 0) }
        }
    }

    /// The digest of fields given back to back in `fields`, field `i` ending at `ends[i] - base`.
    static func digest(fields: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, from base: Int) -> UInt64 {
        scan(fields: fields, ends: ends, from: base).digest
    }

    /// The digest, and in the same pass the commas in `fields` and whether it may hold a quote, CR or LF
    /// (what decides if a row needs quoting: `quotesOrBreaks` is also set by other bytes below 0x0E, which
    /// only sends the row to the field-by-field writer, whose output is the same). Four independent lanes of 8 bytes each per step (the multiplications
    /// of one lane no longer wait for each other's results), folded together at the end.
    static func scan(fields: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, from base: Int)
        -> (digest: UInt64, commas: Int, quotesOrBreaks: Bool)
    {
        var lanes = (UInt64(0xcbf2_9ce4_8422_2325), UInt64(0x8422_2325_cbf2_9ce4), UInt64(0x27d4_eb2f_1656_67c5),
                     UInt64(0x1656_67c5_27d4_eb2f))
        var commas = 0, special: UInt64 = 0
        let raw = UnsafeRawBufferPointer(fields)
        var offset = 0
        @inline(__always) func look(_ word: UInt64) {
            commas &+= matches(word, UInt8(ascii: ",")).nonzeroBitCount
            special |= matches(word, 0x22) | anyBelow0E(word)  // CR, LF, and the rare other control byte
        }
        while offset + 32 <= raw.count {
            let words = (raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
                         raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self),
                         raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self),
                         raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
            lanes = (mix(lanes.0, words.0), mix(lanes.1, words.1), mix(lanes.2, words.2), mix(lanes.3, words.3))
            look(words.0); look(words.1); look(words.2); look(words.3)
            offset += 32
        }
        while offset + 8 <= raw.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            lanes.0 = mix(lanes.0, word)
            look(word)
            offset += 8
        }
        var tail: UInt64 = 0
        for index in offset..<raw.count {
            let byte = raw[index]
            tail |= UInt64(byte) << (8 * UInt64(index - offset))
            if byte == UInt8(ascii: ",") { commas += 1 }
            if byte == 0x22 || byte < 0x0E { special = 1 }
        }
        lanes.1 = mix(lanes.1, tail ^ UInt64(raw.count - offset) << 59)
        var index = 0
        while index + 1 < ends.count {  // two field ends a word, alternating lanes 2 and 3
            let pair = UInt64(UInt32(truncatingIfNeeded: ends[index] - base))
                | UInt64(UInt32(truncatingIfNeeded: ends[index + 1] - base)) << 32
            if index & 2 == 0 { lanes.2 = mix(lanes.2, pair) } else { lanes.3 = mix(lanes.3, pair) }
            index += 2
        }
        if index < ends.count { lanes.2 = mix(lanes.2, UInt64(ends[index] - base) | 1 << 63) }
        let hash = mix(mix(mix(lanes.0, lanes.1), lanes.2), lanes.3 ^ UInt64(ends.count))
        return (hash, commas, special != 0)
    }

    /// Nonzero when some byte of `word` is below 0x0E (the classic "has less" test: exact for "any").
    @inline(__always)
    private static func anyBelow0E(_ word: UInt64) -> UInt64 {
        (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `word` that equals `byte`, the other bits clear.
    @inline(__always)
    private static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
        return ~(((x & low) &+ low) | x | low)
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let product = (hash ^ word).multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
        return product.high ^ product.low
    }
}
