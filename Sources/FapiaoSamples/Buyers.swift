/// Who bought: a company with a USCC or a legacy registration number, a person with an ID, or a private buyer.
struct Buyer {
    /// The kinds of buyer a retail chain invoices.
    enum Kind { case company, legacyCompany, person, individual20, privateBuyer }

    var kind: Kind
    var taxID: String
    var name: String

    /// True when the name is written with full-width brackets, e.g. `嘉禾（北京）科技有限公司`.
    var hasBrackets: Bool { name.contains("（") }
}

/// The chain's customers: a fixed pool drawn once per seed, so names and IDs repeat across invoices as they do in life.
struct BuyerPool {
    private static let tradeNames = [
        "华联", "鑫源", "恒泰", "嘉禾", "瑞丰", "同创", "博远", "宏图", "金桥", "天成", "汇通", "盛世", "永安", "德胜",
        "明珠", "星辰", "蓝天", "青松", "百川", "润泽", "合力", "丰年", "信达", "安和", "致远", "立新", "广源", "锦程",
    ]
    private static let industries = [
        "商贸", "科技", "餐饮管理", "物业管理", "文化传媒", "建筑工程", "信息技术", "医药", "教育咨询", "物流",
        "酒店管理", "广告", "电子", "食品", "家具", "汽车服务",
    ]
    private static let suffixes = ["有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"]
    private static let people = [
        "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞", "徐涛", "孙丽", "马超", "朱琳",
        "胡斌", "郭婷", "何勇", "高峰", "林晓", "罗敏",
    ]

    /// Companies named without brackets (pure GB2312 Chinese: safe for the encoding traps).
    private(set) var plainCompanies: [Buyer] = []
    /// Companies named with full-width brackets.
    private(set) var bracketCompanies: [Buyer] = []
    private(set) var others: [Buyer] = []

    /// Draws the pool from `random`.
    init(random: inout SampleRandom) {
        for index in 0..<240 {
            let trade = BuyerPool.tradeNames[index % BuyerPool.tradeNames.count]
            let industry = BuyerPool.industries[(index / BuyerPool.tradeNames.count + index) % BuyerPool.industries.count]
            let suffix = random.pick(BuyerPool.suffixes)
            let legacy = index % 16 == 5
            let id = legacy ? TaxID.makeLegacyNumber(&random) : TaxID.makeUSCC(&random)
            if index % 4 == 3 {
                bracketCompanies.append(Buyer(kind: .company, taxID: id, name: trade + "（北京）" + industry + suffix))
            } else {
                plainCompanies.append(Buyer(kind: legacy ? .legacyCompany : .company, taxID: id, name: "北京" + trade + industry + suffix))
            }
        }
        for (index, person) in BuyerPool.people.enumerated() {
            let twenty = index % 5 == 4
            let id = twenty ? TaxID.makeIndividualID(&random) : TaxID.makeResidentID(&random)
            others.append(Buyer(kind: twenty ? .individual20 : .person, taxID: id, name: person))
        }
    }

    /// A buyer for an ordinary retail invoice: mostly companies, some people, many private buyers.
    func any(_ random: inout SampleRandom) -> Buyer {
        switch random.weighted([52, 18, 10, 20]) {
        case 0: return random.pick(plainCompanies)
        case 1: return random.pick(bracketCompanies)
        case 2: return random.pick(others)
        default: return Buyer(kind: .privateBuyer, taxID: "", name: "个人")
        }
    }

    /// A company with a USCC (special invoices and the traps that need one).
    func company(_ random: inout SampleRandom) -> Buyer {
        var buyer = random.pick(plainCompanies)
        while buyer.kind != .company { buyer = random.pick(plainCompanies) }
        return buyer
    }

    /// A company whose name has full-width brackets.
    func bracketCompany(_ random: inout SampleRandom) -> Buyer { random.pick(bracketCompanies) }

    /// The same company name written differently enough that it is a real mismatch (有限公司 ↔ 有限责任公司).
    static func misspelled(_ name: String) -> String {
        if name.hasSuffix("有限责任公司") { return String(name.dropLast(6)) + "有限公司" }
        if name.hasSuffix("有限公司") { return String(name.dropLast(4)) + "有限责任公司" }
        return name + "分公司"
    }

    /// Full-width brackets folded to half-width, as the authority's system writes some names.
    static func halfWidthBrackets(_ name: String) -> String {
        String(name.map { $0 == "（" ? "(" : $0 == "）" ? ")" : $0 })
    }

    /// A name with stray spaces: two inside and one at the end.
    static func withStraySpaces(_ name: String) -> String {
        let chars = Array(name)
        guard chars.count > 4 else { return " " + name + " " }
        return String(chars[..<2]) + "  " + String(chars[2...]) + " "
    }
}
