import FapiaoCore

/// Which branch an authority record belongs to, from its seller tax ID (contract-notes.md): the first branch
/// source (pipeline order) whose `constants.seller_tax_id` equals it, else the first whose kept records carry it.
struct BranchAttribution: Sendable {
    private var byConstant: [String: String] = [:]
    private var byRecords: [String: String] = [:]

    /// Reads the branch sources' constant seller tax IDs.
    init(spec: PipelineSpec) {
        for source in spec.branchSources {
            guard let raw = source.constants[.sellerTaxID] else { continue }
            let id = TaxpayerID.normalize(raw)
            if !id.isEmpty, byConstant[id] == nil { byConstant[id] = source.name }
        }
    }

    /// Notes a kept branch record's seller tax ID (branch sources arrive in pipeline order: the first wins).
    mutating func noteKept(sellerTaxID: String, branch: String) {
        if !sellerTaxID.isEmpty, byRecords[sellerTaxID] == nil { byRecords[sellerTaxID] = branch }
    }

    /// The branch of a (normalized) seller tax ID, or empty.
    func branch(for sellerTaxID: String) -> String {
        guard !sellerTaxID.isEmpty else { return "" }
        return byConstant[sellerTaxID] ?? byRecords[sellerTaxID] ?? ""
    }
}
