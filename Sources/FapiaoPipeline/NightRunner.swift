import Foundation
import FapiaoCore
import Logging

/// Runs nights in order under the pipeline's lock; a backfill stops at the first night that fails.
public enum NightRunner {
    /// Runs `body` for each night; returns the exit code of DESIGN.md (0, or 1 when an alert fired).
    public static func run(
        pipeline: LoadedPipeline, nights: [BusinessDate], body: (StageRunner) throws -> NightOutcome
    ) throws -> Int32 {
        Log.bootstrap()
        let logger = Logger(label: "fapiao")
        let lock = try StageLock(path: RunLayout(pipeline: pipeline, date: nights[0]).lockPath)
        defer { withExtendedLifetime(lock) {} }
        defer { StagePublisher.waitForRemovals() }  // before the lock goes
        var code: Int32 = 0
        for night in nights {
            logger.info("night \(night): pipeline \(pipeline.spec.name)")
            let started = Date()
            let runner = StageRunner(pipeline: pipeline, date: night, logger: logger)
            let outcome = try body(runner)
            writeMetrics(pipeline: pipeline, runner: runner, outcome: outcome, started: started, logger: logger)
            if !outcome.firedAlerts.isEmpty {
                logger.warning("night \(night): alert: \(outcome.firedAlerts.joined(separator: "; "))")
                AlertCommand.run(pipeline: pipeline, outcome: outcome, logger: logger)
                code = 1
            }
        }
        return code
    }

    private static func writeMetrics(pipeline: LoadedPipeline, runner: StageRunner, outcome: NightOutcome,
                                     started: Date, logger: Logger) {
        guard !pipeline.spec.metricsFile.isEmpty, outcome.summaryPath != nil else { return }
        let path = PathResolver.absolute(pipeline.spec.metricsFile, relativeTo: pipeline.directory)
        do {
            try MetricsFile.write(path: path, layout: runner.layout, pipeline: pipeline.spec.name,
                                  seconds: Date().timeIntervalSince(started))
        } catch {
            logger.error("cannot write metrics file \(path): \(error)")
        }
    }
}

/// Logging set-up: one bootstrap per process, to standard error, in the format `FAPIAO_LOG_FORMAT` or
/// `--log-format` chose (plain by default).
public enum Log {
    nonisolated(unsafe) private static var format = LogFormat.plain
    private static let once: Void = {
        let level = ProcessInfo.processInfo.environment["FAPIAO_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = FapiaoLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }()

    /// Bootstraps logging once, in `format` (or `FAPIAO_LOG_FORMAT` when nil).
    public static func bootstrap(format requested: LogFormat? = nil) {
        if let requested { format = requested }
        else if let env = ProcessInfo.processInfo.environment["FAPIAO_LOG_FORMAT"].flatMap(LogFormat.init(rawValue:)) {
            format = env
        }
        _ = once
    }
}

/// Runs `alerts.command` with the summary path and `FAPIAO_*` variables; a failure is logged, not fatal.
enum AlertCommand {
    static func run(pipeline: LoadedPipeline, outcome: NightOutcome, logger: Logger) {
        let command = pipeline.spec.alerts.command
        guard !command.isEmpty else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command, "fapiao-alert", outcome.summaryPath ?? ""]
        process.currentDirectoryURL = URL(fileURLWithPath: pipeline.directory)
        var environment = ProcessInfo.processInfo.environment
        environment["FAPIAO_PIPELINE"] = pipeline.spec.name
        environment["FAPIAO_DATE"] = outcome.date.description
        environment["FAPIAO_ALERTS"] = outcome.firedAlerts.joined(separator: "; ")
        environment["FAPIAO_SUMMARY"] = outcome.summaryPath ?? ""
        environment["FAPIAO_EXIT"] = String(outcome.exitCode)
        for severity in Severity.allCases {
            environment["FAPIAO_\(severity.rawValue.uppercased())"] = String(outcome.openBySeverity[severity] ?? 0)
        }
        for type in DiscrepancyType.allCases {
            environment["FAPIAO_\(type.rawValue.uppercased())"] = String(outcome.openByType[type] ?? 0)
        }
        process.environment = environment
        do {
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                logger.error("alert command exited \(process.terminationStatus): \(command)")
            }
        } catch {
            logger.error("alert command could not start: \(command): \(error)")
        }
    }
}
