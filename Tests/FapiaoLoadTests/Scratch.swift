import XCTest
@testable import FapiaoLoad
final class ScratchTests: XCTestCase { func testNothing() {} }
