import FapiaoCore

/// What an xlsx cell holds, from its `t` attribute.
enum XLSXCellKind {
    /// `n` or none: a number (or a serial date) in `<v>`.
    case number
    /// `s`: an index into the shared strings.
    case sharedString
    /// `inlineStr`: the text of `<is>`; `str`: a formula's text result; `e`: an error such as `#VALUE!`;
    /// `d`: an ISO 8601 date. All taken as written.
    case text
    /// `b`: `1` or `0`.
    case boolean

    init(attribute: UnsafeBufferPointer<UInt8>) {
        switch (attribute.count, attribute.first) {
        case (1, UInt8(ascii: "s")): self = .sharedString
        case (1, UInt8(ascii: "b")): self = .boolean
        case (0, _), (1, UInt8(ascii: "n")): self = .number
        default: self = .text
        }
    }
}

/// One sheet row as read: the cells kept (the mapped columns, and the row's first non-empty cell), their kind,
/// style and value bytes (packed). At most one row is held at a time.
struct XLSXRow {
    /// The row number (`<row r="…">`), 1-based: the record's `_line`.
    var number = 0
    private(set) var columns: [Int] = []
    private(set) var kinds: [XLSXCellKind] = []
    private(set) var styles: [Int] = []
    private(set) var ranges: [Range<Int>] = []
    /// The value bytes of every cell kept, back to back.
    var bytes: [UInt8] = []
    /// The index of the row's first cell with a value, if any.
    private(set) var first: Int?
    /// Set when a value passed `limits.max_field_bytes` or the row `limits.max_record_bytes`.
    var overflow: CSVOverflow?

    /// Empties the row for row `number`.
    mutating func reset(number: Int) {
        self.number = number
        columns.removeAll(keepingCapacity: true)
        kinds.removeAll(keepingCapacity: true)
        styles.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        first = nil
        overflow = nil
    }

    /// Keeps a cell whose value is `bytes[start...]`.
    mutating func addCell(column: Int, kind: XLSXCellKind, style: Int, from start: Int) {
        columns.append(column)
        kinds.append(kind)
        styles.append(style)
        ranges.append(start..<bytes.count)
        if first == nil && start < bytes.count { first = columns.count - 1 }
    }

    /// The index of the cell in `column`, if it was kept (columns ascend: binary search).
    func cell(in column: Int) -> Int? {
        var low = 0, high = columns.count
        while low < high {
            let middle = (low + high) / 2
            if columns[middle] < column { low = middle + 1 } else { high = middle }
        }
        return low < columns.count && columns[low] == column ? low : nil
    }

    /// The kind, style and value of kept cell `index`.
    func cell(_ index: Int) -> (kind: XLSXCellKind, style: Int, value: ArraySlice<UInt8>) {
        (kinds[index], styles[index], bytes[ranges[index]])
    }

    /// True when no cell has a value.
    var isEmpty: Bool { first == nil }

    /// The greatest column kept, or -1.
    var lastColumn: Int { columns.last ?? -1 }
}

/// Cell references: `F12` → column 5 (0-based). At most three letters (`XFD` = 16,383, Excel's last column).
enum XLSXCellReference {
    /// The 0-based column of a reference, or nil when it does not start with one to three letters.
    static func column(_ reference: UnsafeBufferPointer<UInt8>) -> Int? {
        var column = 0, letters = 0
        for byte in reference {
            let upper = byte & 0xDF
            guard (65...90).contains(upper) else { break }
            column = column * 26 + Int(upper - 64)
            letters += 1
        }
        guard (1...3).contains(letters), column <= 16_384 else { return nil }
        return column - 1
    }

    /// A decimal number, or nil.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
