/// Cleans free text: names, identifiers, vocabulary values and remarks.
///
/// Every text value loses zero-width and control characters, is trimmed, and has each inner run of
/// whitespace (spaces, tabs, line breaks, U+3000) collapsed to one space. Names and remarks are then NFC;
/// numbers, identifiers and dates NFKC (`clean(_:folding:)`).
public enum TextNormalizer {
    /// Which Unicode normalization a value gets.
    public enum Folding: Sendable {
        /// Canonical (names, remarks): `Ⅲ` and `㎡` stay as written.
        case nfc
        /// Compatibility (numbers, identifiers, dates): full-width `１２３` becomes `123`.
        case nfkc
    }

    /// `--`, the export placeholder for "no value", read as empty in every field.
    public static let placeholder = "--"

    /// Trims, collapses inner whitespace, removes invisible characters and applies `folding`.
    /// A value that is only the placeholder `--` becomes empty.
    public static func clean(_ text: String, folding: Folding) -> String {
        let visible = removingInvisibles(text)
        let folded = folding == .nfc ? UnicodeFolding.nfc(visible) : UnicodeFolding.nfkc(visible)
        let collapsed = collapsingWhitespace(folded)
        return collapsed == placeholder ? "" : collapsed
    }

    /// A remark: invisible characters removed, NFC, CRLF and CR → LF, spaces collapsed inside each line,
    /// each line and the whole text trimmed; blank lines kept only between text.
    public static func remark(_ text: String) -> String {
        let visible = UnicodeFolding.nfc(removingInvisibles(text))
        if !visible.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            let line = collapsingWhitespace(visible)
            return line == placeholder ? "" : line
        }
        var lines: [String] = []
        var line = String.UnicodeScalarView()
        var afterCR = false
        for scalar in visible.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            if scalar == "\n" && afterCR { continue }
            if scalar == "\n" || scalar == "\r" {
                lines.append(collapsingWhitespace(String(line)))
                line = String.UnicodeScalarView()
            } else {
                line.append(scalar)
            }
        }
        lines.append(collapsingWhitespace(String(line)))
        while lines.last?.isEmpty == true { lines.removeLast() }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        let joined = lines.joined(separator: "\n")
        return joined == placeholder ? "" : joined
    }

    /// True for characters that carry no visible text: C0/C1 controls other than whitespace, zero-width
    /// spaces and joiners, the word joiner, bidi marks and embeddings, the BOM, the soft hyphen.
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool { isInvisible(scalar.value) }

    /// `isInvisible` of a scalar value.
    @inline(__always)
    static func isInvisible(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D: return false
        case 0x00...0x1F, 0x7F...0x9F, 0xAD: return true
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// Removes invisible characters (whitespace, line breaks included, stays).
    static func removingInvisibles(_ text: String) -> String {
        var clean = true
        for scalar in text.unicodeScalars where isInvisible(scalar) { clean = false; break }
        if clean { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isInvisible(scalar) { out.append(scalar) }
        return String(out)
    }

    /// Trims and replaces every inner run of whitespace by one U+0020.
    static func collapsingWhitespace(_ text: String) -> String {
        if isCollapsed(text) { return text }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// True when `text` has no leading, trailing, doubled or non-ASCII-space whitespace.
    private static func isCollapsed(_ text: String) -> Bool {
        var previousSpace = true
        for scalar in text.unicodeScalars {
            let space = isSpace(scalar)
            if space && (previousSpace || scalar != " ") { return false }
            previousSpace = space
        }
        return !previousSpace || text.isEmpty
    }

    /// Unicode `White_Space` (including U+3000 and line breaks), without a property-table lookup.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool { isSpace(scalar.value) }

    /// `isSpace` of a scalar value.
    @inline(__always)
    static func isSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
