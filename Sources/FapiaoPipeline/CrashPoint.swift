import Foundation

/// Test hook for crash-safety tests: when `FAPIAO_CRASH_AT` names a point the run reaches, the process kills
/// itself with SIGKILL there, as a power cut or `kill -9` would. Points: `<stage>.start`, `<stage>.staged`
/// (outputs written, manifest not yet), `<stage>.manifest` (manifest written, not yet published),
/// `<stage>.published`, and `load.history` (out/ published, history not yet committed).
enum CrashPoint {
    private static let target = ProcessInfo.processInfo.environment["FAPIAO_CRASH_AT"]

    /// Dies here when asked to.
    static func hit(_ point: String) {
        guard let target, target == point else { return }
        kill(getpid(), SIGKILL)
    }
}
