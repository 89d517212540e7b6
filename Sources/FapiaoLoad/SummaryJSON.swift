import FapiaoCore

/// summary.json: the truth schema's `date`, `counts`, `counts_by_source`, `records_by_source` and
/// `canonical_rows`, plus money at stake, severities, per-branch counts, records per stage, rows resolved
/// tonight and the top items. No timings. Keys sorted; see docs/reports.md for every key.
enum SummaryJSON {
    /// The document.
    static func document(_ summary: NightSummary) -> JSONValue {
        .object([
            "date": .string(summary.date),
            "pipeline": .string(summary.pipeline),
            "counts": typeCounts(summary.counts),
            "counts_by_source": .object(summary.countsBySource.mapValues(typeCounts)),
            "counts_by_branch": .object(summary.countsByBranch.mapValues(typeCounts)),
            "counts_by_severity": .counts(Dictionary(uniqueKeysWithValues: summary.countsBySeverity.map { ($0.key.rawValue, $0.value) })),
            "open": .int(summary.open.count),
            "new": .int(summary.newCount),
            "resolved": typeCounts(summary.resolvedCounts),
            "money_at_stake_fen": .object(Dictionary(uniqueKeysWithValues: summary.moneyByType.map { ($0.key.rawValue, .int($0.value)) })),
            "money_at_stake_fen_by_branch": .object(summary.moneyByBranch.mapValues { .int($0) }),
            "records_by_source": .counts(summary.recordsBySource),
            "records_by_stage": stages(summary.stages),
            "canonical_rows": .int(summary.stages.canonicalRows),
            "top_items": .array(summary.topItems.map(item)),
        ])
    }

    /// Every type's count under its raw name.
    static func typeCounts(_ counts: [DiscrepancyType: Int]) -> JSONValue {
        .counts(Dictionary(uniqueKeysWithValues: DiscrepancyType.allCases.map { ($0.rawValue, counts[$0] ?? 0) }))
    }

    private static func stages(_ stages: StageCounts) -> JSONValue {
        var extract: [String: JSONValue] = [:]
        if let records = stages.extractRecords { extract["records"] = .int(records) }
        if let failed = stages.extractInFailedFiles { extract["in_failed_files"] = .int(failed) }
        let transform = stages.transform
        return .object([
            "extract": .object(extract),
            "transform": .counts([
                "records_in": transform.reduce(0) { $0 + $1.recordsIn },
                "kept": transform.reduce(0) { $0 + $1.kept },
                "rejected": transform.reduce(0) { $0 + $1.rejected },
                "duplicates": transform.reduce(0) { $0 + $1.duplicates },
            ]),
            "load": .counts([
                "branch_invoices": stages.branchInvoices,
                "authority_invoices": stages.authorityInvoices,
                "authority_only": stages.authorityOnly,
                "canonical_rows": stages.canonicalRows,
            ]),
        ])
    }

    private static func item(_ finding: Finding) -> JSONValue {
        let row = finding.row
        return .object([
            "id": .string(row.id), "type": .string(row.type.rawValue), "severity": .string(row.severity.rawValue),
            "status": .string(row.status.rawValue), "days_open": .int(row.daysOpen),
            "branch": .string(row.branch), "source": .string(row.source),
            "invoice_key": .string(row.invoiceKey), "field": .string(row.field),
            "branch_value": .string(row.branchValue), "authority_value": .string(row.authorityValue),
            "file": .string(row.file), "line": .int(row.line), "money_at_stake_fen": .int(finding.stakeFen),
            "message_zh": .string(row.messageZh), "message_en": .string(row.messageEn),
        ])
    }
}
