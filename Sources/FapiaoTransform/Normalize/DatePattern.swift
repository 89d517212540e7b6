import FapiaoCore

/// A compiled Unicode (ICU) date pattern from a source's `date_formats`, e.g. `yyyy年M月d日` or `dd/MM/yyyy HH:mm`.
///
/// Supported letters: `y` (`yyyy` four digits, `yy` two digits read as 20yy, `y` one to four digits),
/// `M`, `d`, `H`, `m`, `s` (doubled: exactly two digits; single: one or two). Text in single quotes and any
/// other non-letter character is literal. A time after the matched pattern is ignored.
public struct DatePattern: Hashable, Sendable {
    enum Unit: Hashable, Sendable { case year, month, day, hour, minute, second }
    enum Token: Hashable, Sendable {
        case number(Unit, minDigits: Int, maxDigits: Int)
        case literal([UInt8])
    }

    /// The pattern as written.
    public let text: String
    let tokens: [Token]

    /// Compiles a pattern; throws a `FapiaoError` (`transform.date_format`) naming an unsupported letter.
    public init(_ pattern: String) throws {
        text = pattern
        tokens = try DatePattern.compile(Array(pattern.unicodeScalars))
        guard tokens.contains(where: { if case .number(.year, _, _) = $0 { return true }; return false }) else {
            throw FapiaoError(code: "transform.date_format",
                              message: "date format '\(pattern)' has no year (y); write e.g. yyyy/M/d")
        }
    }

    private static func compile(_ scalars: [Unicode.Scalar]) throws -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            var run = 1
            while index + run < scalars.count, scalars[index + run] == scalar { run += 1 }
            if scalar == "'" {
                let end = scalars[(index + 1)...].firstIndex(of: "'") ?? scalars.count
                let quoted = run == 2 ? "'" : String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                tokens.append(.literal(Array(quoted.utf8)))
                index = run == 2 ? index + 2 : end + 1
                continue
            }
            if let token = try numberToken(scalar, run: run, pattern: scalars) {
                tokens.append(token)
            } else {
                tokens.append(.literal(Array(String(String.UnicodeScalarView(scalars[index..<(index + run)])).utf8)))
            }
            index += run
        }
        return tokens
    }

    private static func numberToken(_ scalar: Unicode.Scalar, run: Int, pattern: [Unicode.Scalar]) throws -> Token? {
        let units: [Unicode.Scalar: Unit] = ["y": .year, "M": .month, "d": .day, "H": .hour, "m": .minute, "s": .second]
        let unit = units[scalar]
        let supported = unit == .year ? run <= 4 : run <= 2
        guard let unit, supported else {
            guard scalar.isASCII, scalar.properties.isAlphabetic else { return nil }
            let letters = String(repeating: String(scalar), count: run)
            throw FapiaoError(code: "transform.date_format", message:
                "date format '\(String(String.UnicodeScalarView(pattern)))' uses '\(letters)', which fapiao does not "
                + "read; use y, M, d, H, m, s (numbers only) and quote literal text ('T')")
        }
        if unit == .year {
            return run == 2 ? .number(.year, minDigits: 2, maxDigits: 2)
                            : .number(.year, minDigits: run == 4 ? 4 : 1, maxDigits: 4)
        }
        return run == 2 ? .number(unit, minDigits: 2, maxDigits: 2) : .number(unit, minDigits: 1, maxDigits: 2)
    }

    /// True for `yyyy-M-d`, `yyyy-MM-dd` and their mixes: on `YYYY-MM-DD` text (plus an ignorable time)
    /// such a pattern reads exactly what `DateNormalizer.isoDate` reads, and fails where it fails.
    var readsISODates: Bool {
        guard tokens.count == 5, case .number(.year, 4, 4) = tokens[0], case .literal(let first) = tokens[1],
              case .number(.month, _, 2) = tokens[2], case .literal(let second) = tokens[3],
              case .number(.day, _, 2) = tokens[4] else { return false }
        return first == [UInt8(ascii: "-")] && second == [UInt8(ascii: "-")]
    }

    /// Matches NFKC-folded text; the date when the pattern matches and the day exists, `.invalid` when it
    /// matches an impossible date, nil when it does not match.
    func match(_ bytes: ArraySlice<UInt8>) -> Parsed<IssueDate>? {
        var rest = bytes
        var year = -1, month = 1, day = 1
        for index in tokens.indices {
            switch tokens[index] {
            case .literal(let literal):
                guard rest.starts(with: literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            case .number(let unit, let minDigits, let maxDigits):
                let digits = rest.prefix(maxDigits).prefix { (48...57).contains($0) }
                guard digits.count >= minDigits else { return nil }
                let value = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
                switch unit {
                case .year: year = maxDigits == 2 ? 2000 + value : value
                case .month: month = value
                case .day: day = value
                case .hour, .minute, .second: break
                }
                rest = rest.dropFirst(digits.count)
            }
        }
        guard DateNormalizer.isIgnorableTime(rest), year >= 0 else { return nil }
        return IssueDate(year: year, month: month, day: day).map { .value($0) } ?? .invalid
    }
}
