import FapiaoCore

/// A workbook's shared strings (`xl/sharedStrings.xml`), held packed: one byte buffer and the end offset of each
/// string (cells of type `s` hold an index into it). The only part of a workbook held whole in memory; its size
/// is bounded by `limits.max_inflated_bytes` of its entry.
struct XLSXSharedStrings {
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []

    /// The number of strings.
    var count: Int { ends.count }

    /// Calls `body` with string `index`; nil when there is no such string.
    func withString<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T? {
        guard index >= 0, index < ends.count else { return nil }
        let start = index == 0 ? 0 : ends[index - 1]
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<ends[index]])) }
    }

    /// Appends text to the string being read.
    mutating func append(_ text: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: text) }

    /// Ends the string being read (begun at `start`), decoding its `_xHHHH_` escapes.
    mutating func endString(from start: Int) {
        ExcelText.unescape(&bytes, from: start)
        ends.append(bytes.count)
    }
}

/// Reads `xl/sharedStrings.xml`: each `<si>` is one string, the concatenation of its `<t>` texts (plain or in
/// rich-text runs `<r>`), phonetic runs (`<rPh>`) left out.
final class XLSXSharedStringsPart: XMLEventHandler {
    /// The strings read.
    private(set) var strings = XLSXSharedStrings()
    private var itemDepth: Int?
    private var itemStart = 0
    private var phoneticDepth: Int?
    private var textDepth: Int?

    func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition) {
        if name.elementsEqual("si".utf8) {
            itemDepth = depth
            itemStart = strings.bytes.count
        } else if itemDepth != nil && phoneticDepth == nil {
            if name.elementsEqual("rPh".utf8) { phoneticDepth = depth } else if name.elementsEqual("t".utf8) { textDepth = depth }
        }
    }

    func endElement(depth: Int) {
        if depth == textDepth { textDepth = nil }
        if depth == phoneticDepth { phoneticDepth = nil }
        if depth == itemDepth {
            itemDepth = nil
            strings.endString(from: itemStart)
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) { if textDepth != nil { strings.append(bytes) } }
}

/// Text as xlsx stores it.
enum ExcelText {
    /// Decodes the `_xHHHH_` escapes (ECMA-376 ST_Xstring: a character XML cannot hold, such as `_x000D_` for a
    /// carriage return; `_x005F_` escapes a literal underscore) in `bytes[start...]`, in place.
    static func unescape(_ bytes: inout [UInt8], from start: Int) {
        guard bytes[start...].contains(UInt8(ascii: "_")) else { return }
        var out: [UInt8] = []
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "_"), let scalar = escape(bytes, at: index) {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
                index += 7
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        bytes.replaceSubrange(start..., with: out)
    }

    /// The character of a `_xHHHH_` escape at `index`, or nil.
    private static func escape(_ bytes: [UInt8], at index: Int) -> Unicode.Scalar? {
        guard index + 7 <= bytes.count, bytes[index + 1] == UInt8(ascii: "x"), bytes[index + 6] == UInt8(ascii: "_") else {
            return nil
        }
        var value: UInt32 = 0
        for byte in bytes[(index + 2)..<(index + 6)] {
            guard let digit = hexValue(byte) else { return nil }
            value = value * 16 + digit
        }
        return Unicode.Scalar(value)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 48...57: return UInt32(byte - 48)
        case 65...70: return UInt32(byte - 55)
        case 97...102: return UInt32(byte - 87)
        default: return nil
        }
    }
}
