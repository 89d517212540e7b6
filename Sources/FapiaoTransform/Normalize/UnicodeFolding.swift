import Foundation

/// Unicode normalization (NFC, NFKC) with fast paths for the text invoices hold.
///
/// Nearly every value in an export is ASCII, CJK ideographs or full-width forms. For those the result
/// is computed scalar by scalar without Foundation; anything else (combining marks, compatibility
/// ideographs, letterlike symbols) goes through Foundation's full normalization. A property test checks that
/// both paths agree.
public enum UnicodeFolding {
    /// NFC: canonical composition. Never changes what a name means.
    public static func nfc(_ text: String) -> String {
        for scalar in text.unicodeScalars where !isNFCStable(scalar.value) {
            return text.precomposedStringWithCanonicalMapping
        }
        return text
    }

    /// NFKC: compatibility composition; folds full-width digits, letters and punctuation (`１２３．５` → `123.5`)
    /// and U+3000 to a space. Only for numbers, identifiers and dates, never for names or remarks.
    public static func nfkc(_ text: String) -> String {
        var needsWork = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 || isNFKCStable(value) { continue }
            guard fastCompatibilityFold(value) != nil else { return text.precomposedStringWithCompatibilityMapping }
            needsWork = true
        }
        guard needsWork else { return text }
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            folded.append(fastCompatibilityFold(scalar.value) ?? scalar)
        }
        return String(folded)
    }

    /// The NFKC image of a scalar the fast path folds: full-width ASCII, the ideographic space, `￥`.
    static func fastCompatibilityFold(_ value: UInt32) -> Unicode.Scalar? {
        switch value {
        case 0xFF01...0xFF5E: return Unicode.Scalar(value - 0xFEE0)
        case 0x3000: return " "
        case 0xFFE5: return "\u{A5}"
        default: return nil
        }
    }

    /// Scalars NFKC leaves alone and that never combine with a neighbour.
    static func isNFKCStable(_ value: UInt32) -> Bool {
        switch value {
        case 0xA5, 0x2212, 0x3001...0x3002, 0x3400...0x4DBF, 0x4E00...0x9FFF: return true
        default: return false
        }
    }

    /// Scalars NFC leaves alone and that never combine with a neighbour.
    static func isNFCStable(_ value: UInt32) -> Bool {
        switch value {
        case 0..<0x300, 0x3000..<0x302A, 0x3030..<0x3099, 0x309B..<0x3100, 0x3400..<0x4DC0, 0x4E00..<0xA000,
             0xFF00..<0xFFF0:
            return true
        default: return false
        }
    }
}
