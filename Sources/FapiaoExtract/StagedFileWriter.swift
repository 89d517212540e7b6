import Foundation
import FapiaoCore

/// Writes a record file through a temporary file beside it that is renamed into place on `commit`, and can
/// take back everything written since a mark (the records of an input file that then fails).
///
/// A `final class` because it owns a file descriptor. Output is buffered (1 MiB) and appended in place.
final class StagedFileWriter {
    /// The final path.
    let path: String
    private let temporaryPath: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var flushed: Int64 = 0
    private var committed = false
    private static let flushThreshold = 1 << 20

    /// Creates the temporary file next to `path`.
    init(path: String) throws {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StagedFileWriter.ioError("io.create", "cannot create \(path)") }
        descriptor = fd
        buffer.reserveCapacity(StagedFileWriter.flushThreshold + 64 * 1024)
    }

    deinit {
        if !committed {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// The position a later `rollback` returns to.
    var mark: Int64 { flushed + Int64(buffer.count) }

    /// Appends bytes in place through `body` (one exclusive access for a whole record).
    @inline(__always)
    func append(_ body: (inout [UInt8]) throws -> Void) throws {
        try body(&buffer)
        if buffer.count >= StagedFileWriter.flushThreshold { try flush() }
    }

    /// Forgets everything written after `mark`.
    func rollback(to mark: Int64) throws {
        if mark >= flushed {
            buffer.removeLast(buffer.count - Int(mark - flushed))
            return
        }
        buffer.removeAll(keepingCapacity: true)
        guard ftruncate(descriptor, off_t(mark)) == 0, lseek(descriptor, off_t(mark), SEEK_SET) >= 0 else {
            throw StagedFileWriter.ioError("io.write", "cannot truncate \(path)")
        }
        flushed = mark
    }

    /// Flushes, fsyncs and renames the file into place.
    func commit() throws {
        try flush()
        guard fsync(descriptor) == 0 else { throw StagedFileWriter.ioError("io.fsync", "cannot fsync \(path)") }
        close(descriptor)
        committed = true
        guard rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            throw StagedFileWriter.ioError("io.rename", "cannot rename into \(path)")
        }
    }

    private func flush() throws {
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while offset < raw.count {
                let written = write(descriptor, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StagedFileWriter.ioError("io.write", "cannot write \(path)")
                }
                offset += written
            }
        }
        flushed += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    private static func ioError(_ code: String, _ message: String) -> OutputFailure {
        OutputFailure(error: FapiaoError(code: code, message: message, cause: String(cString: strerror(errno))))
    }
}

/// A failure to write the stage's own output: it fails the stage, never just one input file.
struct OutputFailure: Error {
    /// What went wrong.
    let error: FapiaoError
}
