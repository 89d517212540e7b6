import Foundation

/// Phase timings of load on standard error when `FAPIAO_LOAD_TIMINGS` is set (for profiling; no output otherwise).
enum LoadTimings {
    private static let enabled = ProcessInfo.processInfo.environment["FAPIAO_LOAD_TIMINGS"] != nil
    nonisolated(unsafe) private static var last = Date()

    /// Prints `phase` and the seconds since `start`.
    static func span(_ phase: String, since start: Date) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(String(format: "load   %@ %6.2f s\n", phase as NSString, Date().timeIntervalSince(start)).utf8))
    }

    /// Prints the seconds since the previous mark, under `phase`.
    static func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "load %-28@ %6.2f s\n", phase as NSString, now.timeIntervalSince(last)).utf8))
        last = now
    }
}
