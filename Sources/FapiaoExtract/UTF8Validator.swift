/// How undecodable bytes travel through the decoded text: each raw byte `b` becomes the three bytes
/// `FF`, `80 | b >> 4`, `80 | b & 0F`. `FF` never occurs in UTF-8, and none of the three is ASCII, so the CSV
/// parser treats markers as ordinary field bytes; the field checks find them, report the raw bytes, and
/// empty the field.
enum UndecodableMarker {
    /// The first byte of every marker.
    static let lead: UInt8 = 0xFF

    /// Calls `emit` with the marker of each byte of `raw`.
    static func emit(_ raw: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(raw.count * 3)
        for byte in raw { encoded += [lead, 0x80 | byte >> 4, 0x80 | byte & 0x0F] }
        try encoded.withUnsafeBufferPointer { try emit($0) }
    }

    /// Splits decoded field bytes into text runs (`raw == false`) and undecodable raw bytes (`raw == true`).
    static func segments(_ bytes: UnsafeBufferPointer<UInt8>) -> [(raw: Bool, bytes: [UInt8])] {
        var result: [(raw: Bool, bytes: [UInt8])] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == lead, index + 2 < bytes.count {
                let byte = (bytes[index + 1] & 0x0F) << 4 | bytes[index + 2] & 0x0F
                if result.last?.raw == true { result[result.count - 1].bytes.append(byte) } else { result.append((true, [byte])) }
                index += 3
            } else {
                if result.last?.raw == false { result[result.count - 1].bytes.append(bytes[index]) }
                else { result.append((false, [bytes[index]])) }
                index += 1
            }
        }
        return result
    }
}

/// What a UTF-8 sequence starting at some byte is.
enum UTF8Sequence: Equatable {
    case valid(length: Int)
    case invalid
    /// A valid beginning cut off by the end of the buffer.
    case incomplete
}

/// Checks UTF-8 strictly (no overlong forms, no surrogates, nothing past U+10FFFF), incrementally: text is
/// passed on without copying; a sequence split across chunks is carried over; bad bytes become markers.
struct UTF8Validator {
    private var carry: [UInt8] = []

    /// Validates one chunk, calling `emit` with pieces of the output in order.
    mutating func decode(_ input: UnsafeBufferPointer<UInt8>, emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var index = 0
        if !carry.isEmpty {
            index = try completeCarry(input, emit: emit)
            guard carry.isEmpty else { return }
        }
        try scan(input, from: index, emit: emit)
    }

    /// Ends the input: a sequence still open is undecodable.
    mutating func finish(emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !carry.isEmpty else { return }
        try carry.withUnsafeBufferPointer { try UndecodableMarker.emit($0, emit) }
        carry = []
    }

    /// Classifies the sequence at `index`.
    @inline(__always)
    static func sequence(_ bytes: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> UTF8Sequence {
        let lead = bytes[index]
        if lead < 0x80 { return .valid(length: 1) }
        let length: Int, low: UInt8, high: UInt8
        switch lead {
        case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
        case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
        case 0xED: (length, low, high) = (3, 0x80, 0x9F)
        case 0xE1...0xEF: (length, low, high) = (3, 0x80, 0xBF)
        case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
        case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
        case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
        default: return .invalid
        }
        guard index + 1 < count else { return .incomplete }
        guard bytes[index + 1] >= low && bytes[index + 1] <= high else { return .invalid }
        for offset in 2..<length {
            guard index + offset < count else { return .incomplete }
            guard bytes[index + offset] & 0xC0 == 0x80 else { return .invalid }
        }
        return .valid(length: length)
    }

    /// Finishes the carried sequence with the first bytes of `input`; returns where the rest of `input` starts.
    private mutating func completeCarry(
        _ input: UnsafeBufferPointer<UInt8>, emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws -> Int {
        let taken = min(4 - carry.count, input.count)
        let carried = carry.count
        var joined = carry + input.prefix(taken)
        let kind = joined.withUnsafeBufferPointer { UTF8Validator.sequence($0.baseAddress!, 0, $0.count) }
        switch kind {
        case .incomplete:
            carry = joined
            return input.count
        case .valid(let length):
            carry = []
            try joined.withUnsafeMutableBufferPointer { try emit(UnsafeBufferPointer(rebasing: $0[0..<length])) }
            return length - carried
        case .invalid:
            joined = carry
            carry = []
            try joined.withUnsafeBufferPointer { try UndecodableMarker.emit($0, emit) }
            return 0
        }
    }

    /// Passes valid runs on as they are, marks bad bytes, and carries an incomplete sequence at the end.
    private mutating func scan(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, emit: (UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        guard let base = input.baseAddress else { return }
        let count = input.count
        var index = start, runStart = start
        while index < count {
            index = UTF8Validator.skipASCII(base, index, count)
            index = UTF8Validator.skipThreeByte(base, index, count)
            guard index < count else { break }
            if base[index] < 0x80 { continue }
            switch UTF8Validator.sequence(base, index, count) {
            case .valid(let length):
                index += length
            case .invalid:
                if index > runStart { try emit(UnsafeBufferPointer(start: base + runStart, count: index - runStart)) }
                try UndecodableMarker.emit(UnsafeBufferPointer(start: base + index, count: 1), emit)
                index += 1
                runStart = index
            case .incomplete:
                if index > runStart { try emit(UnsafeBufferPointer(start: base + runStart, count: index - runStart)) }
                carry = Array(UnsafeBufferPointer(start: base + index, count: count - index))
                return
            }
        }
        if count > runStart { try emit(UnsafeBufferPointer(start: base + runStart, count: count - runStart)) }
    }

    /// The index after a run of three-byte sequences starting at `index` whose lead is E1–EC, EE or EF (the
    /// leads whose continuation bytes may be any of 80–BF: most CJK text), checked without classifying.
    @inline(__always)
    static func skipThreeByte(_ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> Int {
        var index = index
        while index + 3 <= count {
            let lead = base[index]
            guard lead >= 0xE1 && lead != 0xED && lead <= 0xEF,
                  base[index + 1] & 0xC0 == 0x80, base[index + 2] & 0xC0 == 0x80 else { break }
            index += 3
        }
        return index
    }

    /// The index of the first non-ASCII byte at or after `index`, eight bytes at a time.
    @inline(__always)
    static func skipASCII(_ base: UnsafePointer<UInt8>, _ index: Int, _ count: Int) -> Int {
        var index = index
        let raw = UnsafeRawPointer(base)
        while index + 8 <= count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count && base[index] < 0x80 { index += 1 }
        return index
    }
}
