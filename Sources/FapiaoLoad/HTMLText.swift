import Foundation

/// Byte-level text helpers for the report, each equal to the Foundation call it replaces.
///
/// A match whose neighbours are all ASCII cannot sit inside a larger grapheme cluster, so a byte search finds
/// exactly what a character search finds; where a neighbour is not ASCII, the Foundation call decides.
enum HTMLText {
    private static let separator = Array(" / ".utf8)

    /// `components(separatedBy: " / ")` as the action cell uses it: the text before the first separator,
    /// and the rest re-joined (nil when there is no separator).
    static func splitAction(_ action: String) -> (String, String?) {
        let bytes = Array(action.utf8)
        guard let at = firstSeparator(in: bytes) else { return (action, nil) }
        let before = at > 0 ? bytes[at - 1] : 0, after = at + 3 < bytes.count ? bytes[at + 3] : 0
        guard before < 0x80, after < 0x80 else { return foundationSplit(action) }
        return (String(decoding: bytes[..<at], as: UTF8.self), String(decoding: bytes[(at + 3)...], as: UTF8.self))
    }

    /// `replacingOccurrences(of: "/", with: "/<wbr>")`.
    static func breakableSlashes(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "/")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        for (index, byte) in bytes.enumerated() {
            out.append(byte)
            guard byte == UInt8(ascii: "/") else { continue }
            let before = index > 0 ? bytes[index - 1] : 0, after = index + 1 < bytes.count ? bytes[index + 1] : 0
            guard before < 0x80, after < 0x80 else { return text.replacingOccurrences(of: "/", with: "/<wbr>") }
            out.append(contentsOf: "<wbr>".utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func firstSeparator(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 3 else { return nil }
        return (0...(bytes.count - 3)).first { bytes[$0] == 0x20 && bytes[$0 + 1] == 0x2F && bytes[$0 + 2] == 0x20 }
    }

    private static func foundationSplit(_ action: String) -> (String, String?) {
        let parts = action.components(separatedBy: " / ")
        return (parts.first ?? "", parts.count > 1 ? parts.dropFirst().joined(separator: " / ") : nil)
    }
}
