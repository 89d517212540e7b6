import FapiaoCore

/// What the first bytes of an XML document say about its encoding.
enum XMLDeclaration {
    /// The `encoding` of an `<?xml … ?>` declaration at the start (after a UTF-8 BOM), or nil.
    static func encoding(in prefix: [UInt8]) -> String? {
        var bytes = prefix[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard bytes.starts(with: Array("<?xml".utf8)),
              let end = firstIndex(of: Array("?>".utf8), in: bytes) else { return nil }
        let declaration = bytes[bytes.startIndex..<end]
        guard let key = firstIndex(of: Array("encoding".utf8), in: declaration) else { return nil }
        var index = key + 8
        func skipSpaces() { while index < end && [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        skipSpaces()
        guard index < end, bytes[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        skipSpaces()
        guard index < end, bytes[index] == 0x22 || bytes[index] == 0x27 else { return nil }
        let quote = bytes[index]
        let valueStart = index + 1
        guard let valueEnd = bytes[valueStart..<end].firstIndex(of: quote) else { return nil }
        let value = String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self)
        return value.isEmpty ? nil : value
    }

    /// The encoding to hand libxml2 instead of the document's own choice: GB18030 for a declared GBK,
    /// GB2312 or GB18030 (libxml2's GBK converter rejects four-byte sequences); without a declaration, the
    /// source's `encoding:` when it is not `auto` or UTF-8; otherwise nil (libxml2 follows the BOM and the
    /// declaration).
    static func encodingForParser(declared: String?, source: SourceEncoding) -> String? {
        if let declared {
            let name = declared.uppercased()
            return ["GBK", "GB2312", "GB18030", "CP936", "X-GBK", "EUC-CN"].contains(name) ? "GB18030" : nil
        }
        switch source {
        case .gb18030, .gbk, .gb2312: return "GB18030"
        case .utf16le: return "UTF-16LE"
        case .utf16be: return "UTF-16BE"
        case .auto, .utf8, .utf16: return nil
        }
    }

    private static func firstIndex(of needle: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = bytes.startIndex
        while index + needle.count <= bytes.endIndex {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
