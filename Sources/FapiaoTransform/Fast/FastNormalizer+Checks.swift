import FapiaoCore

/// The `suspicious_field` checks on the fast path, and the literal field positions.
extension FastNormalizer {
    /// The `suspicious_field` checks other than more decimals: taxpayer IDs, digital year, tax, total.
    func isSuspicious(_ values: Values) -> Bool {
        if !taxpayerIDsRecognized { return true }  // a seller or buyer ID of no recognized form
        if let date = values.date {
            let differs = record.withField(Order.digital) { digits in
                digits.count == 20 && Int(digits[0] - 48) * 10 + Int(digits[1] - 48) != date.year % 100
            }
            if differs { return true }
        }
        if let rate = values.rate, let amount = values.amount, let tax = values.tax,
           let expected = SuspiciousChecks.expectedTax(amount: amount, rate: rate),
           (expected.value - tax.value).magnitude > taxToleranceFen.magnitude { return true }
        if let amount = values.amount, let tax = values.tax, let total = values.total, amount + tax != total {
            return true
        }
        return false
    }


    /// Canonical field positions (`CanonicalField.order`, as literals for the hot loop; a test checks them).
    enum Order {
        static var code: Int { 1 }
        static var number: Int { 2 }
        static var digital: Int { 3 }
        static var type: Int { 4 }
        static var date: Int { 5 }
        static var sellerID: Int { 6 }
        static var sellerName: Int { 7 }
        static var buyerID: Int { 8 }
        static var buyerName: Int { 9 }
        static var amount: Int { 10 }
        static var tax: Int { 11 }
        static var total: Int { 12 }
        static var rate: Int { 13 }
        static var status: Int { 14 }
        static var isRed: Int { 15 }
        static var originalKey: Int { 16 }
        static var remark: Int { 17 }
        /// The first field the duplicate digest leaves out.
        static var branch: Int { 18 }
        /// The canonical fields.
        static var fieldCount: Int { 19 }
    }
}
