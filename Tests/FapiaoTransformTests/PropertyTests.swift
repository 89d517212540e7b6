import Foundation
import Testing
import PropertyBased
import FapiaoCore
@testable import FapiaoTransform

/// Property tests: money round trips, and normalizing twice equals normalizing once.
@Suite struct PropertyTests {
    static let fen = Gen.int64(in: -99_999_999_999...99_999_999_999)
    /// Text built from pieces that exercise every branch of the text normalizers.
    static let text = Gen<String?>.element(of: [
        "a", "Z", "0", "9", " ", "  ", "\t", "\r\n", "\n", "\u{3000}", "\u{200B}", "\u{FEFF}", "\u{7}", "北", "京",
        "１", "Ａ", "（", "）", "．", "，", "￥", "¥", "e\u{301}", "\u{301}", "Ⅲ", "㎡", "--", "-", ".", ",", "%",
        "\u{F900}", "が", "\u{3099}", "Ω", "\u{2126}", "é",
    ]).array(of: 0...12).map { $0.compactMap { $0 }.joined() }

    @Test func fenFormatParsesBack() async {
        await propertyCheck(input: Self.fen) { value in
            let fen = Fen(value)
            #expect(Fen(canonical: fen.description) == fen)
            #expect(MoneyNormalizer.parse(fen.description) == .value(ParsedMoney(fen: fen)))
        }
    }

    @Test func exportNotationsParseToTheSameFen() async {
        await propertyCheck(input: Self.fen) { value in
            let fen = Fen(value)
            for written in PropertyTests.exportNotations(of: fen) {
                #expect(MoneyNormalizer.parse(written) == .value(ParsedMoney(fen: fen)), "\(written)")
            }
        }
    }

    /// `¥1,234.50`, `1234.50元`, full-width, `(1,234.50)`, U+2212 minus, one decimal when it is exact.
    static func exportNotations(of fen: Fen) -> [String] {
        let magnitude = fen.value.magnitude
        var whole = String(magnitude / 100)
        var groups: [String] = []
        while whole.count > 3 { groups.insert(String(whole.suffix(3)), at: 0); whole.removeLast(3) }
        let grouped = ([whole] + groups).joined(separator: ",")
        let cents = magnitude % 100
        let decimals = cents < 10 ? "0\(cents)" : "\(cents)"
        let plain = "\(magnitude / 100).\(decimals)", fancy = "\(grouped).\(decimals)"
        let fullWidth = String(String.UnicodeScalarView(plain.unicodeScalars.compactMap {
            Unicode.Scalar($0.value + 0xFEE0) }))
        guard fen.value < 0 else { return ["¥" + fancy, "￥" + fancy, plain + "元", fullWidth, " \(plain) "] }
        return ["-¥" + fancy, "¥-" + fancy, "(" + fancy + ")", "\u{2212}" + plain, "-" + plain + "元"]
    }

    @Test func textNormalizersAreIdempotent() async {
        await propertyCheck(input: Self.text) { text in
            for folding in [TextNormalizer.Folding.nfc, .nfkc] {
                let once = TextNormalizer.clean(text, folding: folding)
                #expect(TextNormalizer.clean(once, folding: folding) == once)
            }
            let remark = TextNormalizer.remark(text)
            #expect(TextNormalizer.remark(remark) == remark)
            let id = TaxpayerID.normalize(text)
            #expect(TaxpayerID.normalize(id) == id)
        }
    }

    @Test func fastFoldingAgreesWithFoundation() async {
        await propertyCheck(input: Self.text) { text in
            #expect(UnicodeFolding.nfc(text).unicodeScalars.elementsEqual(
                text.precomposedStringWithCanonicalMapping.unicodeScalars))
            #expect(UnicodeFolding.nfkc(text).unicodeScalars.elementsEqual(
                text.precomposedStringWithCompatibilityMapping.unicodeScalars))
        }
    }

    @Test func writtenValuesNormalizeToThemselves() async {
        let first = IssueDate(daysSinceEpoch: 7305).daysSinceEpoch  // 1990-01-01
        let days = Gen.int(in: first...(first + 58_000))
        await propertyCheck(input: days, Self.fen) { day, value in
            let date = IssueDate(daysSinceEpoch: day)
            #expect((try? DateNormalizer().parse(date.description)) == .value(date))
            let money = MoneyNormalizer.parse(Fen(value).description).value?.fen
            #expect(money.map { MoneyNormalizer.parse($0.description).value?.fen } == money)
        }
    }

    @Test func identityKeysAreStable() async {
        let digits = Gen.number.string(of: 1...20)
        await propertyCheck(input: digits, digits) { code, number in
            let identity = IdentityNormalizer.identity(code: code, number: number, digital: "")
            let again = IdentityNormalizer.identity(code: identity.code, number: identity.number,
                                                    digital: identity.digitalNumber)
            #expect(again == identity)
            if let key = IdentityNormalizer.key(of: identity) {
                #expect(IdentityNormalizer.originalKey(key) == key)
            }
        }
    }

    @Test func rateAndVocabularyOutputsReadBack() {
        for percent in TaxRateNormalizer.knownPercents {
            #expect(TaxRateNormalizer.parse(TaxRate.percent(percent).canonical) == .value(.single(.percent(percent))))
        }
        for rate in [TaxRate.exempt, .notTaxable] {
            #expect(TaxRateNormalizer.parse(rate.canonical) == .value(.single(rate)))
        }
        for status in InvoiceStatus.allCases { #expect(VocabularyNormalizer.status(status.rawValue) == .value(status)) }
        for type in InvoiceType.allCases { #expect(VocabularyNormalizer.type(type.rawValue) == .value(type)) }
    }
}

/// The hard-coded whitespace set equals Unicode's `White_Space` property.
@Test func whitespaceTableMatchesUnicode() {
    let mismatches = (UInt32(0)...0x10FFFF).compactMap(Unicode.Scalar.init).filter {
        TextNormalizer.isSpace($0) != $0.properties.isWhitespace
    }
    #expect(mismatches.isEmpty)
}

/// The table of common rate spellings gives what the general parse gives.
@Test func commonRateSpellingsMatchTheGeneralParse() {
    for percent in TaxRateNormalizer.knownPercents {
        for text in ["\(percent)%", "\(percent)", percent < 10 ? "0.0\(percent)" : "0.\(percent)"] {
            #expect(TaxRateNormalizer.parse(text) == .value(.single(.percent(percent))), "\(text)")
            #expect(TaxRateNormalizer.parse(" \(text) ") == .value(.single(.percent(percent))), "\(text)")
        }
    }
}
