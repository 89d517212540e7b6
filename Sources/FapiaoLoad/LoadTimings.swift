import Foundation

/// Phase timings of load on standard error when `FAPIAO_LOAD_TIMINGS` is set (for profiling; no output otherwise).
enum LoadTimings {
    private static let enabled = ProcessInfo.processInfo.environment["FAPIAO_LOAD_TIMINGS"] != nil
    nonisolated(unsafe) private static var last = Date()

    /// The resident set size now, in MB.
    private static func residentMB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 / 1_000_000 : 0
    }

    /// The peak resident set size so far, in MB.
    private static func peakMB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1000
    }

    /// Prints `phase`, the seconds since `start` and the calling thread's CPU seconds so far (the spans are timed on
    /// threads of their own: on a busy machine, CPU time tells work from waiting).
    static func span(_ phase: String, since start: Date) {
        guard enabled else { return }
        var cpu = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
        let seconds = Double(cpu.tv_sec) + Double(cpu.tv_nsec) / 1e9
        FileHandle.standardError.write(Data(String(format: "load   %@ %6.2f s  thread cpu %.2f s\n", phase as NSString,
                                                   Date().timeIntervalSince(start), seconds).utf8))
    }

    /// Prints the seconds since the previous mark, under `phase`.
    static func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "load %@ %6.2f s  rss %d MB peak %d MB\n", phase as NSString,
                                                   now.timeIntervalSince(last), residentMB(), peakMB()).utf8))
        last = now
    }
}
