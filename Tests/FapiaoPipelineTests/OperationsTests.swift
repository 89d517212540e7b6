import XCTest
import FapiaoCore
@testable import FapiaoPipeline

final class OperationsTests: XCTestCase {
    func testResidentIDsAreMaskedInLogText() {
        XCTAssertEqual(PersonalData.mask("buyer 11010519491231002X rejected"), "buyer 110105********002X rejected")
        XCTAssertEqual(PersonalData.mask("code 91110000600037341L kept"), "code 91110000600037341L kept")
        XCTAssertEqual(PersonalData.mask("number 25112000000000000001 kept"), "number 25112000000000000001 kept")
    }

    func testMetricsAreInPrometheusTextFormat() throws {
        let date = try XCTUnwrap(IssueDate(year: 2025, month: 4, day: 17))
        let text = MetricsFile.text(
            pipeline: "chain", date: date, seconds: 1.5, records: [SourceCounts(source: "chaoyang", recordsIn: 12)],
            counts: ["missing_in_authority": 3], finishedAt: Date(timeIntervalSince1970: 1_744_900_000))
        XCTAssertTrue(text.contains("fapiao_run_duration_seconds{pipeline=\"chain\"} 1.500\n"))
        XCTAssertTrue(text.contains("fapiao_records{pipeline=\"chain\",source=\"chaoyang\"} 12\n"))
        XCTAssertTrue(text.contains("fapiao_discrepancies{pipeline=\"chain\",type=\"missing_in_authority\"} 3\n"))
        XCTAssertTrue(text.contains("fapiao_discrepancies{pipeline=\"chain\",type=\"file_error\"} 0\n"))
        XCTAssertTrue(text.contains("fapiao_last_success_timestamp_seconds{pipeline=\"chain\"} 1744900000\n"))
    }

    func testASecondHolderOfTheLockIsRefused() throws {
        let path = NSTemporaryDirectory() + "fapiao-lock-\(UUID().uuidString)/.lock"
        let first = try StageLock(path: path)
        XCTAssertThrowsError(try StageLock(path: path)) { error in
            guard case RunError.lockHeld(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("pid \(getpid()) since "), message)
            XCTAssertEqual((error as? RunError)?.exitCode, 75)
        }
        withExtendedLifetime(first) {}
    }
}
