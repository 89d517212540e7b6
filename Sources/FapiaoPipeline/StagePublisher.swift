import Foundation
import FapiaoCore
import FapiaoIO

/// Publishes a stage folder atomically: the stage writes into a fresh staging folder, which then replaces the
/// published folder in one step (`renameat2` with `RENAME_EXCHANGE`), so a reader sees the old complete folder
/// or the new complete one, never a mix.
public struct StagePublisher {
    /// The published folder (e.g. `<run>/extract`).
    public let target: String
    /// The staging folder the stage writes into.
    public let staging: String

    /// Creates a fresh, empty staging folder next to `target` (removing leftovers of killed runs).
    public init(target: String) throws {
        self.target = target
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let ours = ".\(name).old-\(getpid())-"  // being removed in the background by this process
        for leftover in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        where (leftover.hasPrefix(".\(name).staging-") || leftover.hasPrefix(".\(name).old-")) && !leftover.hasPrefix(ours) {
            try? FileManager.default.removeItem(atPath: parent + "/" + leftover)
        }
        staging = parent + "/.\(name).staging-\(getpid())"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
    }

    /// The stage folder's name (e.g. `extract`).
    private var name: String { (target as NSString).lastPathComponent }

    /// Swaps the staging folder into place and removes the old one; fsyncs both levels.
    ///
    /// The old folder (gigabytes on a big night) is removed on a background thread while the next stage runs;
    /// `waitForRemovals()` joins it before the lock is released. A run killed meanwhile leaves it under its
    /// hidden staging name, which the next publisher of that stage removes.
    public func publish() throws {
        fsyncDirectory(staging)
        let parent = (target as NSString).deletingLastPathComponent
        if FileManager.default.fileExists(atPath: target) {
            let old = parent + "/.\(name).old-\(getpid())-\(UUID().uuidString)"
            if exchange(staging, target) {
                if rename(staging, old) == 0 { Self.removeInBackground(old) } else { discard() }
            } else {
                try move(target, old)
                try move(staging, target)
                Self.removeInBackground(old)
            }
        } else {
            try move(staging, target)
        }
        fsyncDirectory(parent)
    }

    /// Old stage folders still being removed.
    private static let removals = DispatchGroup()

    private static func removeInBackground(_ path: String) {
        removals.enter()
        DispatchQueue.global(qos: .utility).async {
            try? FileManager.default.removeItem(atPath: path)
            removals.leave()
        }
    }

    /// Waits until every replaced stage folder is gone.
    public static func waitForRemovals() { removals.wait() }

    /// Removes the staging folder after a failure.
    public func discard() { try? FileManager.default.removeItem(atPath: staging) }

    private func move(_ from: String, _ to: String) throws {
        guard rename(from, to) == 0 else {
            throw RunError.failed("cannot publish \(to): \(String(cString: strerror(errno)))")
        }
    }

    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32

    /// `renameat2(RENAME_EXCHANGE)`, looked up at run time (Swift's Glibc module does not declare it).
    private func exchange(_ a: String, _ b: String) -> Bool {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let call = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 1 << 1
        return call(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }
}
