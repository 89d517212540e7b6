import Foundation
import FapiaoCore
import FapiaoIO

/// Builders for the byte fixtures the extract tests feed: gzip members, text in legacy encodings, files.
public enum Fixture {
    /// `bytes` gzipped as one member.
    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        (try? GzipDeflater.gzip(bytes, level: level)) ?? []
    }

    /// `bytes` gzipped as one member.
    public static func gzip(_ text: String) -> [UInt8] { gzip(Array(text.utf8)) }

    /// Several gzip members back to back (what `cat a.gz b.gz` makes).
    public static func gzipMembers(_ parts: [[UInt8]]) -> [UInt8] { parts.flatMap { gzip($0) } }

    /// `text` in an encoding glibc iconv knows (`GB18030`, `GBK`, `UTF-16LE`, …); empty when it cannot.
    public static func encode(_ text: String, as encoding: String) -> [UInt8] {
        guard let descriptor = iconv_open(encoding, "UTF-8"), descriptor != iconv_t(bitPattern: -1) else { return [] }
        defer { iconv_close(descriptor) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        let produced = input.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw -> Int in
                var inPointer = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var outPointer = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                var inLeft = inRaw.count, outLeft = outRaw.count
                guard iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return -1 }
                return outRaw.count - outLeft
            }
        }
        return produced < 0 ? [] : Array(output[0..<produced])
    }

    /// `text` in GB18030.
    public static func gb18030(_ text: String) -> [UInt8] { encode(text, as: "GB18030") }

    /// Writes `bytes` to `directory/name` (creating folders) and returns the path.
    @discardableResult
    public static func write(_ bytes: [UInt8], to directory: String, name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw FapiaoError(code: "test.write", message: "cannot write \(path)")
        }
        return path
    }

    /// The contents of a file as UTF-8 text.
    public static func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }
}

/// Feeds a reader its input in every chunking of `TestSupport.chunkings` (all at once, byte by byte, random
/// sizes) and reports each chunking whose output differs from the all-at-once output (NIO's
/// `ByteToMessageDecoderVerifier`): catches a quoted newline or a multi-byte sequence split across a boundary.
public enum ChunkVerifier {
    /// Descriptions of the chunkings whose output differs; empty when all agree.
    public static func mismatches<Output: Equatable>(
        _ input: [UInt8], process: ([[UInt8]]) throws -> Output
    ) rethrows -> [String] {
        let chunkings = TestSupport.chunkings(of: input)
        let expected = try process(chunkings[0])
        var problems: [String] = []
        for (index, chunks) in chunkings.enumerated().dropFirst() {
            let output = try process(chunks)
            if output != expected {
                let sizes = chunks.prefix(12).map { String($0.count) }.joined(separator: ",")
                problems.append("chunking #\(index) (sizes \(sizes)…) gave \(output), all at once gave \(expected)")
            }
        }
        return problems
    }
}
