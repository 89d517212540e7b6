import ArgumentParser
import FapiaoCore
import FapiaoPipeline
import Foundation

/// The `fapiao` command: parses arguments, calls FapiaoPipeline, maps errors to exit codes.
@main
struct Fapiao: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fapiao",
        abstract: "Reconcile branch invoice exports against the tax authority's record, night by night.",
        version: fapiaoVersion,
        subcommands: [Check.self, Run.self, ExtractCommand.self, TransformCommand.self, LoadCommand.self,
                      Report.self, Verify.self, Samples.self])

    /// Runs the command line and exits with DESIGN.md's codes (usage errors exit 2, not 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as RunError {
            FileHandle.standardError.write(Data("fapiao: \(error)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch let error as PipelineFileError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            Foundation.exit(2)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// The pipeline file and the night(s) a command works on.
struct NightOptions: ParsableArguments {
    @Argument(help: "The pipeline file (YAML).")
    var pipeline: String

    @Option(help: "Business date YYYY-MM-DD (default: yesterday in the pipeline's timezone).")
    var date: String?

    @Option(help: "Log lines as plain text or JSON (default: plain, or FAPIAO_LOG_FORMAT).")
    var logFormat: LogFormat?

    /// The loaded pipeline (exit 2 with diagnostics when it is not valid).
    func load() throws -> LoadedPipeline { try PipelineLoader.load(path: pipeline) }

    /// The night: `--date` or yesterday in the pipeline's zone.
    func night(for pipeline: LoadedPipeline) throws -> BusinessDate {
        guard let date else { return BusinessCalendar.yesterday(in: pipeline.spec.timezone) }
        return try BusinessCalendar.parse(date, option: "--date")
    }
}

extension LogFormat: ExpressibleByArgument {}
