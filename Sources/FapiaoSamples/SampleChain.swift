import Foundation
import FapiaoCore
import FapiaoIO

/// Options for a generated sample chain.
public struct SampleOptions: Hashable, Sendable {
    /// The seed of every random draw: the same seed writes byte-identical files.
    public var seed: UInt64
    /// Branch stores (6...9999); the first sixteen are named after Beijing districts.
    public var branches: Int
    /// Invoices each branch issued tonight (8 or more).
    public var invoicesPerBranch: Int

    /// The committed small set: 8 branches of 60 invoices.
    public init(seed: UInt64 = 20250417, branches: Int = 8, invoicesPerBranch: Int = 60) {
        self.seed = seed; self.branches = branches; self.invoicesPerBranch = invoicesPerBranch
    }

    /// Throws a `FapiaoError` (`samples.options`) when a value is out of range.
    public func validate() throws {
        guard (6...9999).contains(branches) else {
            throw FapiaoError(code: "samples.options", message: "--branches must be between 6 and 9999 (got \(branches))")
        }
        guard (8...100_000_000).contains(invoicesPerBranch) else {
            throw FapiaoError(code: "samples.options",
                              message: "--invoices-per-branch must be between 8 and 100000000 (got \(invoicesPerBranch))")
        }
    }
}

/// What `SampleChain.write` produced.
public struct SampleSummary: Hashable, Sendable {
    /// The truth a correct run reports (also written to `truth.json`).
    public var truth: SampleTruth
    /// Invoices the chain issued tonight (branches × invoices per branch).
    public var invoices: Int
    /// The pipeline file written.
    public var pipelineFile: String
    /// How many times each injection was planted, by its name in docs/samples.md.
    public var injections: [String: Int]
}

/// Writes a sample chain: branch exports, the authority export, a pipeline file and `truth.json`.
public enum SampleChain {
    /// The business date of every sample chain.
    public static let businessDate = IssueDate(year: 2025, month: 4, day: 17) ?? IssueDate(daysSinceEpoch: 20195)

    /// Writes the chain into `directory`: `exports/<branch>/20250417/…`, `authority/20250417/tax-export.csv.gz`,
    /// `truth.json`, and the pipeline file: `directory/pipeline.yaml` (paths relative to `directory`, `work_dir: work`)
    /// unless `pipelineFile` names another (paths then relative to its folder, `work_dir` beside `directory`).
    ///
    /// `directory` must be missing, empty, or an earlier sample chain (it has a `truth.json`): then its `exports/`
    /// and `authority/` folders are replaced, so no file of an earlier, larger chain lingers. Anything else throws
    /// `samples.out_not_empty` rather than touch a folder of real exports.
    @discardableResult
    public static func write(to directory: String, options: SampleOptions, pipelineFile: String? = nil) throws -> SampleSummary {
        try options.validate()
        try prepare(directory)
        let date = businessDate
        let plan = ChainPlan(count: options.branches, seed: options.seed)
        var ledger = TruthLedger(sources: plan.sourceNames)
        try writeExports(plan: plan, options: options, directory: directory, ledger: &ledger)
        let truth = ledger.truth(date: date)
        try AtomicFileWriter.write(Array(truth.json.utf8), to: directory + "/truth.json")
        let pipelinePath = pipelineFile ?? directory + "/pipeline.yaml"
        let layout = RelativePaths(chain: directory, pipelineFile: pipelineFile)
        let yaml = PipelineYAML(plan: plan, truth: truth, pathPrefix: layout.pathPrefix, workDir: layout.workDir, date: date)
        try makeFolder(PathText.parent(of: pipelinePath))
        try AtomicFileWriter.write(Array(yaml.text.utf8), to: pipelinePath)
        let injections = Dictionary(uniqueKeysWithValues: ledger.injections.map { ($0.key.rawValue, $0.value) })
        return SampleSummary(truth: truth, invoices: options.branches * options.invoicesPerBranch,
                             pipelineFile: pipelinePath, injections: injections)
    }

    /// Streams every branch's files (in pipeline order) and the authority's export (the CSV export, unless
    /// `authority` gives another sink).
    static func writeExports(plan: ChainPlan, options: SampleOptions, directory: String,
                             ledger: inout TruthLedger, authority given: AuthoritySink? = nil) throws {
        let date = businessDate
        var random = SampleRandom(seed: options.seed, stream: 0xB0B)
        let buyers = BuyerPool(random: &random)
        let authority: AuthoritySink
        if let given {
            authority = given
        } else {
            try makeFolder("\(directory)/authority/\(date.compact)")
            authority = try AuthorityExport(path: directory + "/" + AuthorityExport.relativePath(date))
        }
        var rotation = random.below(InjectionKind.allCases.count)
        var foreign: [InvoiceFacts] = []
        let order = plan.pipelineOrder
        for (position, branch) in order.enumerated() {
            let next = position + 1 < order.count && order[position + 1].fate != .missingSource ? order[position + 1].name : nil
            let folder = "\(directory)/exports/\(branch.name)/\(date.compact)"
            if branch.fate != .missingSource { try makeFolder(folder) }
            let factory = InvoiceFactory(branch: branch, date: date, buyers: buyers, seed: options.seed)
            var export = BranchExport(branch: branch, count: options.invoicesPerBranch, date: date, folder: folder,
                                      injector: Injector(branch: branch, nextBranch: next, factory: factory))
            foreign = try export.write(authority: authority, ledger: &ledger, rotation: &rotation, foreign: foreign)
        }
        try authority.close()
    }

    /// Clears an earlier sample chain's data folders; refuses a folder that is neither empty nor a sample chain.
    static func prepare(_ directory: String, folders: [String] = ["exports", "authority"]) throws {
        let files = FileManager.default
        guard let entries = try? files.contentsOfDirectory(atPath: directory), !entries.isEmpty else { return }
        guard entries.contains("truth.json") else {
            throw FapiaoError(code: "samples.out_not_empty",
                              message: "\(directory) is not empty and holds no truth.json of an earlier sample chain; choose an empty or new folder")
        }
        for folder in folders where entries.contains(folder) {
            do {
                try files.removeItem(atPath: directory + "/" + folder)
            } catch {
                throw FapiaoError(code: "io.remove", message: "cannot clear \(directory)/\(folder)", cause: "\(error)")
            }
        }
    }

    /// Creates a folder and its parents.
    static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw FapiaoError(code: "io.create", message: "cannot create the folder \(path)", cause: "\(error)")
        }
    }
}
