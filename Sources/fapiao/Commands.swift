import ArgumentParser
import FapiaoCore
import FapiaoPipeline
import FapiaoSamples
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lint a pipeline file and print the plan for a night.")

    @OptionGroup var night: NightOptions

    func run() throws {
        let pipeline = try night.load()
        print(Plan.text(pipeline: pipeline, date: try night.night(for: pipeline)))
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Extract, transform and load a night (or a range of nights).")

    @Argument(help: "The pipeline file (YAML).") var pipeline: String
    @Option(help: "Business date YYYY-MM-DD (default: yesterday in the pipeline's timezone).") var date: String?
    @Option(help: "First night of a backfill.") var from: String?
    @Option(help: "Last night of a backfill.") var to: String?
    @Option(help: "Log lines as plain text or JSON (default: plain, or FAPIAO_LOG_FORMAT).") var logFormat: LogFormat?

    func run() throws {
        Log.bootstrap(format: logFormat)
        let loaded = try PipelineLoader.load(path: pipeline)
        let nights = try BusinessCalendar.nights(date: date, from: from, to: to, timezone: loaded.spec.timezone)
        let code = try NightRunner.run(pipeline: loaded, nights: nights) { runner in try runner.runAll() }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Shared body of the single-stage commands.
protocol StageCommand: ParsableCommand {
    static var stage: Stage { get }
    var night: NightOptions { get }
}

extension StageCommand {
    func run() throws {
        Log.bootstrap(format: night.logFormat)
        let loaded = try night.load()
        let date = try night.night(for: loaded)
        let code = try NightRunner.run(pipeline: loaded, nights: [date]) { runner in try runner.run(Self.stage) }
        if code != 0 { throw ExitCode(code) }
    }
}

struct ExtractCommand: StageCommand {
    static let configuration = CommandConfiguration(commandName: "extract", abstract: "Run the extract stage.")
    static let stage = Stage.extract
    @OptionGroup var night: NightOptions
}

struct TransformCommand: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform", abstract: "Run the transform stage from extract's stored output.")
    static let stage = Stage.transform
    @OptionGroup var night: NightOptions
}

struct LoadCommand: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Run the load stage from transform's stored output.")
    static let stage = Stage.load
    @OptionGroup var night: NightOptions
}

struct Samples: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a sample chain, its pipeline file and its truth.")

    @Option(help: "Folder to write into.") var out: String = "samples"
    @Option(help: "Write the pipeline file here (paths relative to its folder) instead of <out>/pipeline.yaml.")
    var pipelineFile: String?
    @Option(help: "Random seed.") var seed: UInt64 = SampleOptions().seed
    @Option(help: "Number of branches.") var branches: Int = SampleOptions().branches
    @Option(help: "Invoices per branch.") var invoicesPerBranch: Int = SampleOptions().invoicesPerBranch
    @Flag(help: "Write the tax-platform set instead: the authority as the e-tax bureau's .xlsx plus digital XML invoices.")
    var taxPlatform = false

    func run() throws {
        let options = SampleOptions(seed: seed, branches: branches, invoicesPerBranch: invoicesPerBranch)
        let summary: SampleSummary
        do {
            summary = taxPlatform
                ? try SampleChain.writeTaxPlatform(to: out, options: options, pipelineFile: pipelineFile)
                : try SampleChain.write(to: out, options: options, pipelineFile: pipelineFile)
        } catch let error as FapiaoError where error.code.hasPrefix("samples.") {
            throw RunError.usage(error.message)
        }
        print("wrote \(summary.invoices) invoices of \(branches) branches, their authority export and truth.json to \(out)")
        print("pipeline file: \(summary.pipelineFile)")
    }
}
