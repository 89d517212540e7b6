import XCTest
import FapiaoTestSupport

/// Black-box tests of what the nightly cron job depends on: crash safety, the lock, alerts, verify.
final class NightlyOperationsTests: XCTestCase {
    private var root = ""
    private var pipeline: String { root + "/pipelines/sample-chain.yaml" }
    private var runDirectory: String { root + "/work/sample-chain/2025-04-17" }

    override func setUpWithError() throws {
        root = try TestSupport.temporaryDirectory("fapiao-nightly")
        let repository = TestSupport.repositoryRoot
        try FileManager.default.copyItem(atPath: repository + "/samples", toPath: root + "/samples")
        try FileManager.default.createDirectory(atPath: root + "/pipelines", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repository + "/pipelines/sample-chain.yaml", toPath: pipeline)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    private func run(_ arguments: [String], crashAt: String? = nil) throws -> CommandRunner.Outcome {
        try CommandRunner.run(arguments, environment: crashAt.map { ["FAPIAO_CRASH_AT": $0] } ?? [:])
    }

    /// Every file of the run folder except manifests (they hold timings).
    private func outputs() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for stage in ["extract", "transform", "out"] {
            let folder = runDirectory + "/" + stage
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != "manifest.json" {
                files[stage + "/" + name] = FileManager.default.contents(atPath: folder + "/" + name)
            }
        }
        return files
    }

