import Foundation
import Testing
import PropertyBased
import FapiaoCore
import FapiaoIO
@testable import FapiaoTransform

/// The byte fast path against the `String` path: whatever the fast path accepts, it must turn into exactly
/// what the `String` path makes of it.
@Suite struct FastPathTests {
    /// Pieces of text that exercise every branch of the byte functions and their `String` twins.
    static let pieces: [String] = [
        "a", "z", "Z", "x", "0", "1", "5", "9", " ", "  ", "\t", "\r\n", "\n", "\r", "\u{3000}", "\u{200B}", "\u{FEFF}",
        "\u{7}", "\u{85}", "\u{A0}", "北", "京", "红", "冲", "被红冲蓝字数电票号码：", "对应正数发票代码:", "号码:", "１", "９",
        "Ａ", "ａ", "（", "）", "．", "，", "：", "￥", "¥", "元", "e\u{301}", "\u{301}", "Ⅲ", "㎡", "--", "-", "+", ".",
        ",", "%", "'", "=\"", "\"", "\u{F900}", "が", "\u{3099}", "\u{2212}", "Ω", "\u{2126}", "é", "\u{4DC0}", "\u{9FFF}",
        "\u{FFE5}", "\u{FF5E}", "\u{FFEF}", "\u{1F600}", "〸", "年", "月", "日", "/", "T", ":", "2025", "04", "17",
        "011002300111", "00461160", "25112000160227461677", "91110105MA00AAAA0P", "1234.567", "(", ")",
    ]
    static let text = Gen<String?>.element(of: pieces).array(of: 0...8).map { $0.compactMap { $0 }.joined() }

    @Test func cleanAgreesWithTheStringPath() async {
        await propertyCheck(count: 3_000, input: Self.text) { text in
            for folding in [TextNormalizer.Folding.nfc, .nfkc] {
                if let fast = Self.bytes(text, { ByteText.clean($0, folding: folding, into: &$1) }) {
                    #expect(fast == Array(TextNormalizer.clean(text, folding: folding).utf8), "\(text.debugDescription)")
                }
            }
            if let fast = Self.bytes(text, { ByteText.remark($0, into: &$1) }) {
                #expect(fast == Array(TextNormalizer.remark(text).utf8), "\(text.debugDescription)")
            }
        }
    }

