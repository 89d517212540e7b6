/// Writes RFC 4180 rows (LF line ends): a field is quoted when it holds the delimiter, a quote, CR or LF.
public enum CSVFormatter {
    /// Appends one row and its line break to `output`.
    public static func append(_ row: [String], to output: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        for (index, value) in row.enumerated() {
            if index > 0 { output.append(delimiter) }
            appendField(value, to: &output, delimiter: delimiter)
        }
        output.append(0x0A)
    }

    /// Appends one field, quoted when needed.
    public static func appendField(_ value: String, to output: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        var value = value
        value.withUTF8 { appendField(bytes: $0, to: &output, delimiter: delimiter) }
    }

    /// Appends one field given as UTF-8 bytes, quoted when needed (the byte-level path of hot loops).
    public static func appendField(
        bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8], delimiter: UInt8 = UInt8(ascii: ",")
    ) {
        guard needsQuotes(bytes, delimiter: delimiter) else { output.append(contentsOf: bytes); return }
        appendQuoted(bytes, to: &output)
    }

    /// True when a field must be quoted: it holds the delimiter, a double quote, CR or LF.
    @inlinable
    public static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8 = UInt8(ascii: ",")) -> Bool {
        for byte in bytes where byte == delimiter || byte == 0x22 || byte == 0x0A || byte == 0x0D { return true }
        return false
    }

    /// Appends a field in double quotes, doubling the quotes inside.
    public static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        output.append(0x22)
        var runStart = 0
        for index in 0..<bytes.count where bytes[index] == 0x22 {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...index]))
            output.append(0x22)
            runStart = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        output.append(0x22)
    }
}
