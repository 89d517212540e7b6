import XCTest
@testable import FapiaoSamples

final class TaxIDTests: XCTestCase {
    func testDomainExamplesAreValid() {
        for id in ["91110000600037341L", "91350200776049653A", "913502000728319549"] {
            XCTAssertTrue(TaxID.isValidUSCC(id), id)
            XCTAssertTrue(TaxID.isRecognized(id), id)
        }
        XCTAssertTrue(TaxID.isValidResidentID("11010519491231002X"))
        XCTAssertFalse(TaxID.isValidUSCC("91110000600037341K"))
        XCTAssertFalse(TaxID.isRecognized("000000000000000000"))
        XCTAssertFalse(TaxID.isRecognized("91110000600037341"))
    }

    func testGeneratedIDsAreRecognizedAndBrokenOnesAreNot() {
        var random = SampleRandom(seed: 7)
        for _ in 0..<2000 {
            let uscc = TaxID.makeUSCC(&random)
            XCTAssertTrue(TaxID.isValidUSCC(uscc), uscc)
            XCTAssertFalse(TaxID.isRecognized(TaxID.breakingChecksum(of: uscc)), uscc)
            XCTAssertTrue(TaxID.isValidResidentID(TaxID.makeResidentID(&random)))
            XCTAssertTrue(TaxID.isRecognized(TaxID.makeIndividualID(&random)))
            XCTAssertTrue(TaxID.isRecognized(TaxID.makeLegacyNumber(&random)))
        }
    }

    func testBuyerPoolIDsAreAllRecognized() {
        var random = SampleRandom(seed: 20250417)
        let pool = BuyerPool(random: &random)
        for _ in 0..<1000 {
            let buyer = pool.any(&random)
            XCTAssertTrue(TaxID.isRecognized(buyer.taxID), buyer.taxID)
        }
    }
}
