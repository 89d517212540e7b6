import Crypto
import FapiaoCore

/// A streaming SHA-256 whose result is lower-case hex.
public struct SHA256Hasher {
    private var hasher = SHA256()

    public init() {}

    /// Adds bytes.
    public mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
    }

    /// Adds bytes.
    public mutating func update(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
    }

    /// The digest in lower-case hex.
    public func finalizeHex() -> String {
        hexString(hasher.finalize())
    }

    /// The SHA-256 of a byte array, in hex.
    public static func hex(of bytes: [UInt8]) -> String {
        hexString(SHA256.hash(data: bytes))
    }

    /// The SHA-256 of a file read in chunks, in hex.
    public static func hex(ofFile path: String) throws -> String {
        let reader = try FileChunkReader(path: path)
        var hasher = SHA256Hasher()
        while try reader.withNextChunk({ hasher.update($0) }) {}
        return hasher.finalizeHex()
    }
}

private func hexString<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in digest {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
}