    @Test func fieldsAgreeWithTheStringPath() async {
        await propertyCheck(count: 3_000, input: Self.text) { text in
            if let fast = Self.bytes(text, { ByteFields.taxpayerID($0, into: &$1) }) {
                #expect(fast == Array(TaxpayerID.normalize(text).utf8), "\(text.debugDescription)")
            }
            var digits: [UInt8] = []
            let outcome = Self.withBytes(text) { ByteFields.digits($0, into: &digits) }
            if outcome != .slow {
                #expect((outcome == .digits ? String(decoding: digits, as: UTF8.self) : nil)
                        == IdentityNormalizer.digits(text), "\(text.debugDescription)")
            }
            var scratch: [UInt8] = []
            if let money = Self.withBytes(text, { ByteFields.money($0, scratch: &scratch) }) {
                #expect(money == MoneyNormalizer.parse(text), "\(text.debugDescription)")
            }
            let dates = try! DateNormalizer(dateFormats: ["yyyy年M月d日", "dd/MM/yyyy"])
            if let date = Self.withBytes(text, { ByteFields.date($0, dates: dates, scratch: &scratch) }) {
                #expect(date == dates.parse(text), "\(text.debugDescription)")
            }
        }
    }

    @Test func moneyNotationsAgree() async {
        await propertyCheck(input: Gen.int64(in: -99_999_999_999...99_999_999_999)) { value in
            var scratch: [UInt8] = []
            for text in PropertyTests.exportNotations(of: Fen(value)) + [Fen(value).description, "\(value)", "\(value).125"] {
                let fast = Self.withBytes(text) { ByteFields.money($0, scratch: &scratch) }
                #expect(fast == nil || fast == MoneyNormalizer.parse(text), "\(text)")
                var out: [UInt8] = []
                ByteFields.append(Fen(value), to: &out)
                #expect(String(decoding: out, as: UTF8.self) == Fen(value).description)
            }
        }
    }

    @Test func recordsAgreeWithTheStringPath() async throws {
        let choices = Gen.int(in: 0...7).array(of: CanonicalField.mappable.count)
        let texts = Self.text.array(of: CanonicalField.mappable.count)
        var accepted = 0
        for role in [SourceRole.branch, .authority] {
            let source = Fixtures.source(role: role, dateFormats: ["yyyy-MM-dd'T'HH:mm:ss"], statusMap: ["有效": .normal])
            let checker = try RecordChecker(source: source)
            await propertyCheck(count: 2_000, input: choices, texts) { choices, texts in
                let values = CanonicalField.mappable.indices.map { index in
                    choices[index] == 0 ? texts[index] : Self.realistic(CanonicalField.mappable[index], choices[index])
                }
                if checker.check(values) { accepted += 1 }
            }
        }
        #expect(accepted > 500)  // about a fifth of the 4,000 records
    }

    @Test func cleanRecordsTakeTheFastPath() throws {
        let checker = try RecordChecker(source: Fixtures.source())
        for variant in 1...3 {  // the mapped original_invoice_key of variant 3 takes the String path
            let values = CanonicalField.mappable.map { $0 == .originalInvoiceKey ? "" : Self.realistic($0, variant) }
            #expect(checker.check(values), "\(values)")
        }
    }

    @Test func datesAreWrittenAsTheirDescription() async {
        await propertyCheck(input: Gen.int(in: -25_567...84_000)) { day in  // 1900-01-01 ... 2199-12-31
            let date = IssueDate(daysSinceEpoch: day)
            var out: [UInt8] = []
            ByteFields.append(date, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == date.description)
        }
    }

    @Test func digestScanCountsCommasAndFindsQuotesAndBreaks() async {
        await propertyCheck(count: 500, input: Self.text) { text in
            let bytes = Array(text.utf8), ends = [bytes.count]
            let scan = bytes.withUnsafeBufferPointer { fields in
                ends.withUnsafeBufferPointer { RecordDigest.scan(fields: fields, ends: $0, from: 0) }
            }
            #expect(scan.commas == bytes.filter { $0 == UInt8(ascii: ",") }.count)
            #expect(scan.quotesOrBreaks == bytes.contains { $0 == 0x22 || $0 < 0x0E })  // CR, LF among them
        }
    }

    @Test func moneyEdgeCasesAgree() {
        let cases = ["1,23", ",123", "1,2345", "1234,567", "¥-1,234.5", "-¥1,234", "¥¥1", "--1", "-", "¥", ".", "-.5",
                     "1.", "1,234,567.891", "123456789012345", "1234567890123456", "12,345,678,901,234,567", "¥1 234",
                     "￥1,234.50", "1,234.50元", "(1,234.50)", "+5", "0.005", "0.004", "-0.00", "1.2.3", "１,２３４"]
        var scratch: [UInt8] = []
        for text in cases {
            let fast = Self.withBytes(text) { ByteFields.money($0, scratch: &scratch) }
            #expect(fast == nil || fast == MoneyNormalizer.parse(text), "\(text)")
        }
    }

    /// Realistic raw values of a field, in a few spellings (`variant` from 1).
    static func realistic(_ field: CanonicalField, _ variant: Int) -> String {
        let options: [String]
        switch field {
        case .invoiceCode: options = ["011002300111", "１１００２３００１１", "=\"011002300111\""]
        case .invoiceNumber: options = ["00461160", "461160", "25112000160227461677"]
        case .digitalNumber: options = ["--", "25112000160227461677", ""]
        case .invoiceType: options = ["增值税电子普通发票", "数电发票（增值税专用发票）", "10"]
        case .issueDate: options = ["2025-04-17 08:00:21", "2025-04-17T08:00:15", "2025年4月17日"]
        case .sellerTaxID: options = ["91110108MA0RD9R1H4", "91110105ma00aaaa0p", " 91110105MA00AAAA0P "]
        case .sellerName, .buyerName: options = ["北京禾丰优选商业连锁有限公司", "盛世（北京）餐饮管理有限公司", "个人 A"]
        case .buyerTaxID: options = ["91110108215136494G", "", "110101199003074258"]
        case .amount: options = ["296.23", "¥1,234.50", "５．０６"]
        case .tax: options = ["26.66", "160.49", "0.66"]
        case .total: options = ["322.89", "1394.99", "5.72"]
        case .taxRate: options = ["0.09", "13%", "免税"]
        case .status: options = ["正常", "有效", "0"]
        case .isRed: options = ["", "否", "是"]
        case .originalInvoiceKey: options = ["", "", "011002300111-00461160"]
        case .remark: options = ["", "送货地址：北京市朝阳区建国路88号, 3层\n订单号：PO20250417000", "会员积分抵扣"]
        case .invoiceKey, .branch: options = [""]
        }
        return options[(variant - 1) % options.count]
    }

    static func bytes(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Bool) -> [UInt8]? {
        var out: [UInt8] = []
        return withBytes(text) { body($0, &out) } ? out : nil
    }

    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }
}

