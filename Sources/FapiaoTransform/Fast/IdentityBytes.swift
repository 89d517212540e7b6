import FapiaoCore

/// `IdentityNormalizer.identity` and `key` on bytes: code, number and digital number of one record.
struct IdentityBytes {
    private var code: [UInt8] = []
    private var number: [UInt8] = []
    private var digital: [UInt8] = []
    private let template = FastRecord.noKey

    init() {
        code.reserveCapacity(32)
        number.reserveCapacity(32)
        digital.reserveCapacity(32)
    }

    /// Reads the three identity columns (unmapped ones empty); false when the `String` path is needed.
    mutating func read(code rawCode: UnsafeBufferPointer<UInt8>, number rawNumber: UnsafeBufferPointer<UInt8>,
                       digital rawDigital: UnsafeBufferPointer<UInt8>) -> Bool {
        if !code.isEmpty { code.removeAll(keepingCapacity: true) }  // (a call each: skipped when empty)
        if !number.isEmpty { number.removeAll(keepingCapacity: true) }
        if !digital.isEmpty { digital.removeAll(keepingCapacity: true) }
        guard ByteFields.digits(rawCode, into: &code) != .slow, ByteFields.digits(rawNumber, into: &number) != .slow,
              ByteFields.digits(rawDigital, into: &digital) != .slow else { return false }
        ByteFields.pad(from: 0, in: &code, lengths: ByteFields.codeLength)
        if digital.count != 20 { digital.removeAll(keepingCapacity: true) }
        if number.count == 20 {
            if digital.isEmpty { swap(&digital, &number) }
            number.removeAll(keepingCapacity: true)
        } else {
            ByteFields.pad(from: 0, in: &number, lengths: ByteFields.numberLength)
        }
        return true
    }

    /// The packed key (`IdentityNormalizer.packedKey`), nil when the record has no key.
    var packedKey: PackedKey? {
        var key = template
        if !digital.isEmpty {
            key.bits = IdentityBytes.decimal(digital)
        } else if !code.isEmpty, !number.isEmpty {
            key.bits = (UInt128(1) << 127) | (UInt128(code.count) << 120)
                | (IdentityBytes.decimal(code) * 100_000_000 + IdentityBytes.decimal(number))
        } else {
            return nil
        }
        return key
    }

    /// Appends `invoice_key`, `invoice_code`, `invoice_number` and `digital_number`.
    func appendKeyAndParts(to record: inout FastRecord) {
        if !digital.isEmpty {
            digital.withUnsafeBufferPointer { record.bytes.append(contentsOf: $0) }
        } else {
            code.withUnsafeBufferPointer { record.bytes.append(contentsOf: $0) }
            record.bytes.append(UInt8(ascii: "-"))
            number.withUnsafeBufferPointer { record.bytes.append(contentsOf: $0) }
        }
        record.endField()
        record.appendField(code)
        record.appendField(number)
        record.appendField(digital)
    }

    private static func decimal(_ digits: [UInt8]) -> UInt128 {
        var value: UInt128 = 0
        for byte in digits { value = value * 10 + UInt128(byte - 48) }
        return value
    }
}

/// The red-letter markers `RedLetterLink` looks for in a remark.
enum RedLetterMarkers {
    /// The parts every marker starts with; NFKC never makes these characters out of others in a remark
    /// the fast path accepts, so a remark without them names no original invoice.
    private static let stems = ["被红冲蓝字数电", "对应正数发票代码"].map { Array($0.utf8) }

    /// True when `remark` (cleaned) may name the invoice a red-letter invoice reverses.
    static func mayName(_ remark: [UInt8]) -> Bool {
        stems.contains { stem in
            remark.count >= stem.count && (0...(remark.count - stem.count)).contains { start in
                remark[start] == stem[0] && remark[start..<(start + stem.count)].elementsEqual(stem)
            }
        }
    }
}
