import Foundation
import FapiaoIO

/// A one-line progress display on a terminal's standard error: the stage, input bytes read of the night's
/// total, throughput and elapsed time, redrawn four times a second. Does nothing when stderr is not a terminal
/// (cron mail gets the plain log lines instead).
final class ProgressDisplay: @unchecked Sendable {
    private let stage: String
    private let totalBytes: Int64
    private let startBytes = ReadProgress.bytes
    private let started = Date()
    private let lock = NSLock()
    private var running = true
    private var thread: Thread?

    /// True when standard error is a terminal.
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Starts drawing (on a terminal only).
    init(stage: String, totalBytes: Int64) {
        self.stage = stage
        self.totalBytes = totalBytes
        guard ProgressDisplay.isTerminal else { return }
        let thread = Thread { [weak self] in self?.loop() }
        self.thread = thread
        thread.start()
    }

    /// Stops and clears the line.
    func stop() {
        lock.lock()
        let wasRunning = running && thread != nil
        running = false
        lock.unlock()
        if wasRunning { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func loop() {
        while true {
            Thread.sleep(forTimeInterval: 0.25)
            lock.lock()
            let keepGoing = running
            if keepGoing { FileHandle.standardError.write(Data(line().utf8)) }
            lock.unlock()
            if !keepGoing { return }
        }
    }

    private func line() -> String {
        let read = ReadProgress.bytes - startBytes
        let seconds = max(0.001, Date().timeIntervalSince(started))
        let percent = totalBytes > 0 ? min(100, Int(read * 100 / totalBytes)) : 0
        let rate = Double(read) / 1_000_000 / seconds
        return String(format: "\r\u{1B}[K%@  %3d%%  %.1f / %.1f MB  %.1f MB/s  %.0f s",
                      stage, percent, Double(read) / 1_000_000, Double(totalBytes) / 1_000_000, rate, seconds)
    }
}
