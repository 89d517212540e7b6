import FapiaoCore

/// A rate read from an export: one rate, or several (the invoice mixes rates and the tax check is skipped).
public enum TaxRateReading: Equatable, Sendable {
    /// One rate for the whole invoice.
    case single(TaxRate)
    /// Several rates (`13%,9%`, `多税率`): written as empty.
    case mixed
}

/// Reads tax rates: `13%`, `0.13`, `13`, `免税`, `不征税`, and the old 17/16/11/10/4 percent rates.
public enum TaxRateNormalizer {
    /// The percentages fapiao accepts (current and old VAT rates); any other number is an unknown rate.
    public static let knownPercents: Set<Int> = [0, 1, 3, 4, 5, 6, 9, 10, 11, 13, 16, 17]
    private static let words: [String: TaxRate] = [
        "免税": .exempt, "exempt": .exempt, "不征税": .notTaxable, "not_taxable": .notTaxable,
        "not taxable": .notTaxable, "零税率": .percent(0),
    ]
    private static let mixedWords: Set<String> = ["多税率", "混合税率", "mixed"]
    private static let separators: Set<Character> = [",", "、", "/", ";", "|"]

    /// Parses one raw rate field; `.invalid` for a rate fapiao does not know (written as empty, check skipped).
    public static func parse(_ raw: String) -> Parsed<TaxRateReading> {
        if let common = commonForms[raw] { return common }
        return parseText(raw)
    }

    /// The usual spellings (`13%`, `13`, `0.13`, `免税`…) read once, so most records skip the general parse.
    private static let commonForms: [String: Parsed<TaxRateReading>] = {
        let spellings = knownPercents.flatMap { percent in
            ["\(percent)%", "\(percent)", percent < 10 ? "0.0\(percent)" : "0.\(percent)"]
        } + Array(words.keys) + ["", "0.00", "0.0"]
        return Dictionary(spellings.map { ($0, parseText($0)) }, uniquingKeysWith: { first, _ in first })
    }()

    /// The general parse behind `parse(_:)`.
    private static func parseText(_ raw: String) -> Parsed<TaxRateReading> {
        let text = TextNormalizer.clean(raw, folding: .nfkc).lowercased()
        if text.isEmpty { return .empty }
        if mixedWords.contains(text) { return .value(.mixed) }
        let parts = text.split(whereSeparator: { separators.contains($0) })
            .map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return .invalid }
        var rates: [TaxRate] = []
        for part in parts {
            guard let rate = single(part) else { return .invalid }
            if !rates.contains(rate) { rates.append(rate) }
        }
        return rates.count == 1 ? .value(.single(rates[0])) : .value(.mixed)
    }

    /// One rate: a word, `13%`, `13` or `0.13`.
    static func single(_ text: String) -> TaxRate? {
        if let word = words[text] { return word }
        var bytes = Array(text.utf8)[...]
        let percentSign = bytes.last == UInt8(ascii: "%")
        if percentSign { bytes = bytes.dropLast() }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 3,
              parts.allSatisfy({ $0.count <= 6 && $0.allSatisfy { (48...57).contains($0) } }) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : []
        var scale = 1, numerator = 0
        for byte in whole + fraction { numerator = numerator * 10 + Int(byte - 48) }
        for _ in fraction { scale *= 10 }
        let isFraction = !percentSign && !fraction.isEmpty && numerator < scale
        if isFraction { numerator *= 100 }
        guard numerator % scale == 0, knownPercents.contains(numerator / scale) else { return nil }
        return .percent(numerator / scale)
    }
}

extension Substring {
    /// The text without surrounding spaces.
    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
