import XCTest
import FapiaoIO

/// `hasSameBytes(as:)` (word steps for short buffers, `memcmp` for long ones) against `elementsEqual`, at
/// every length up to past the `memcmp` threshold and with a differing byte at every position.
final class HasSameBytesTests: XCTestCase {
    func testEveryLengthAndEveryDifferingPosition() {
        for length in 0...80 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var copy = bytes
            bytes.withUnsafeBufferPointer { a in
                copy.withUnsafeBufferPointer { b in XCTAssertTrue(a.hasSameBytes(as: b), "length \(length)") }
            }
            for position in 0..<length {
                copy = bytes
                copy[position] ^= 0x40
                bytes.withUnsafeBufferPointer { a in
                    copy.withUnsafeBufferPointer { b in
                        XCTAssertFalse(a.hasSameBytes(as: b), "length \(length), position \(position)")
                    }
                }
            }
            let longer = bytes + [0]
            bytes.withUnsafeBufferPointer { a in
                longer.withUnsafeBufferPointer { b in XCTAssertFalse(a.hasSameBytes(as: b)) }
            }
        }
    }
}
