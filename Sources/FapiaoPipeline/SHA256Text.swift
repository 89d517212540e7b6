import FapiaoIO

/// sha256 of in-memory bytes, in hex.
enum SHA256Text {
    static func hex(_ bytes: [UInt8]) -> String { SHA256Hasher.hex(of: bytes) }
}
