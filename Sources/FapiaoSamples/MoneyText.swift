import FapiaoCore

/// Money arithmetic and the notations the exports write amounts in. Amounts are integer fen throughout.
enum MoneyText {
    /// `1234.50`, `-1234.50`: the canonical form.
    static func plain(_ fen: Int64) -> String { Fen(fen).description }

    /// `1234.5`, `1234`, `-1234.5`: trailing zeros dropped, as a spreadsheet writes numbers.
    static func trimmed(_ fen: Int64) -> String {
        var text = plain(fen)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `¥1,234.50`, and for negatives Excel's zh-CN currency style `¥-4,810.00`.
    static func currency(_ fen: Int64, sign: String = "¥") -> String {
        let magnitude = Fen(Int64(fen.magnitude)).description
        let parts = magnitude.split(separator: ".")
        let whole = Array(parts[0])
        var grouped = ""
        for (index, digit) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return sign + (fen < 0 ? "-" : "") + grouped + "." + parts[1]
    }

    /// `１２３４．５０`: full-width digits and point (U+FF10–FF19, U+FF0E), as some POS keyboards type them.
    static func fullWidth(_ fen: Int64) -> String {
        String(plain(fen).unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "0"..."9": return Character(Unicode.Scalar(scalar.value + 0xFEE0) ?? scalar)
            case ".": return "．"
            default: return Character(scalar)
            }
        })
    }

    /// An amount written with three decimals that rounds half-up back to `fen` (`1234.567` for 1234.57).
    static func threeDecimals(_ fen: Int64) -> String { plain(fen - 1) + "7" }

    /// round_half_up(amount × percent / 100) in fen; callers keep away from exact halves (see `avoidingTie`).
    static func tax(amount: Int64, percent: Int) -> Int64 {
        let product = amount * Int64(percent)
        let magnitude = (product.magnitude + 50) / 100
        return product < 0 ? -Int64(magnitude) : Int64(magnitude)
    }

    /// `amount`, moved by a fen when amount × rate ends in exactly half a fen, so that every rounding
    /// convention (half-up, half-even, away from zero) gives the same tax.
    static func avoidingTie(_ amount: Int64, percent: Int) -> Int64 {
        (amount * Int64(percent)) % 100 == 50 || (amount * Int64(percent)) % 100 == -50 ? amount + 1 : amount
    }

    /// The tax of an amount at a rate (0 for exempt and not taxable).
    static func tax(amount: Int64, rate: TaxRate) -> Int64 {
        tax(amount: amount, percent: rate.percentValue)
    }
}
