import Foundation
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoLoad
import FapiaoTransform
import Logging

/// How a night ended.
public struct NightOutcome: Sendable {
    public var date: BusinessDate
    /// Alerts that fired (`type ≥ threshold` or `severity ≥ threshold`), empty when none.
    public var firedAlerts: [String]
    /// The published `out/summary.json`, when load ran.
    public var summaryPath: String?
    /// Open discrepancies tonight per severity (empty when load did not run).
    public var openBySeverity: [Severity: Int] = [:]
    /// Open discrepancies tonight per type (empty when load did not run).
    public var openByType: [DiscrepancyType: Int] = [:]

    /// 0 done, 1 done with an alert.
    public var exitCode: Int32 { firedAlerts.isEmpty ? 0 : 1 }
}

/// Runs the stages of one pipeline for one night: lock, staging folder, stage, manifest, publish.
public struct StageRunner {
    public let pipeline: LoadedPipeline
    public let date: BusinessDate
    public let logger: Logger
    public var layout: RunLayout { RunLayout(pipeline: pipeline, date: date) }

    public init(pipeline: LoadedPipeline, date: BusinessDate, logger: Logger) {
        self.pipeline = pipeline
        self.date = date
        self.logger = logger
    }

    /// Extract, transform and load in order; returns once replaced stage folders are removed.
    public func runAll() throws -> NightOutcome {
        defer { StagePublisher.waitForRemovals() }
        try runExtract()
        MemoryRelease.trim()  // one process runs every stage: what extract's threads freed is not load's peak
        try runTransform()
        MemoryRelease.trim()
        return try runLoad()
    }

    /// Runs one stage (the previous one must be complete); returns once the replaced folder is removed.
    public func run(_ stage: Stage) throws -> NightOutcome {
        defer { StagePublisher.waitForRemovals() }
        switch stage {
        case .extract: try runExtract()
        case .transform: try runTransform()
        case .load: return try runLoad()
        }
        return NightOutcome(date: date, firedAlerts: [], summaryPath: nil)
    }

    /// The extract stage; fails (exit 3) after publishing when no authority file could be read.
    public func runExtract() throws {
        let found = FileMatcher.inputs(for: pipeline.spec, date: date, pipelineDirectory: pipeline.directory)
        for input in found {
            logger.info("extract: \(input.source.name): \(input.files.count) file(s)")
        }
        let plan: ArchivePlan
        do {
            plan = try InputArchive.plan(found, layout: layout)
            InputArchive.prune(layout: layout, retentionDays: pipeline.spec.archive.retentionDays)
        } catch {
            throw StageRunner.archiveFailure(error, date: date, layout: layout)
        }
        let inputs = plan.archived
        var result: ExtractResult?
        try stage(.extract) { staging in
            let started = Date()
            let progress = ProgressDisplay(stage: "extract", totalBytes: inputBytes(found))
            defer { progress.stop() }
            // Each source is archived on its extract worker just before it is read (`ArchivePlan`).
            let (date, layout) = (date, layout)
            let extracted = try ExtractStage.run(spec: pipeline.spec, inputs: inputs, outputDirectory: staging) { source in
                do { try plan.store(source: source) } catch { throw StageRunner.archiveFailure(error, date: date, layout: layout) }
            }
            result = extracted
            logStatistics(extracted, seconds: Date().timeIntervalSince(started))
            return manifest(.extract, sources: extracted.sources, inputs: extracted.inputs,
                            outputs: ["findings.csv": extracted.findings], started: started)
        }
        try checkAuthorityReadable(inputs: inputs, result: result)
    }

    /// The transform stage, from extract's published output.
    public func runTransform() throws {
        let extractDirectory = try completedDirectory(of: .extract)
        try stage(.transform) { staging in
            let started = Date()
            let progress = ProgressDisplay(stage: "transform", totalBytes: folderBytes(extractDirectory))
            defer { progress.stop() }
            let result = try TransformStage.run(
                spec: pipeline.spec, extractDirectory: extractDirectory, outputDirectory: staging)
            let seconds = Date().timeIntervalSince(started)
            let records = result.sources.reduce(0) { $0 + $1.recordsIn }
            logger.info("transform: \(records) records in \(String(format: "%.2f", seconds)) s (\(seconds > 0 ? Int(Double(records) / seconds) : records) records/s)")
            return manifest(.transform, sources: result.sources, inputs: [], outputs: result.outputs, started: started)
        }
    }

    /// The load stage, from transform's published output; updates history after publishing `out/`.
    public func runLoad() throws -> NightOutcome {
        let transformDirectory = try completedDirectory(of: .transform)
        let extractDirectory = try completedDirectory(of: .extract)
        var result: LoadResult?
        try stage(.load) { staging in
            let started = Date()
            let progress = ProgressDisplay(stage: "load", totalBytes: folderBytes(transformDirectory))
            defer { progress.stop() }
            let request = LoadRequest(
                spec: pipeline.spec, date: date, extractDirectory: extractDirectory,
                transformDirectory: transformDirectory, outputDirectory: staging,
                historyDatabasePath: layout.historyDatabasePath)
            let loaded = try LoadStage.run(request)
            result = loaded
            return manifest(.load, sources: [], inputs: [], outputs: loaded.outputs, started: started)
        }
        guard let result else { throw RunError.failed("load produced no result") }
        CrashPoint.hit("load.history")
        do {
            try result.commitHistory()
        } catch {
            throw RunError.failed("cannot update the history database \(layout.historyDatabasePath): \(error)")
        }
        let summary = layout.stageDirectory(.load) + "/summary.json"
        let bySeverity = Severity.allCases.map { "\(result.openCountsBySeverity[$0] ?? 0) \($0.rawValue)" }
        let open = result.openCountsBySeverity.values.reduce(0, +)
        logger.notice("night \(date): \(open) open discrepancies (\(bySeverity.joined(separator: ", "))); report: \(layout.stageDirectory(.load))/report.html")
        let fired = Alerts.fired(pipeline.spec.alerts, result: result)
        return NightOutcome(date: date, firedAlerts: fired, summaryPath: summary,
                            openBySeverity: result.openCountsBySeverity, openByType: result.openCountsByType)
    }

