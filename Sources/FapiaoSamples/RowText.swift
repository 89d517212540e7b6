import FapiaoCore

/// The columns an export row can hold, each the written form of one canonical field.
enum Slot: Int, CaseIterable {
    case code, number, digital, type, date, sellerID, sellerName, buyerID, buyerName
    case amount, rate, tax, total, status, remark

    /// The canonical field a pipeline maps this column to.
    var field: CanonicalField {
        switch self {
        case .code: return .invoiceCode
        case .number: return .invoiceNumber
        case .digital: return .digitalNumber
        case .type: return .invoiceType
        case .date: return .issueDate
        case .sellerID: return .sellerTaxID
        case .sellerName: return .sellerName
        case .buyerID: return .buyerTaxID
        case .buyerName: return .buyerName
        case .amount: return .amount
        case .rate: return .taxRate
        case .tax: return .tax
        case .total: return .total
        case .status: return .status
        case .remark: return .remark
        }
    }
}

/// One branch export row as text, in slots; the dialect decides the column order and the notation.
struct RowText {
    private var values = [String](repeating: "", count: Slot.allCases.count)
    /// Bytes written instead of the buyer name, already in the file's encoding (the encoding traps).
    var rawBuyerName: [UInt8]?
    /// For a ragged row: only this many leading columns are written.
    var keptColumns: Int?
    /// XML text written without escaping (the bug that makes a file malformed).
    var unescaped = false

    /// The text of one slot.
    subscript(slot: Slot) -> String {
        get { values[slot.rawValue] }
        set { values[slot.rawValue] = newValue }
    }
}

/// A column of an export: its header (an element path for XML) and the slot it holds.
struct ExportColumn {
    let header: String
    let slot: Slot
    /// Other header names a pipeline may list as alternatives for the same field.
    var alternatives: [String] = []
}
