/// Finds the blue invoice a red-letter invoice reverses, in its remark (DOMAIN.md, "Red-letter invoices").
///
/// Recognized: `被红冲蓝字数电票号码：<20 digits>` (also `…数电发票号码`) and
/// `对应正数发票代码:<10 or 12 digits>号码:<8 digits>`, with full- or half-width colons, optional spaces and
/// full-width digits. The result is a canonical key (`code-number` after the padding rules).
public enum RedLetterLink {
    private static let digitalMarkers = ["被红冲蓝字数电票号码", "被红冲蓝字数电发票号码"].map { Array($0.utf8) }
    private static let codeMarker = Array("对应正数发票代码".utf8)
    private static let numberMarker = Array("号码".utf8)

    /// The original invoice's key named in `remark`, or empty.
    public static func originalKey(inRemark remark: String) -> String {
        guard !remark.isEmpty else { return "" }
        let bytes = Array(UnicodeFolding.nfkc(remark).utf8)[...]
        for marker in digitalMarkers {
            if let after = end(of: marker, in: bytes), let digits = value(after: after, in: bytes, lengths: [20]) {
                return String(decoding: digits.digits, as: UTF8.self)
            }
        }
        guard let afterCode = end(of: codeMarker, in: bytes),
              let code = value(after: afterCode, in: bytes, lengths: [9, 10, 11, 12]) else { return "" }
        var rest = code.end
        while rest < bytes.endIndex, [UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: ";")].contains(bytes[rest]) {
            rest += 1
        }
        guard bytes[rest...].starts(with: numberMarker),
              let number = value(after: rest + numberMarker.count, in: bytes, lengths: Array(1...8)) else { return "" }
        let identity = IdentityNormalizer.identity(
            code: String(decoding: code.digits, as: UTF8.self), number: String(decoding: number.digits, as: UTF8.self),
            digital: "")
        return IdentityNormalizer.key(of: identity) ?? ""
    }

    /// The index just past the first occurrence of `marker`.
    private static func end(of marker: [UInt8], in bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= marker.count else { return nil }
        for start in bytes.startIndex...(bytes.endIndex - marker.count)
        where bytes[start] == marker[0] && bytes[start..<(start + marker.count)].elementsEqual(marker) {
            return start + marker.count
        }
        return nil
    }

    /// After optional spaces, a colon and optional spaces, a run of digits whose length is one of `lengths`.
    private static func value(after start: Int, in bytes: ArraySlice<UInt8>, lengths: [Int])
        -> (digits: ArraySlice<UInt8>, end: Int)?
    {
        var index = start
        func skipSpaces() { while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") { index += 1 } }
        skipSpaces()
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpaces()
        let digits = bytes[index...].prefix { (48...57).contains($0) }
        guard lengths.contains(digits.count) else { return nil }
        return (digits, digits.endIndex)
    }
}