    /// The published folder of a stage, or exit 3 naming the command that makes it.
    func completedDirectory(of stage: Stage) throws -> String {
        let directory = layout.stageDirectory(stage)
        guard ManifestIO.read(from: directory) != nil else {
            throw RunError.failed(
                "the \(stage.rawValue) stage for \(date) is not complete (no \(directory)/manifest.json); "
                    + "run: fapiao \(stage.rawValue) \(pipeline.path) --date \(date)")
        }
        return directory
    }

    private func stage(_ stage: Stage, body: (String) throws -> StageManifest) throws {
        CrashPoint.hit("\(stage.rawValue).start")
        let publisher = try StagePublisher(target: layout.stageDirectory(stage))
        do {
            let manifest = try body(publisher.staging)
            CrashPoint.hit("\(stage.rawValue).staged")
            try ManifestIO.write(manifest, into: publisher.staging)
            CrashPoint.hit("\(stage.rawValue).manifest")
            try publisher.publish()
            CrashPoint.hit("\(stage.rawValue).published")
            logger.info("\(stage.rawValue): published \(layout.stageDirectory(stage))")
        } catch {
            publisher.discard()
            if let runError = error as? RunError { throw runError }
            throw RunError.failed("\(stage.rawValue) failed: \(error)")
        }
    }

    private func manifest(_ stage: Stage, sources: [SourceCounts], inputs: [InputFileInfo],
                          outputs: [String: Int], started: Date) -> StageManifest {
        StageManifest(
            stage: stage.rawValue, pipeline: pipeline.spec.name, date: date.description,
            programVersion: fapiaoVersion, pipelineSHA256: pipeline.sha256, sources: sources, inputs: inputs,
            outputs: outputs, timings: ["seconds": Date().timeIntervalSince(started)],
            host: ProcessInfo.processInfo.hostName, finishedAt: ISO8601DateFormatter().string(from: Date()))
    }

    private func logStatistics(_ result: ExtractResult, seconds: Double) {
        let inflated = result.inputs.reduce(Int64(0)) { $0 + $1.inflatedBytes }
        let compressed = result.inputs.reduce(Int64(0)) { $0 + $1.compressedBytes }
        let records = result.sources.reduce(0) { $0 + $1.recordsIn }
        let rate = seconds > 0 ? Int(Double(records) / seconds) : records
        logger.info("""
            extract: \(result.inputs.count) files, \(byteText(compressed)) compressed, \(byteText(inflated)) inflated, \(records) records in \(String(format: "%.2f", seconds)) s (\(rate) records/s)
            """)
    }

    /// The run failure (exit 3) for inputs that could not be archived.
    private static func archiveFailure(_ error: Error, date: IssueDate, layout: RunLayout) -> RunError {
        RunError.failed("cannot archive the inputs of \(date) in \(layout.archiveDirectory): \(error)")
    }

    private func inputBytes(_ inputs: [SourceInputs]) -> Int64 {
        inputs.flatMap(\.files).reduce(0) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file.absolutePath)[.size] as? Int64) ?? 0
            return total + size
        }
    }

    private func folderBytes(_ directory: String) -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.reduce(0) { total, name in
            let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.size] as? Int64) ?? 0
            return total + size
        }
    }

    private func byteText(_ bytes: Int64) -> String {
        bytes < 1_000_000 ? "\(bytes / 1000) KB" : String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    private func checkAuthorityReadable(inputs: [SourceInputs], result: ExtractResult?) throws {
        let authority = Set(pipeline.spec.authoritySources.map(\.name))
        let readable = result?.inputs.filter { authority.contains($0.source) && $0.error == nil } ?? []
        guard readable.isEmpty else { return }
        let files = inputs.filter { authority.contains($0.source.name) }.flatMap(\.files)
        throw RunError.failed(files.isEmpty
            ? "no authority file for \(date): nothing to reconcile against (looked for \(pipeline.spec.authoritySources.map(\.path).joined(separator: ", ")))"
            : "every authority file for \(date) failed to read; see \(layout.stageDirectory(.extract))/findings.csv")
    }
}

/// Alert thresholds against tonight's open counts.
enum Alerts {
    static func fired(_ options: AlertOptions, result: LoadResult) -> [String] {
        var fired: [String] = []
        for (type, threshold) in options.failOnTypes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let count = result.openCountsByType[type] ?? 0
            if count >= threshold { fired.append("\(type.rawValue): \(count) open ≥ \(threshold)") }
        }
        for (severity, threshold) in options.failOnSeverity.sorted(by: { $0.key.rank < $1.key.rank }) {
            let count = result.openCountsBySeverity[severity] ?? 0
            if count >= threshold { fired.append("severity \(severity.rawValue): \(count) open ≥ \(threshold)") }
        }
        return fired
    }
}
