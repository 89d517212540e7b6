/// What the generator plants on one invoice (or a blue invoice and its red reversal): a discrepancy
/// the pipeline must report, or a trap it must see through without a finding.
enum InjectionKind: String, CaseIterable {
    case missingInAuthority = "missing_in_authority"
    case missingInBranches = "missing_in_branches"
    case rejectMissingNumber = "invalid_missing_number"
    case rejectMissingAmount = "invalid_missing_amount"
    case rejectBadDate = "invalid_bad_date"
    case rejectRaggedRow = "invalid_ragged_row"
    case mismatchAmountTotal = "mismatch_amount_total"
    case mismatchBuyerTaxID = "mismatch_buyer_tax_id"
    case mismatchBuyerName = "mismatch_buyer_name"
    case mismatchIssueDate = "mismatch_issue_date"
    case mismatchVoided = "mismatch_voided_at_authority"
    case partialRedReversal = "mismatch_partial_red_reversal"
    case duplicateIdentical = "duplicate_identical_retry"
    case duplicateConflicting = "duplicate_conflicting"
    case duplicateInAuthority = "duplicate_in_authority"
    case duplicateAcrossBranches = "duplicate_across_branches"
    case suspiciousBuyerChecksum = "suspicious_buyer_checksum"
    case suspiciousTotal = "suspicious_total"
    case suspiciousTax = "suspicious_tax"
    case suspiciousYear = "suspicious_digital_year"
    case suspiciousDecimals = "suspicious_three_decimals"
    case encodingInvalidBytes = "encoding_invalid_gb18030"
    case encodingMojibake = "encoding_mojibake_repaired"
    case trapVoidedBothSides = "trap_voided_both_sides"
    case trapRedFull = "trap_red_full_branch_normal"
    case trapRedFullBothSides = "trap_red_full_both_sides"
    case trapBrackets = "trap_bracket_widths"

    /// Kinds that use two invoices: a blue one and the red one reversing it.
    var occupiesPair: Bool { self == .partialRedReversal || self == .trapRedFull || self == .trapRedFullBothSides }

    /// True when the kind can be planted in a branch of `dialect`; `hasLaterBranch` says whether a branch
    /// listed later in the pipeline exists to receive a duplicate.
    func isEligible(in dialect: ExportDialect, hasLaterBranch: Bool) -> Bool {
        switch self {
        case .rejectRaggedRow: return !dialect.isXML
        case .suspiciousDecimals: return dialect != .erpGB
        case .encodingInvalidBytes: return dialect.isGB18030
        case .encodingMojibake: return dialect.isUTF8CSV
        case .duplicateAcrossBranches: return hasLaterBranch
        default: return true
        }
    }

    /// Kinds every branch of a dialect gets first, so each dialect shows its own traps.
    static func firstKinds(for dialect: ExportDialect) -> [InjectionKind] {
        switch dialect {
        case .erpGB: return [.encodingInvalidBytes, .trapRedFull]
        case .posV3, .cloudPOS: return [.encodingMojibake]
        case .pinyinXML: return []
        }
    }
}

/// Which invoices of one branch get which injection: evenly spaced positions, kinds taken in turn from a
/// rotation shared by the whole chain (so every kind turns up, in proportion, across the branches).
struct InjectionSchedule {
    private var kinds: [Int: InjectionKind] = [:]

    /// Plans injections over the first `usable` invoices: about 2.5% of them, at least 12 (never more than
    /// a quarter, so a pair always fits between two positions).
    init(usable: Int, dialect: ExportDialect, hasLaterBranch: Bool, rotation: inout Int) {
        let count = min(max(usable / 40, 12), usable / 4)
        guard count > 0 else { return }
        var pending = InjectionKind.firstKinds(for: dialect)
        for slot in 0..<count {
            let position = slot * usable / count + usable / count / 2
            if !pending.isEmpty {
                kinds[position] = pending.removeFirst()
                continue
            }
            var kind = InjectionSchedule.kind(turn: rotation)
            while !kind.isEligible(in: dialect, hasLaterBranch: hasLaterBranch) {
                rotation += 1
                kind = InjectionSchedule.kind(turn: rotation)
            }
            rotation += 1
            kinds[position] = kind
        }
    }

    /// The kind of the rotation's `turn`: kinds visited with a stride coprime to their number, so that
    /// consecutive turns (one branch's injections) come from different families.
    static func kind(turn: Int) -> InjectionKind {
        let kinds = InjectionKind.allCases
        let stride = [11, 13, 7, 5, 1].first { gcd($0, kinds.count) == 1 } ?? 1
        return kinds[(turn % kinds.count) * stride % kinds.count]
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// The injection planned at invoice `index`, if any.
    func kind(at index: Int) -> InjectionKind? { kinds[index] }
}
