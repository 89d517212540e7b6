/// One branch store of the sample chain and how it exports its invoices.
struct Branch {
    /// What happens to the branch's export tonight.
    enum Fate: Equatable {
        /// Its files arrive intact.
        case delivered
        /// Its second file is a gzip cut short: one `file_error`, the file's invoices are lost.
        case truncatedFile
        /// Its second file is well-formed gzip but not well-formed XML (a bare `&`): one `file_error`, the
        /// file's invoices are lost.
        case malformedFile

        /// True when the branch's second file fails.
        var losesSecondFile: Bool { self == .truncatedFile || self == .malformedFile }
        /// No file at all: one `missing_source`; its invoices are only in the authority's export.
        case missingSource
    }

    /// Position in the chain (0-based); part of its invoice numbers.
    let index: Int
    /// The pipeline source name, e.g. `chaoyang`.
    let name: String
    let dialect: ExportDialect
    let sellerID: String
    let sellerName: String
    let fate: Fate
}

/// The whole chain: branches in chain order, and the order the pipeline file lists them in.
struct ChainPlan {
    /// The authority source's name.
    static let authoritySource = "tax-bureau"
    /// The chain's legal name, the prefix of every branch's seller name.
    static let chainName = "北京禾丰优选商业连锁有限公司"
    private static let districts: [(String, String)] = [
        ("chaoyang", "朝阳"), ("haidian", "海淀"), ("dongcheng", "东城"), ("xicheng", "西城"), ("fengtai", "丰台"),
        ("tongzhou", "通州"), ("shunyi", "顺义"), ("changping", "昌平"), ("daxing", "大兴"), ("fangshan", "房山"),
        ("mentougou", "门头沟"), ("pinggu", "平谷"), ("huairou", "怀柔"), ("miyun", "密云"), ("yanqing", "延庆"),
        ("shijingshan", "石景山"),
    ]

    /// Branches in chain order.
    let branches: [Branch]

    /// Plans `count` branches: dialects round-robin, one branch in forty (and the last) without a file,
    /// one in forty (the second, an XML branch) with a truncated file, one in forty (the sixth, also XML) with
    /// a malformed XML file.
    init(count: Int, seed: UInt64) {
        var random = SampleRandom(seed: seed, stream: 0xB4A)
        var planned: [Branch] = []
        var sellers = Set<String>()
        for index in 0..<count {
            let (name, chinese) = ChainPlan.naming(index)
            let fate: Branch.Fate
            if index == count - 1 || index % 40 == 39 { fate = .missingSource }
            else if index % 40 == 1 { fate = .truncatedFile }
            else if index % 40 == 5 { fate = .malformedFile }
            else { fate = .delivered }
            var seller = TaxID.makeUSCC(&random)
            while sellers.contains(seller) { seller = TaxID.makeUSCC(&random) }
            sellers.insert(seller)
            planned.append(Branch(
                index: index, name: name, dialect: ExportDialect.allCases[index % ExportDialect.allCases.count],
                sellerID: seller, sellerName: ChainPlan.chainName + chinese, fate: fate))
        }
        branches = planned
    }

    /// The source name and Chinese store name of the branch at `index`.
    static func naming(_ index: Int) -> (String, String) {
        if index < districts.count { return (districts[index].0, districts[index].1 + "分店") }
        let number = String(10_000 + index + 1).dropFirst()
        return ("store-\(number)", "第\(index + 1)分店")
    }

    /// Branches whose files arrive (possibly one cut short), grouped by dialect in dialect order.
    var exportingGroups: [(dialect: ExportDialect, branches: [Branch])] {
        ExportDialect.allCases.compactMap { dialect in
            let members = branches.filter { $0.dialect == dialect && $0.fate != .missingSource }
            return members.isEmpty ? nil : (dialect, members)
        }
    }

    /// Branches without a file tonight, in chain order.
    var missingBranches: [Branch] { branches.filter { $0.fate == .missingSource } }

    /// Every branch in the order the pipeline file lists them (its expanded source order).
    var pipelineOrder: [Branch] { exportingGroups.flatMap(\.branches) + missingBranches }

    /// Every source name in pipeline order, the authority last.
    var sourceNames: [String] { pipelineOrder.map(\.name) + [ChainPlan.authoritySource] }
}
