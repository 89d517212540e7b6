import Foundation
import FapiaoCore

/// Writes a file through a buffered temporary file in the same folder, then fsyncs and renames it into place,
/// so a reader sees the old file or the complete new one, never half a file.
///
/// A file that outgrows one buffer (1 MiB) is written by a `FileWriteThread` (direct I/O where the file system
/// allows it, see `DirectIO`) while the caller fills the next buffer; a small file is written at `commit`.
public final class AtomicFileWriter {
    /// The final path.
    public let path: String
    private let temporaryPath: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var committed = false
    private let flushThreshold = 1 << 20
    private let durable: Bool
    /// The writing thread, started when the first full buffer is flushed.
    private var writes: FileWriteThread?

    /// Creates the temporary file next to `path`. A writer that is not `durable` skips the fsync on commit
    /// (for scratch files a run deletes anyway).
    public init(path: String, durable: Bool = true) throws {
        self.path = path
        self.durable = durable
        temporaryPath = path + ".tmp-\(getpid())"
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FapiaoError(code: "io.create", message: "cannot create \(path)", cause: String(cString: strerror(errno)))
        }
        descriptor = fd
        buffer.reserveCapacity(flushThreshold)
    }

    deinit {
        writes?.stop()
        if !committed {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Appends the rest of `reader`'s file, copied inside the kernel (`copy_file_range`); false, having
    /// copied nothing, where the kernel cannot copy between these files (the caller then copies itself).
    ///
    /// With direct I/O the kernel's copy is not used: it would fill the page cache with the copy (see `DirectIO`).
    func copyInKernel(from reader: FileChunkReader) throws -> Bool {
        guard !DirectIO.isEnabled, writes == nil, let copyRange = AtomicFileWriter.copyFileRange else { return false }
        try flush()
        var copiedAny = false
        while true {
            let count = copyRange(reader.descriptor, nil, descriptor, nil, 1 << 30, 0)
            if count > 0 {
                copiedAny = true
                reader.add(bytesRead: count)
                continue
            }
            if count == 0 { return true }
            if errno == EINTR { continue }
            if !copiedAny && [ENOSYS, EXDEV, EINVAL, EOPNOTSUPP, EBADF].contains(errno) { return false }
            throw FapiaoError(code: "io.write", message: "cannot copy \(reader.path) to \(path)", cause: String(cString: strerror(errno)))
        }
    }

    /// glibc's `copy_file_range` (not in Swift's Glibc module), looked up once; nil where it is missing.
    private static let copyFileRange: (@convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "copy_file_range") else { return nil }
        return unsafeBitCast(
            symbol, to: (@convention(c) (Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32) -> Int).self)
    }()

    /// Appends a string's UTF-8 bytes.
    public func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Gives direct access to the pending buffer (for formatters that append in place).
    public func append(_ body: (inout [UInt8]) -> Void) throws {
        body(&buffer)
        if buffer.count >= flushThreshold { try flush() }
    }

    /// Hands the buffer to the writing thread (started on first use) once it is full; at `commit` a file that
    /// never filled one buffer is written here directly.
    private func flush() throws {
        if writes == nil, buffer.count < flushThreshold {
            try writeDirectly()
            return
        }
        let thread = writes ?? FileWriteThread(descriptor: descriptor, path: path, offset: 0)
        writes = thread
        try buffer.withUnsafeBytes { try thread.append($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the buffer with `write(2)` (small files: no thread).
    private func writeDirectly() throws {
        var offset = 0
        try buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FapiaoError(code: "io.write", message: "cannot write \(path)", cause: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, fsyncs and renames the file into place.
    public func commit() throws {
        try flush()
        try writes?.finish()
        guard !durable || fsync(descriptor) == 0 else {
            throw FapiaoError(code: "io.fsync", message: "cannot fsync \(path)", cause: String(cString: strerror(errno)))
        }
        close(descriptor)
        committed = true
        guard rename(temporaryPath, path) == 0 else {
            unlink(temporaryPath)
            throw FapiaoError(code: "io.rename", message: "cannot rename into \(path)", cause: String(cString: strerror(errno)))
        }
    }

    /// Writes a whole file atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try writer.write(bytes)
        try writer.commit()
    }
}

/// fsyncs a folder so that renames inside it are durable.
public func fsyncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
}
