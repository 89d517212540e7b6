import FapiaoCore

/// Writes one source's rows into `<source>.csv` (`_source,_file,_line`, then the extracted fields) straight
/// from the readers' bytes, checking each field on the way, and collects the current file's
/// `encoding_error` findings and rejects.
///
/// A field of plain ASCII without NUL costs one table lookup per byte; only other fields go to the
/// `FieldInspector`. A constant fills its field when the field is not mapped or its cell is empty.
struct RecordEmitter {
    let source: SourceSpec
    let fields: [CanonicalField]
    private let writer: StagedFileWriter
    private let constants: [[UInt8]?]
    private let classes: [UInt8] = RecordEmitter.byteClasses()
    private var prefix: [UInt8] = []
    private var file = ""
    private(set) var inspector = FieldInspector(encoding: .utf8)
    /// The current file's findings (`encoding_error`, `invalid_record`).
    private(set) var findings: [Discrepancy] = []
    /// The current file's rejects (`rejects.csv` rows).
    private(set) var rejects: [[String]] = []
    /// Rows the current file wrote.
    private(set) var written = 0

    /// An emitter writing into `writer`, whose header it writes.
    init(source: SourceSpec, writer: StagedFileWriter) throws {
        self.source = source
        self.writer = writer
        fields = source.extractedFields
        constants = fields.map { field in
            source.constants[field].map { value in
                var out: [UInt8] = []
                CSVFormatter.appendField(value, to: &out)
                return out
            }
        }
        let header = ProvenanceColumn.names + fields.map(\.rawValue)
        var headerLine: [UInt8] = []
        CSVFormatter.append(header, to: &headerLine)
        try writer.append { $0.append(headerLine) }
    }

    /// Starts a file: resets the per-file findings and rejects.
    mutating func beginFile(_ relativePath: String, encoding: TextEncoding) {
        file = relativePath
        inspector = FieldInspector(encoding: encoding)
        prefix = []
        CSVFormatter.append([source.name, relativePath], to: &prefix)
        prefix[prefix.count - 1] = UInt8(ascii: ",")
        findings = []
        rejects = []
        written = 0
    }

    /// Sets the encoding the current file's fields were decoded from (once it is known).
    mutating func setEncoding(_ encoding: TextEncoding) { inspector = FieldInspector(encoding: encoding) }

    /// The `file`/`line`/`source` place of the current file, for findings.
    var location: (source: SourceSpec, file: String) { (source, file) }

    /// Writes one record; `cell(i)` gives the bytes of field `i`, or nil when the field is not mapped.
    mutating func write(line: Int, cell: (Int) -> UnsafeBufferPointer<UInt8>?) throws {
        try writer.append { out in
            out.append(prefix)
            out.appendDecimal(line)
            for index in 0..<fields.count {
                out.append(UInt8(ascii: ","))
                if let bytes = cell(index), !bytes.isEmpty {
                    appendCell(bytes, field: index, line: line, to: &out)
                } else if let constant = constants[index] {
                    out.append(constant)
                }
            }
            out.append(0x0A)
        }
        written += 1
    }

    /// Records a rejected record: a `rejects.csv` row and its `invalid_record` finding.
    mutating func reject(line: Int, reason: String, raw: String, zh: String, en: String) {
        rejects.append([source.name, file, String(line), reason, "", raw])
        findings.append(Discrepancy(
            type: .invalidRecord, severity: .high, branch: branchName, source: source.name, field: "",
            branchValue: raw, file: file, line: line, messageZh: zh, messageEn: en,
            action: "请门店核对该行并重新导出 / Ask the branch to check this record and re-export"))
    }

    /// `field=value` pairs of the mapped cells present, joined with ` | ` (undecodable bytes as `\xNN`).
    func rawText(cell: (Int) -> UnsafeBufferPointer<UInt8>?) -> String {
        fields.indices.compactMap { index in
            cell(index).map { "\(fields[index].rawValue)=\(HeaderName.display($0))" }
        }.joined(separator: " | ")
    }

    private var branchName: String { source.role == .branch ? source.name : "" }

    private mutating func appendCell(_ bytes: UnsafeBufferPointer<UInt8>, field: Int, line: Int, to out: inout OutputBuffer) {
        let flags = RecordEmitter.byteFlags(bytes, table: classes)
        if flags & 0b110 != 0 {
            switch inspector.inspect(bytes) {
            case .clean: break
            case .undecodable(let hex):
                findings.append(undecodable(hex: hex, field: fields[field], line: line, nul: !bytes.contains(0xFF)))
                return
            case .textLost(let found, let kind):
                findings.append(textLost(found: found, kind: kind, field: fields[field], line: line))
                return
            case .repaired(let text, let found, let kind):
                findings.append(repaired(text: text, found: found, kind: kind, field: fields[field], line: line))
                text.withUnsafeBufferPointer { text in
                    if CSVFormatter.needsQuotes(text) { out.appendQuoted(text) } else { out.append(text) }
                }
                return
            }
        }
        if flags & 1 == 0 { out.append(bytes) } else { out.appendQuoted(bytes) }
    }

    /// The union of the byte classes of `bytes`: eight bytes at a time (`wordFlags`), the last few through
    /// the table.
    @inline(__always)
    private static func byteFlags(_ bytes: UnsafeBufferPointer<UInt8>, table: [UInt8]) -> UInt8 {
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base), count = bytes.count
        var flags: UInt8 = 0, index = 0
        while index + 8 <= count {
            flags |= wordFlags(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        guard index < count else { return flags }
        return table.withUnsafeBufferPointer { table in
            for byte in UnsafeBufferPointer(rebasing: bytes[index...]) { flags |= table[Int(byte)] }
            return flags
        }
    }

    /// The byte classes of eight bytes at once (as `byteClasses`): bit 1 when one is `,` `"` CR or LF, bit 2
    /// when one is not ASCII, bit 4 when one is NUL.
    @inline(__always)
    static func wordFlags(_ word: UInt64) -> UInt8 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        var flags: UInt8 = word & (ones &* 0x80) != 0 ? 2 : 0
        if hasZeroByte(word) { flags |= 4 }
        if hasZeroByte(word ^ (ones &* 0x2C)) || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x0A))
            || hasZeroByte(word ^ (ones &* 0x0D)) {
            flags |= 1
        }
        return flags
    }

    /// True when one of the eight bytes is zero (exact: borrows only reach bytes above a zero byte).
    @inline(__always)
    static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Bit 1: the byte needs quoting (`,` `"` CR LF); bit 2: not ASCII; bit 4: NUL.
    static func byteClasses() -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in [UInt8(ascii: ","), 0x22, 0x0A, 0x0D] { table[Int(byte)] = 1 }
        for byte in 0x80...0xFF { table[byte] = 2 }
        table[0] = 4
        return table
    }
}

