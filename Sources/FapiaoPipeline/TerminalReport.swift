import FapiaoLoad

/// The terminal summary of a run folder (`fapiao report`).
public enum TerminalReport {
    /// Formats `<run>/out/` for a terminal: totals, counts and money per type, per branch, the top items.
    public static func text(runDirectory: String) throws -> String {
        do {
            return try ReportSummary.terminalText(outputDirectory: runDirectory + "/out")
        } catch {
            throw RunError.failed("\(error); run the load stage first")
        }
    }
}