    /// A published stage folder is complete: it has its manifest; nothing else is visible under a stage name.
    private func assertOnlyCompleteStages(_ point: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for stage in ["extract", "transform", "out"] {
            let folder = runDirectory + "/" + stage
            if FileManager.default.fileExists(atPath: folder) {
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/manifest.json"),
                              "\(stage) incomplete after a crash at \(point)", file: file, line: line)
            }
        }
    }

    func testAKilledRunLeavesCompleteStagesAndTheNextRunSucceeds() throws {
        XCTAssertEqual(try run(["run", pipeline, "--date", "2025-04-17"]).status, 0)
        let reference = try outputs()
        let points = ["extract.start", "extract.staged", "extract.manifest", "extract.published",
                      "transform.staged", "transform.manifest", "transform.published",
                      "load.staged", "load.manifest", "load.published", "load.history"]
        for point in points {
            let crashed = try run(["run", pipeline, "--date", "2025-04-17"], crashAt: point)
            XCTAssertEqual(crashed.status, 9, "expected SIGKILL at \(point)")
            try assertOnlyCompleteStages(point)
            let rerun = try run(["run", pipeline, "--date", "2025-04-17"])
            XCTAssertEqual(rerun.status, 0, "re-run after a crash at \(point): \(rerun.stderr)")
            XCTAssertEqual(try outputs(), reference, "outputs differ after a crash at \(point)")
        }
    }

    func testASecondConcurrentRunExits75() throws {
        let lockFolder = root + "/work/sample-chain"
        try FileManager.default.createDirectory(atPath: lockFolder, withIntermediateDirectories: true)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [lockFolder + "/.lock", "sleep", "5"]
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.3)
        let second = try run(["run", pipeline, "--date", "2025-04-17"])
        XCTAssertEqual(second.status, 75)
        XCTAssertTrue(second.stderr.contains("another fapiao run holds \(lockFolder)/.lock"), second.stderr)
    }

    func testAReachedThresholdExits1AndRunsTheAlertCommand() throws {
        var text = try String(contentsOfFile: pipeline, encoding: .utf8)
        let alerts = text.range(of: "\nalerts:")!
        text = String(text[..<alerts.lowerBound]) + """

        alerts:
          fail_on: { types: { missing_in_authority: 1 } }
          command: 'echo "$FAPIAO_DATE $FAPIAO_MISSING_IN_AUTHORITY $1" > alert.txt'

        """
        try text.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let outcome = try run(["run", pipeline, "--date", "2025-04-17"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let note = try String(contentsOfFile: root + "/pipelines/alert.txt", encoding: .utf8)
        XCTAssertTrue(note.hasPrefix("2025-04-17 3 "), note)
        XCTAssertTrue(note.hasSuffix("/work/sample-chain/2025-04-17/out/summary.json\n"), note)
    }

    /// Each source is archived on its extract worker just before it is read: a file the branch sent again between
    /// two runs of the night replaces its archived copy, and extract reads the new bytes.
    func testAFileSentAgainIsArchivedAgainAndExtractedFromItsNewBytes() throws {
        XCTAssertEqual(try run(["run", pipeline, "--date", "2025-04-17"]).status, 0)
        let exports = root + "/samples/exports/chaoyang/20250417"
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: exports).sorted().first)
        let archived = root + "/work/sample-chain/archive/2025-04-17/chaoyang/samples/exports/chaoyang/20250417/" + name
        let sent = try XCTUnwrap(FileManager.default.contents(atPath: exports + "/" + name))
        XCTAssertEqual(FileManager.default.contents(atPath: archived), sent)
        let rowsBefore = try String(contentsOfFile: runDirectory + "/extract/chaoyang.csv", encoding: .utf8)
            .split(separator: "\n").count

        // Sent again without its last record.
        let text = try XCTUnwrap(String(data: sent, encoding: .utf8))
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        lines.removeLast()
        let again = Data((lines.joined(separator: "\n") + "\n").utf8)
        try again.write(to: URL(fileURLWithPath: exports + "/" + name))
        let second = try run(["run", pipeline, "--date", "2025-04-17"])
        XCTAssertTrue([0, 1].contains(second.status), second.stderr)  // 1: the missing record may reach an alert
        XCTAssertEqual(FileManager.default.contents(atPath: archived), again, "the archived copy is the new file")
        let rowsAfter = try String(contentsOfFile: runDirectory + "/extract/chaoyang.csv", encoding: .utf8)
            .split(separator: "\n").count
        XCTAssertEqual(rowsAfter, rowsBefore - 1, "extract read the new bytes")
    }

    /// An input that cannot be archived fails the run (exit 3) and publishes no extract folder.
    func testAnInputThatCannotBeArchivedFailsTheRun() throws {
        let exports = root + "/samples/exports/haidian/20250417"
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: exports).sorted().first)
        let archived = root + "/work/sample-chain/archive/2025-04-17/haidian/samples/exports/haidian/20250417/" + name
        // A folder, not empty, where the archived copy must go: the copy cannot be renamed into place.
        try FileManager.default.createDirectory(atPath: archived + "/blocker", withIntermediateDirectories: true)
        let outcome = try run(["run", pipeline, "--date", "2025-04-17"])
        XCTAssertEqual(outcome.status, 3, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("cannot archive the inputs of 2025-04-17"), outcome.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runDirectory + "/extract"))
    }

    func testVerifyFindsACorruptedArchiveFile() throws {
        XCTAssertEqual(try run(["run", pipeline, "--date", "2025-04-17"]).status, 0)
        XCTAssertEqual(try run(["verify", pipeline, "--date", "2025-04-17"]).status, 0)
        let archived = root + "/work/sample-chain/archive/2025-04-17/chaoyang/samples/exports/chaoyang/20250417"
        let name = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: archived).first)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: archived + "/" + name))
        handle.seek(toFileOffset: 10)
        handle.write(Data([0x00, 0x01]))
        try handle.close()
        let outcome = try run(["verify", pipeline, "--date", "2025-04-17"])
        XCTAssertEqual(outcome.status, 1)
        XCTAssertTrue(outcome.stdout.contains("MISMATCH chaoyang ../samples/exports/chaoyang/20250417/\(name)"), outcome.stdout)
    }

    /// The crontab line of docs/operations.md (its `grep -v ' INFO '` filter) gives the one-line mail shown there.
    func testTheCronMailOfANormalNightIsOneSummaryLine() throws {
        let truthData = try XCTUnwrap(FileManager.default.contents(atPath: root + "/samples/truth.json"))
        let truth = try XCTUnwrap(JSONSerialization.jsonObject(with: truthData) as? [String: Any])
        let open = (truth["counts"] as? [String: Int] ?? [:]).values.reduce(0, +)
        let line = "\(CommandRunner.executable) run \(pipeline) --date 2025-04-17 2>&1 | grep -v ' INFO '"
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", line]
        shell.environment = CommandRunner.childEnvironment()
        let output = Pipe()
        shell.standardOutput = output
        try shell.run()
        let mail = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        let lines = mail.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, mail)
        XCTAssertTrue(mail.contains("Z NOTICE night 2025-04-17: \(open) open discrepancies ("), mail)
        XCTAssertTrue(mail.hasSuffix("; report: \(runDirectory)/out/report.html\n"), mail)
    }

    /// SIGKILL at moments spread over a run of a larger chain lands inside stages, not only at their edges.
    func testAKillInTheMiddleOfAStageLeavesCompleteStages() throws {
        let chain = root + "/chain"
        XCTAssertEqual(try run(["samples", "--out", chain, "--branches", "8", "--invoices-per-branch", "1500"]).status, 0)
        let pipeline = chain + "/pipeline.yaml"
        let night = chain + "/work/sample-chain/2025-04-17"
        for delay in [0.15, 0.4, 0.8, 1.2, 1.8] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandRunner.executable)
            process.arguments = ["run", pipeline, "--date", "2025-04-17"]
            process.environment = CommandRunner.childEnvironment()
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            for stage in ["extract", "transform", "out"] where FileManager.default.fileExists(atPath: night + "/" + stage) {
                XCTAssertTrue(FileManager.default.fileExists(atPath: night + "/" + stage + "/manifest.json"),
                              "\(stage) incomplete after a kill at \(delay) s")
            }
        }
        let rerun = try run(["run", pipeline, "--date", "2025-04-17"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        let truth = try XCTUnwrap(JSONSerialization.jsonObject(
            with: try XCTUnwrap(FileManager.default.contents(atPath: chain + "/truth.json"))) as? [String: Any])
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(
            with: try XCTUnwrap(FileManager.default.contents(atPath: night + "/out/summary.json"))) as? [String: Any])
        XCTAssertEqual(summary["counts"] as? [String: Int], truth["counts"] as? [String: Int])
    }

    /// Direct I/O (docs/operations.md "Disk I/O") changes how files travel, never what they hold: a chain whose
    /// stage files pass the direct thresholds (authority.csv ≈ 10 MB, so it is read ahead with direct reads;
    /// files over 1 MiB written by the direct writer) gives the same files with `FAPIAO_DIRECT_IO=0`.
    func testDirectIOAndThePageCacheWriteTheSameFiles() throws {
        let chain = root + "/direct"
        XCTAssertEqual(try run(["samples", "--out", chain, "--branches", "8", "--invoices-per-branch", "4000"]).status, 0)
        let pipeline = chain + "/pipeline.yaml"
        let night = chain + "/work/sample-chain/2025-04-17"
        func files() throws -> [String: Data] {
            var files: [String: Data] = [:]
            for stage in ["extract", "transform", "out"] {
                for name in try FileManager.default.contentsOfDirectory(atPath: night + "/" + stage) where name != "manifest.json" {
                    files[stage + "/" + name] = FileManager.default.contents(atPath: night + "/" + stage + "/" + name)
                }
            }
            return files
        }
        let cached = try CommandRunner.run(["run", pipeline, "--date", "2025-04-17"], environment: ["FAPIAO_DIRECT_IO": "0"])
        XCTAssertEqual(cached.status, 0, cached.stderr)
        let throughCache = try files()
        let authority = try XCTUnwrap(throughCache["transform/authority.csv"])
        XCTAssertGreaterThan(authority.count, 8 << 20, "large enough for direct reads")
        try FileManager.default.removeItem(atPath: chain + "/work")
        let direct = try run(["run", pipeline, "--date", "2025-04-17"])
        XCTAssertEqual(direct.status, 0, direct.stderr)
        let throughDirect = try files()
        XCTAssertEqual(Set(throughDirect.keys), Set(throughCache.keys))
        for (name, bytes) in throughCache { XCTAssertEqual(throughDirect[name], bytes, "\(name) differs") }
    }
}
