import Foundation
import FapiaoCore
import FapiaoIO

/// Helpers shared by the test targets.
public enum TestSupport {
    /// A fresh temporary folder, removed by the caller when done.
    public static func temporaryDirectory(_ name: String = "fapiao-test") throws -> String {
        let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The repository root (found from this file's path).
    public static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Splits `bytes` into chunks of random sizes (deterministic for a seed).
    public static func randomChunks(_ bytes: [UInt8], seed: UInt64, maxSize: Int = 17) -> [[UInt8]] {
        var generator = SplitMix64(seed: seed)
        var chunks: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = Int(generator.next() % UInt64(maxSize)) + 1
            let end = min(bytes.count, index + size)
            chunks.append(Array(bytes[index..<end]))
            index = end
        }
        return chunks
    }

    /// The chunkings a verifier tries: all at once, byte by byte, and random sizes for several seeds.
    public static func chunkings(of bytes: [UInt8]) -> [[[UInt8]]] {
        var result: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
        for seed in 1...5 { result.append(randomChunks(bytes, seed: UInt64(seed))) }
        return result
    }
}

/// A small deterministic random number generator (SplitMix64) for tests.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (the next value modulo `bound`).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
