import ArgumentParser
import FapiaoCore
import FapiaoPipeline
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the terminal summary of a night's run.")

    @Argument(help: "The pipeline file (YAML); or use --run-dir.") var pipeline: String?
    @Option(help: "Business date YYYY-MM-DD.") var date: String?
    @Option(help: "A run folder <work_dir>/<pipeline>/<D>.") var runDir: String?

    func run() throws {
        let directory: String
        if let runDir {
            directory = runDir
        } else if let pipeline {
            let loaded = try PipelineLoader.load(path: pipeline)
            let night = try date.map { try BusinessCalendar.parse($0, option: "--date") }
                ?? BusinessCalendar.yesterday(in: loaded.spec.timezone)
            directory = RunLayout(pipeline: loaded, date: night).runDirectory
        } else {
            throw ValidationError("give a pipeline file and --date, or --run-dir")
        }
        print(try TerminalReport.text(runDirectory: directory))
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Re-hash a night's input archive against its manifest.")

    @OptionGroup var night: NightOptions

    func run() throws {
        let loaded = try night.load()
        let date = try night.night(for: loaded)
        let result = try ArchiveVerifier.verify(layout: RunLayout(pipeline: loaded, date: date), pipelineDirectory: loaded.directory)
        print(result.text)
        if !result.allMatch { throw ExitCode(1) }
    }
}
