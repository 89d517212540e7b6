import FapiaoCore

/// Reads invoice identities: code, number and 20-digit digital number, as DESIGN.md's "Identity" says.
///
/// Digits are folded (full-width, spaces, an Excel `'` or `="…"` wrapper, a `.0` a spreadsheet added);
/// `--` or blank is empty. Dropped leading zeros are restored without a finding: a number of 1–7 digits is
/// padded to 8, a code of 9 digits to 10 and of 11 to 12. A 20-digit value in the number column is the
/// digital number. A record's key is its digital number, else `code-number`; a number without a code is no key.
public enum IdentityNormalizer {
    /// Code length as found → length after padding.
    static let codeLengths = [9: 10, 10: 10, 11: 12, 12: 12]
    /// Number length as found → length after padding.
    static let numberLengths = [1: 8, 2: 8, 3: 8, 4: 8, 5: 8, 6: 8, 7: 8, 8: 8]

    /// Reads the three identity columns (unmapped columns are passed as empty).
    public static func identity(code rawCode: String, number rawNumber: String, digital rawDigital: String)
        -> InvoiceIdentity
    {
        let code = padded(digits(rawCode), lengths: codeLengths) ?? ""
        let numberDigits = digits(rawNumber) ?? ""
        var digital = digits(rawDigital).flatMap { $0.utf8.count == 20 ? $0 : nil } ?? ""
        var number = ""
        if numberDigits.utf8.count == 20 {
            if digital.isEmpty { digital = numberDigits }
        } else {
            number = padded(numberDigits, lengths: numberLengths) ?? ""
        }
        return InvoiceIdentity(code: code, number: number, digitalNumber: digital)
    }

    /// The canonical key: the digital number, else `code-number`; nil without either (a bare number is no key).
    public static func key(of identity: InvoiceIdentity) -> String? {
        if !identity.digitalNumber.isEmpty { return identity.digitalNumber }
        if !identity.code.isEmpty, !identity.number.isEmpty { return identity.code + "-" + identity.number }
        return nil
    }

    /// The compact form the dedupe index holds (16 bytes), for a record that has a key.
    public static func packedKey(of identity: InvoiceIdentity) -> PackedKey? {
        if !identity.digitalNumber.isEmpty { return identity.packedDigital }
        return identity.packedLegacy
    }

    /// The digits of an identity value, or nil when it is blank, `--`, or holds anything but digits.
    public static func digits(_ raw: String) -> String? {
        var text = TextNormalizer.clean(raw, folding: .nfkc)
        text.removeAll { $0 == " " }
        if text.hasPrefix("=\""), text.hasSuffix("\""), text.utf8.count >= 3 { text = String(text.dropFirst(2).dropLast()) }
        if text.hasPrefix("'") { text.removeFirst() }
        if let dot = text.firstIndex(of: "."), text[text.index(after: dot)...].allSatisfy({ $0 == "0" }) {
            text = String(text[..<dot])
        }
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return text
    }

    /// Left-pads `digits` with zeros to the length `lengths` maps its length to; nil for other lengths.
    static func padded(_ digits: String?, lengths: [Int: Int]) -> String? {
        guard let digits, let target = lengths[digits.utf8.count] else { return nil }
        return String(repeating: "0", count: target - digits.utf8.count) + digits
    }

    /// Normalizes a mapped `original_invoice_key`: a 20-digit number, or `code-number` with the padding rules;
    /// other text is kept folded and trimmed.
    public static func originalKey(_ raw: String) -> String {
        let text = TextNormalizer.clean(raw, folding: .nfkc).replacingSpaces()
        if let whole = digits(text), whole.utf8.count == 20 { return whole }
        let parts = text.split(separator: "-")
        if parts.count == 2 {
            let identity = identity(code: String(parts[0]), number: String(parts[1]), digital: "")
            if let key = key(of: identity) { return key }
        }
        return text
    }
}

extension String {
    /// The text with every space removed.
    func replacingSpaces() -> String { filter { $0 != " " } }
}
