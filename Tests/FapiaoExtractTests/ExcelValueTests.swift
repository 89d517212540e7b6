import XCTest
@testable import FapiaoExtract

/// Numbers and serial dates of xlsx cells, in exact decimal arithmetic.
final class ExcelValueTests: XCTestCase {
    private func plain(_ text: String) -> String? {
        Array(text.utf8).withUnsafeBufferPointer { ExcelNumber($0)?.text }
    }

    private func date(_ text: String, date1904: Bool = false) -> String? {
        Array(text.utf8).withUnsafeBufferPointer { ExcelNumber($0).flatMap { ExcelDate.text($0, date1904: date1904) } }
    }

    func testNumbersBecomePlainDecimalsRoundedToFifteenSignificantDigits() {
        let cases: [(String, String?)] = [
            ("6876.1", "6876.1"), ("1.2E-2", "0.012"), ("1.2e-2", "0.012"), ("6876.1000000000004", "6876.1"),
            ("0.30000000000000004", "0.3"), ("-5E+3", "-5000"), ("1.5E+20", "150000000000000000000"), ("0", "0"),
            ("-0", "0"), ("0.000", "0"), ("1234.50", "1234.5"), ("1234.567", "1234.567"), ("-4810", "-4810"),
            ("99999999999999999", "100000000000000000"), ("0.1234567890123456789", "0.123456789012346"),
            ("123456789012345.6", "123456789012346"), ("12", "12"), (".5", "0.5"), ("5.", "5"), ("+7", "7"),
            ("1E400", String("1" + String(repeating: "0", count: 400))), ("1E401", nil), ("abc", nil), ("1.2.3", nil),
            ("", nil), ("-", nil), ("1E", nil), ("1E+", nil), ("1,234", nil), ("25112000000000000001", "25112000000000000000"),
        ]
        for (input, expected) in cases { XCTAssertEqual(plain(input), expected, input) }
    }

    func testSerialDatesInBothSystems() {
        let cases: [(String, Bool, String?)] = [
            ("45764", false, "2025-04-17"), ("45764.4375", false, "2025-04-17 10:30:00"), ("44302", true, "2025-04-17"),
            ("1", false, "1900-01-01"), ("59", false, "1900-02-28"), ("60", false, "1900-02-29"), ("61", false, "1900-03-01"),
            ("0", false, nil), ("0", true, "1904-01-01"), ("0.5", true, "1904-01-01 12:00:00"),
            ("45764.99999999", false, "2025-04-18 00:00:00"), ("45764.000005787", false, "2025-04-17 00:00:00"),
            ("45764.0000057871", false, "2025-04-17 00:00:01"), ("2958465", false, "9999-12-31"), ("2958466", false, nil),
            ("-1", false, nil), ("4.5764E4", false, "2025-04-17"), ("20250417", false, nil),
        ]
        for (input, date1904, expected) in cases { XCTAssertEqual(date(input, date1904: date1904), expected, input) }
    }

    func testDateFormats() {
        for code in ["yyyy/m/d", "yyyy\"年\"m\"月\"d\"日\"", "[$-804]yyyy-mm-dd", "h:mm:ss", "[h]:mm:ss", "mm:ss", "d-mmm-yy"] {
            XCTAssertTrue(ExcelDateStyles.isDateFormat(code), code)
        }
        for code in ["General", "0.00", "#,##0.00_);[Red](#,##0.00)", "@", "0.00\"days\"", "\\d0", "0%", "0.00E+00"] {
            XCTAssertFalse(ExcelDateStyles.isDateFormat(code), code)
        }
        XCTAssertEqual((0...60).filter(ExcelDateStyles.isBuiltInDate),
                       Array(14...22) + Array(27...36) + Array(45...47) + Array(50...58))
    }

    func testTextEscapes() {
        var bytes = Array("a_x000D__x000a_b_x005F_x0041_ _x00zz_".utf8)
        ExcelText.unescape(&bytes, from: 0)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "a\r\nb_x0041_ _x00zz_")
    }
}
