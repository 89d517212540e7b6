import XCTest
@testable import FapiaoCore

final class FenTests: XCTestCase {
    func testFormatsTwoDecimals() {
        XCTAssertEqual(Fen(123450).description, "1234.50")
        XCTAssertEqual(Fen(-5).description, "-0.05")
        XCTAssertEqual(Fen(0).description, "0.00")
    }

    func testParsesCanonicalForms() {
        XCTAssertEqual(Fen(canonical: "1234.5"), Fen(123450))
        XCTAssertEqual(Fen(canonical: "-1234.50"), Fen(-123450))
        XCTAssertEqual(Fen(canonical: "7"), Fen(700))
        XCTAssertNil(Fen(canonical: "1,234.50"))
        XCTAssertNil(Fen(canonical: "1.234"))
        XCTAssertNil(Fen(canonical: ""))
        XCTAssertNil(Fen(canonical: "."))
        XCTAssertNil(Fen(canonical: "99999999999999999999"))
        XCTAssertNil(Fen(canonical: "92233720368547758.08"))
        XCTAssertEqual(Fen(canonical: "92233720368547758.07"), Fen(Int64.max))
    }

    func testRoundTripsEveryFormattedValue() {
        for value: Int64 in [0, 1, -1, 99, 100, 123456789, -987654321, Int64.max / 100] {
            XCTAssertEqual(Fen(canonical: Fen(value).description), Fen(value))
        }
    }
}
