import XCTest
import FapiaoCore
@testable import FapiaoPipeline

final class RunLayoutTests: XCTestCase {
    func testRelativePathsClimbOutOfThePipelineFolder() {
        XCTAssertEqual(PathResolver.relative("/r/samples/a/b.csv", to: "/r/pipelines"), "../samples/a/b.csv")
        XCTAssertEqual(PathResolver.relative("/r/pipelines/x/b.csv", to: "/r/pipelines"), "x/b.csv")
        XCTAssertEqual(PathResolver.absolute("../work", relativeTo: "/r/pipelines"), "/r/work")
    }

    func testPlaceholdersAreSubstituted() throws {
        let date = try XCTUnwrap(IssueDate(year: 2025, month: 4, day: 7))
        XCTAssertEqual(FileMatcher.substitute("e/{yyyymmdd}/{date}/{yyyy}-{MM}-{dd}.csv", date: date),
                       "e/20250407/2025-04-07/2025-04-07.csv")
    }

    func testBackfillRangeIsInclusiveAndOrdered() throws {
        let nights = try BusinessCalendar.nights(date: nil, from: "2025-02-27", to: "2025-03-01", timezone: "Asia/Shanghai")
        XCTAssertEqual(nights.map(\.description), ["2025-02-27", "2025-02-28", "2025-03-01"])
        XCTAssertThrowsError(try BusinessCalendar.nights(date: "2025-01-01", from: "2025-01-01", to: nil, timezone: "UTC"))
    }

    func testYesterdayIsInThePipelinesZone() {
        // 2025-04-17 17:30 UTC is already 2025-04-18 01:30 in Shanghai: yesterday there is 2025-04-17.
        let instant = Date(timeIntervalSince1970: 1_744_911_000)
        XCTAssertEqual(BusinessCalendar.yesterday(in: "Asia/Shanghai", now: instant).description, "2025-04-17")
        XCTAssertEqual(BusinessCalendar.yesterday(in: "UTC", now: instant).description, "2025-04-16")
    }

    func testPublishingSwapsFoldersWhole() throws {
        let base = NSTemporaryDirectory() + "fapiao-publish-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: base) }
        for round in 1...2 {
            let publisher = try StagePublisher(target: base + "/extract")
            try "round \(round)".write(toFile: publisher.staging + "/a.txt", atomically: true, encoding: .utf8)
            try publisher.publish()
            XCTAssertEqual(try String(contentsOfFile: base + "/extract/a.txt", encoding: .utf8), "round \(round)")
        }
        StagePublisher.waitForRemovals()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: base), ["extract"])
    }
}
