import Foundation
import FapiaoCore
import FapiaoIO

/// Writes a record file through a temporary file beside it that is renamed into place on `commit`, and can
/// take back everything written since a mark (the records of an input file that then fails).
///
/// A `final class` because it owns a file descriptor. Output is appended in place into a 1 MiB buffer, copied,
/// once nearly full, to a `FileWriteThread`, which writes it while the buffer fills again.
final class StagedFileWriter {
    /// The final path.
    let path: String
    private let temporaryPath: String
    private let descriptor: Int32
    private var buffer: OutputBuffer
    /// Bytes handed to the writing thread (the file's size once it wrote them).
    private var flushed: Int64 = 0
    private var writes: FileWriteThread?
    private var committed = false
    private static let bufferCapacity = 1 << 20
    private static let flushThreshold = bufferCapacity - 64 * 1024

    /// Creates the temporary file next to `path`.
    init(path: String) throws {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw outputFailure("io.create", "cannot create \(path)") }
        descriptor = fd
        buffer = OutputBuffer(block: WriteBlock(capacity: StagedFileWriter.bufferCapacity))
    }

    deinit {
        writes?.stop()
        if !committed {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// The position a later `rollback` returns to.
    var mark: Int64 { flushed + Int64(buffer.count) }

    /// Appends bytes in place through `body` (one exclusive access for a whole record).
    @inline(__always)
    func append(_ body: (inout OutputBuffer) throws -> Void) throws {
        try body(&buffer)
        if buffer.count >= StagedFileWriter.flushThreshold { try handOver() }
    }

    /// Forgets everything written after `mark`.
    func rollback(to mark: Int64) throws {
        if mark >= flushed {
            buffer.truncate(to: Int(mark - flushed))
            return
        }
        try outputStep { try writes?.truncate(to: mark) }
        buffer.truncate(to: 0)
        flushed = mark
    }

    /// Flushes, fsyncs and renames the file into place.
    func commit() throws {
        try handOver()
        try outputStep { try writes?.finish() }
        guard fsync(descriptor) == 0 else { throw outputFailure("io.fsync", "cannot fsync \(path)") }
        close(descriptor)
        committed = true
        guard rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            throw outputFailure("io.rename", "cannot rename into \(path)")
        }
    }

    /// Hands the buffer's bytes to the writing thread (started on first use) and empties it.
    private func handOver() throws {
        guard buffer.count > 0 else { return }
        let thread = writes ?? FileWriteThread(descriptor: descriptor, path: path, offset: flushed)
        writes = thread
        let count = buffer.count
        try outputStep { try thread.append(buffer.bytes) }
        buffer.truncate(to: 0)
        flushed += Int64(count)
    }
}

/// Runs a step of writing the stage's output, turning its error into an `OutputFailure`.
private func outputStep(_ step: () throws -> Void) throws {
    do {
        try step()
    } catch let error as FapiaoError {
        throw OutputFailure(error: error)
    }
}

/// An output error naming `errno`'s reason.
func outputFailure(_ code: String, _ message: String) -> OutputFailure {
    OutputFailure(error: FapiaoError(code: code, message: message, cause: String(cString: strerror(errno))))
}

/// A failure to write the stage's own output: it fails the stage, never just one input file.
struct OutputFailure: Error {
    /// What went wrong.
    let error: FapiaoError
}