/// Runs one record through both paths and compares what the fast path accepts.
struct RecordChecker {
    let source: SourceSpec
    let layout: RecordLayout
    let header: [String]

    init(source: SourceSpec) throws {
        self.source = source
        header = ProvenanceColumn.names + CanonicalField.mappable.map(\.rawValue)
        layout = try RecordLayout(header: header, path: "t.csv")
    }

    /// True when the fast path accepted the record (and then agreed with the `String` path).
    func check(_ values: [String]) -> Bool {
        let row = [source.name, "a.csv", "7"] + values
        var bytes: [UInt8] = []
        CSVFormatter.append(row, to: &bytes)
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var accepted = false
        var fast = try! FastNormalizer(source: source, layout: layout, taxToleranceFen: 1)
        bytes.withUnsafeBufferPointer { chunk in
            try! parser.feedRows(chunk) { view in
                #expect(view.strings == row)
                var store = FieldStore()
                store.append(view)
                store.withView(first: 0, count: view.count) { fields in
                    guard fast.normalize(fields) else { return }
                    accepted = true
                    compare(fast.record, with: row)
                }
            }
        }
        return accepted
    }

    private func compare(_ record: FastRecord, with row: [String]) {
        let raw = try! RawRecord(row: row, rowLine: 2, layout: layout, path: "t.csv")
        guard case .kept(let kept) = try! RecordNormalizer(source: source).normalize(raw) else {
            Issue.record("fast path kept a record the String path rejects: \(row)")
            return
        }
        let canonical = kept.invoice.canonicalRow
        let fields = (0..<record.fieldCount).map { index in record.withField(index) { String(decoding: $0, as: UTF8.self) } }
        #expect(fields == Array(canonical.prefix(CanonicalField.allCases.count)), "\(row)")
        #expect(record.key == kept.key)
        #expect(record.line == 7)
        #expect(record.digest == RecordDigest.digest(canonicalRow: canonical))
        let suspicious = !SuspiciousChecks(taxToleranceFen: 1).check(kept).isEmpty
        #expect(record.suspicious == suspicious, "\(row)")
    }
}

