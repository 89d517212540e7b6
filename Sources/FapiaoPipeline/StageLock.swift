import Foundation
import FapiaoCore

/// The pipeline's lock: an exclusive `flock` on `<work_dir>/<pipeline>/.lock` holding the holder's pid and start
/// time. The kernel releases it when the holder dies, so a lock left by a killed run is simply taken over.
public final class StageLock {
    private let descriptor: Int32
    public let path: String

    /// Takes the lock or throws `RunError.lockHeld` naming the holder.
    public init(path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RunError.failed("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
            close(fd)
            throw RunError.lockHeld("another fapiao run holds \(path) (\(holder.isEmpty ? "holder unknown" : holder))")
        }
        descriptor = fd
        self.path = path
        let note = "pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(fd, 0)
        _ = note.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Why a run stopped; each maps to an exit code of DESIGN.md.
public enum RunError: Error, CustomStringConvertible, Sendable {
    /// Pipeline file or usage error: exit 2.
    case usage(String)
    /// No trustworthy result could be produced: exit 3.
    case failed(String)
    /// Another run holds the lock: exit 75.
    case lockHeld(String)

    public var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .failed: return 3
        case .lockHeld: return 75
        }
    }

    public var description: String {
        switch self {
        case .usage(let m), .failed(let m), .lockHeld(let m): return m
        }
    }
}
