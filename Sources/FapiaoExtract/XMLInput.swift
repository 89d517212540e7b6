import FapiaoCore

/// The bytes libxml2 reads: the prefix already read for sniffing, then the rest of the input source.
/// A `final class` because libxml2 holds a pointer to it during the parse.
final class XMLInput {
    private let source: ContentReading
    private let prefix: [UInt8]
    private var offset = 0
    /// The input's failure (a gzip or size-limit error), once one happened.
    private(set) var failure: FileFailure?

    init(source: ContentReading, prefix: [UInt8]) {
        self.source = source
        self.prefix = prefix
    }

    /// Reads what libxml2 left unread after the document (so that the gzip trailer is checked and the whole
    /// file hashed); anything but whitespace there is a failure.
    func readToEnd(line: Int) throws {
        if let failure { throw failure }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { raw in
                raw.baseAddress.map { read(UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self), raw.count) } ?? 0
            }
            if let failure { throw failure }
            if count <= 0 { return }
            if buffer[0..<Int(count)].contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
                throw XMLFailure.malformed("content after the end of the document", line: line)
            }
        }
    }

    /// libxml2's read callback: up to `length` bytes into `buffer`; 0 at the end, -1 on failure.
    func read(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32 {
        let target = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        if offset < prefix.count {
            let count = min(length, prefix.count - offset)
            prefix.withUnsafeBufferPointer { bytes in
                if let base = bytes.baseAddress { target.update(from: base + offset, count: count) }
            }
            offset += count
            return Int32(count)
        }
        do {
            return Int32(try source.read(into: UnsafeMutableBufferPointer(start: target, count: length)))
        } catch {
            failure = (error as? FapiaoError).map { FileFailure($0) } ?? XMLFailure.malformed("\(error)", line: 0)
            return -1
        }
    }
}
