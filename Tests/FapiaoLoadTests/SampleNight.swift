import Foundation
import FapiaoCore
@testable import FapiaoLoad

/// A realistic night for report tests: every reconciliation case, stage findings of several types, a
/// formula-looking buyer name, HTML in a message and negative (red-letter) amounts.
enum SampleNight {
    static let keys = (1...12).map { String(format: "251120000000000000%02d", $0) }

    static var night: NightFixture {
        var fixture = NightFixture()
        let k = keys
        fixture.branch = [
            invoice(k[0], line: 2, total: "1130.00", buyerName: "北京（朝阳）商贸有限公司"),
            invoice(k[1], line: 3, total: "4810.00", amount: "4256.64", tax: "553.36"),
            invoice(k[2], line: 4, total: "-4810.00", isRed: true, original: k[1]),
            invoice(k[3], line: 5, total: "226.00", buyerID: "91350200776049653A", buyerName: "厦门 某某 贸易"),
            invoice(k[4], line: 6, total: "339.00", status: .voided),
            invoice(k[5], line: 7, total: "2260.00"),
            invoice(k[6], source: "haidian", line: 11, total: "565.00", buyerName: "=HYPERLINK(\"http://x\")"),
            invoice(k[7], source: "haidian", line: 12, total: "-113.00", isRed: true, original: k[9]),
            invoice("011002300111-00461160", source: "haidian", line: 13, total: "90.40"),
        ]
        fixture.authority = [
            invoice(k[0], source: "tax-bureau", line: 2, total: "1130.00", buyerName: "北京(朝阳)商贸有限公司"),
            invoice(k[1], source: "tax-bureau", line: 3, total: "4810.00", amount: "4256.64", tax: "553.36", status: .redReversedFull),
            invoice(k[3], source: "tax-bureau", line: 5, total: "227.00", buyerID: "913502000728319549", buyerName: "厦门某某贸易"),
            invoice(k[4], source: "tax-bureau", line: 6, total: "339.00", status: .voided),
            invoice(k[5], source: "tax-bureau", line: 7, total: "2260.00", status: .redReversedPartial),
            invoice(k[8], source: "tax-bureau", line: 8, total: "-1000.00", isRed: true, original: k[5]),
            invoice(k[6], source: "tax-bureau", line: 9, total: "565.00", seller: Chain.haidianSeller,
                    buyerName: "北京<b>海淀</b> & 公司", branch: "haidian"),
            invoice(k[10], source: "tax-bureau", line: 10, total: "777.00", seller: Chain.haidianSeller, branch: "haidian"),
            invoice(k[11], source: "tax-bureau", line: 11, total: "50.00", seller: "91110000600037341L"),
            invoice("011002300111-00461160", source: "tax-bureau", line: 12, total: "90.40", seller: Chain.haidianSeller,
                    status: .outOfControl, branch: "haidian"),
        ]
        fixture.rejects = [["haidian", "exports/haidian/2025-04-17/a.xml", "20", "bad_date", "issue_date",
                            "digital_number=\(k[10]) | issue_date=2025-13-45 | total=777"]]
        fixture.extractFindings = extractFindings
        fixture.transformFindings = transformFindings
        fixture.transformManifest = StageManifest(stage: "transform", sources: [
            SourceCounts(source: "chaoyang", recordsIn: 8, kept: 6, rejected: 1, duplicates: 1),
            SourceCounts(source: "haidian", recordsIn: 4, kept: 3, rejected: 1),
            SourceCounts(source: "tax-bureau", recordsIn: 10, kept: 10),
        ], timings: ["total": 1.25], host: "build-host", finishedAt: "2025-04-18T02:00:00+08:00")
        return fixture
    }

    static var extractFindings: [Discrepancy] {
        [
            Discrepancy(type: .fileError, severity: .high, branch: "haidian", source: "haidian",
                        file: "exports/haidian/2025-04-17/b.xml", messageZh: "XML 格式错误，整个文件未加载",
                        messageEn: "malformed XML at line 40; no record of the file was loaded",
                        action: "请门店重新导出 / Ask the branch to export again", fileSHA256: "9f86d081884c7d65"),
            Discrepancy(type: .encodingError, severity: .info, branch: "chaoyang", source: "chaoyang", invoiceKey: keys[0],
                        field: "remark", branchValue: "b7a2c6b1", file: "exports/chaoyang/2025-04-17/pos.csv", line: 2,
                        messageZh: "乱码已修复", messageEn: "mojibake repaired"),
        ]
    }

    static var transformFindings: [Discrepancy] {
        [
            Discrepancy(type: .invalidRecord, severity: .high, branch: "chaoyang", source: "chaoyang", field: "invoice_key",
                        branchValue: "+86 10 1234", file: "exports/chaoyang/2025-04-17/pos.csv", line: 9,
                        messageZh: "缺少发票号码", messageEn: "no usable invoice key", action: "修正源数据 / Fix the source"),
            Discrepancy(type: .suspiciousField, severity: .medium, branch: "chaoyang", source: "chaoyang", invoiceKey: keys[3],
                        field: "total", branchValue: "226.00", authorityValue: "", file: "exports/chaoyang/2025-04-17/pos.csv",
                        line: 5, messageZh: "价税合计不等于金额加税额", messageEn: "total ≠ amount + tax"),
            Discrepancy(type: .duplicateInSource, severity: .info, branch: "chaoyang", source: "chaoyang", invoiceKey: keys[0],
                        file: "exports/chaoyang/2025-04-17/pos.csv", line: 10, messageZh: "重复记录（内容相同）",
                        messageEn: "identical duplicate", action: "@mention 无需处理"),
        ]
    }
}