/// The literal field positions of the fast path are `CanonicalField.order`.
@Test func fastFieldOrdersMatchTheCanonicalOrder() {
    typealias O = FastNormalizer.Order
    let orders: [(Int, CanonicalField)] = [
        (O.code, .invoiceCode), (O.number, .invoiceNumber), (O.digital, .digitalNumber), (O.type, .invoiceType),
        (O.date, .issueDate), (O.sellerID, .sellerTaxID), (O.sellerName, .sellerName), (O.buyerID, .buyerTaxID),
        (O.buyerName, .buyerName), (O.amount, .amount), (O.tax, .tax), (O.total, .total), (O.rate, .taxRate),
        (O.status, .status), (O.isRed, .isRed), (O.originalKey, .originalInvoiceKey), (O.remark, .remark),
        (O.branch, .branch),
    ]
    for (literal, field) in orders { #expect(literal == field.order, "\(field)") }
}

/// The table-free taxpayer ID checks against the tables of GB 32100-2015 and GB 11643.
@Suite struct TaxpayerIDCheckTests {
    private static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    private static let usccWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    private static let residentWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

    private static func referenceUSCC(_ id: [UInt8]) -> Bool {
        var sum = 0
        for index in 0..<17 {
            guard let value = alphabet.firstIndex(of: id[index]) else { return false }
            sum += value * usccWeights[index]
        }
        return alphabet[(31 - sum % 31) % 31] == id[17]
    }

    private static func referenceResident(_ id: [UInt8]) -> Bool {
        guard id[..<17].allSatisfy({ (48...57).contains($0) }) else { return false }
        var sum = 0
        for index in 0..<17 { sum += Int(id[index] - 48) * residentWeights[index] }
        return Array("10X98765432".utf8)[sum % 11] == id[17]
    }

    @Test func checksMatchTheTables() {
        var state: UInt64 = 99
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let symbols = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZa".utf8)
        var valid = (uscc: 0, resident: 0)
        for round in 0..<200_000 {
            let digitsOnly = round % 2 == 0
            let id = (0..<18).map { _ in digitsOnly ? UInt8(48 + next(10)) : symbols[next(symbols.count)] }
            let (uscc, resident) = id.withUnsafeBufferPointer { (TaxpayerID.isUSCC($0), TaxpayerID.isResidentID($0)) }
            #expect(uscc == Self.referenceUSCC(id), "\(id)")
            #expect(resident == Self.referenceResident(id), "\(id)")
            valid.uscc += uscc ? 1 : 0
            valid.resident += resident ? 1 : 0
        }
        #expect(valid.uscc > 1000 && valid.resident > 1000)
    }
}

/// `DateNormalizer`'s `YYYY-MM-DD` shortcut against the pattern walk it stands in for.
@Suite struct ISODateShortcutTests {
    @Test func shortcutGivesWhatThePatternsGive() throws {
        try check(try DateNormalizer(), against: try DateNormalizer(dateFormats: ["'Q'yyyy", "yyyy-M-d"]))
        try check(try DateNormalizer(dateFormats: ["yyyy-MM-dd", "yyyy-dd-MM"]),
                  against: try DateNormalizer(dateFormats: ["'Q'yyyy", "yyyy-MM-dd", "yyyy-dd-MM"]))
        #expect(try DatePattern("yyyy-MM-dd").readsISODates && DatePattern("yyyy-M-d").readsISODates)
        #expect(try !DatePattern("yyyy-MM-dd'T'HH:mm").readsISODates && !DatePattern("yyyy-dd-MM").readsISODates)
    }

    /// `shortcut` (whose first pattern reads ISO dates) against `walk` (the same patterns after one that
    /// never matches these texts, `'Q'yyyy`, so no shortcut).
    private func check(_ shortcut: DateNormalizer, against walk: DateNormalizer) throws {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let pieces = ["2025", "1999", "0000", "-", "04", "4", "02", "13", "17", "30", "31", "29", "00", " 08:00:00",
                      "T10:59", ".5", " ", "x", "/", "２０２５", "年", ":", "7"]
        for _ in 0..<50_000 {
            let text = (0..<next(8)).map { _ in pieces[next(pieces.count)] }.joined()
            #expect(shortcut.parse(text) == walk.parse(text), "\(text)")
        }
        for text in ["2025-04-17", "2025-04-17 08:00:00", "2025-02-29", "2024-02-29T23:59:59.5", "2025-04-17x"] {
            #expect(shortcut.parse(text) == walk.parse(text), "\(text)")
        }
    }
}
