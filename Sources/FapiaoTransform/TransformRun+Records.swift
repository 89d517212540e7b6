import FapiaoCore
import FapiaoIO

/// What happens to each record: the fast path, the `String` path, and their outcomes.
extension TransformRun {
    /// The `String` path of one record: every check, every outcome.
    mutating func handleSlow(_ row: [String], line: Int, layout: RecordLayout, path: String,
                                     in pass: inout SourcePass, index: inout DedupeIndex) throws {
        let raw = try RawRecord(row: row, rowLine: line, layout: layout, path: path)
        try pass.checkOrder(raw.location, path: path, line: line)
        counts[pass.position].recordsIn += 1
        switch pass.normalizer.normalize(raw) {
        case .rejected(let rejection):
            try reject(raw, rejection, in: pass)
        case .kept(let record):
            try admit(record, raw: raw, in: &pass, index: &index)
        }
    }

    /// The fast path of a record `FastNormalizer` kept and whose provenance is in order: dedupe, then the
    /// row as bytes, unless it is a duplicate or suspicious (those take the `String` path from here).
    mutating func handleFast(_ record: RowBatch.Row, raw row: FieldsView, canonical: FieldsView, layout: RecordLayout,
                             path: String, in pass: inout SourcePass, index: inout DedupeIndex) throws {
        counts[pass.position].recordsIn += 1
        let isBranch = pass.isBranch
        let sellerTaxID = canonical[FastNormalizer.Order.sellerID]
        let branch = isBranch ? nil : pass.attributedBranch(sellerTaxID)
        let verdict = index.admit(record.key!, digest: record.digest, file: pass.fileID(in: &index),
                                  line: record.line, source: pass.position)
        guard verdict == .first, !record.suspicious else {
            let raw = try RawRecord(row: row.strings, rowLine: record.fileLine, layout: layout, path: path)
            guard case .kept(var normalized) = pass.normalizer.normalize(raw) else {
                throw FapiaoError(code: "transform.internal", message: "fast and String paths disagree on \(raw.location)")
            }
            if let branch { normalized.invoice.branch = branch }
            return try dispatch(verdict, normalized, row: normalized.invoice.canonicalRow, raw: raw, in: &pass)
        }
        try pass.provenance.withUnsafeBufferPointer { provenance in
            try CanonicalRowWriter.write(canonical, plain: record.plain, provenance: provenance, line: row[2],
                                         branch: branch, to: pass.output)
        }
        if isBranch, let sellerTaxID = pass.newSellerTaxID(sellerTaxID) {
            attribution.noteKept(sellerTaxID: sellerTaxID, branch: pass.source.name)
        }
        counts[pass.position].kept += 1
    }

    mutating func reject(_ raw: RawRecord, _ rejection: Rejection, in pass: SourcePass) throws {
        let branch = pass.source.role == .branch
            ? pass.source.name : attribution.branch(for: TaxpayerID.normalize(raw[.sellerTaxID]))
        try pass.rejects.write([raw.location.source, raw.location.file, String(raw.location.line),
                                rejection.reason.rawValue, rejection.field.rawValue, raw.rejectText])
        try findings.add(pass.factory.invalid(rejection, raw: raw, branch: branch))
        counts[pass.position].rejected += 1
    }

    mutating func admit(_ kept: NormalizedRecord, raw: RawRecord, in pass: inout SourcePass,
                                index: inout DedupeIndex) throws {
        var record = kept
        if pass.source.role == .authority { record.invoice.branch = attribution.branch(for: record.invoice.sellerTaxID) }
        let row = record.invoice.canonicalRow
        let verdict = index.admit(record.key, digest: RecordDigest.digest(canonicalRow: row), location: raw.location,
                                  source: pass.position)
        try dispatch(verdict, record, row: row, raw: raw, in: &pass)
    }

    mutating func dispatch(_ verdict: DedupeVerdict, _ record: NormalizedRecord, row: [String], raw: RawRecord,
                                   in pass: inout SourcePass) throws {
        if case .duplicate(let kept, let keptFile, let identical) = verdict {
            try removeDuplicate(record.invoice, row: row, kept: kept, keptFile: keptFile, identical: identical,
                                in: &pass)
        } else {
            try keep(record, row: row, raw: raw, in: pass)
        }
    }

    mutating func keep(_ record: NormalizedRecord, row: [String], raw: RawRecord, in pass: SourcePass) throws {
        let invoice = record.invoice
        try (pass.source.role == .branch ? invoices : authority).write(row)
        if pass.source.role == .branch { attribution.noteKept(sellerTaxID: invoice.sellerTaxID, branch: pass.source.name) }
        for value in checks.check(record) {
            try findings.add(pass.factory.suspicious(value, invoice: invoice, asFound: raw[value.field]))
        }
        counts[pass.position].kept += 1
    }

    mutating func removeDuplicate(_ invoice: Invoice, row: [String], kept: KeptRecord, keptFile: String,
                                          identical: Bool, in pass: inout SourcePass) throws {
        let keptLine = Int(kept.line)
        try pass.duplicates.write(row + [keptFile, String(keptLine), identical ? "true" : "false"])
        let keptSource = Int(kept.source)
        if keptSource == pass.position || pass.source.role == .authority {
            try findings.add(pass.factory.duplicateInSource(invoice, keptFile: keptFile, keptLine: keptLine,
                                                            identical: identical))
        } else {
            try findings.add(pass.factory.duplicateAcrossBranches(
                invoice, keptSource: spec.sources[keptSource].name, keptFile: keptFile, keptLine: keptLine))
        }
        counts[pass.position].duplicates += 1
    }
}
