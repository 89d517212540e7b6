import FapiaoCore

extension XMLRecordState {
    /// Writes the record just read (or rejects it when it passed a size limit).
    mutating func emit() throws {
        let line = recordLine
        if let (reason, key, limit) = oversize {
            return emitter.reject(
                line: line, reason: reason, raw: "",
                zh: "第 \(line) 行的记录超过 \(key)（\(limit) 字节），该记录被拒收",
                en: "the record on line \(line) passes \(key) (\(limit) bytes); rejected")
        }
        locateFields()
        let ranges = self.ranges
        try values.arena.withUnsafeBufferPointer { bytes in
            try emitter.write(line: line) { index in ranges[index].map { UnsafeBufferPointer(rebasing: bytes[$0]) } }
        }
    }

    /// The limit the record passed, if any.
    private var oversize: (String, String, Int)? {
        switch values.overflow {
        case .field: return ("field_too_large", "limits.max_field_bytes", limits.maxFieldBytes)
        case .record: return ("record_too_large", "limits.max_record_bytes", limits.maxRecordBytes)
        case nil: return nil
        }
    }

    /// Finds each field's value (its first alternative present) in the values' arena.
    private mutating func locateFields() {
        ranges.removeAll(keepingCapacity: true)
        for field in 0..<paths.fieldSlots.count {
            ranges.append(firstPresentSlot(of: field).map { values.range($0) })
        }
    }

    /// The field's first slot (alternative) present in the record.
    private func firstPresentSlot(of field: Int) -> Int? {
        for index in 0..<paths.fieldSlots[field].count {
            let slot = paths.fieldSlots[field][index]
            if values.isPresent(slot) { return slot }
        }
        return nil
    }
}

/// The `FileFailure`s of XML files.
enum XMLFailure {
    /// libxml2 found the document malformed or truncated.
    static func malformed(_ detail: String, line: Int) -> FileFailure {
        FileFailure(
            code: "xml.malformed", line: line, zh: "XML 格式错误或文件被截断（第 \(line) 行：\(detail)）",
            en: "the XML is malformed or truncated at line \(line): \(detail)")
    }

    /// A DOCTYPE declaring entities, an entity reference, or libxml2's error about one: refused (XXE,
    /// billion laughs).
    static func entities(_ what: String, line: Int) -> FileFailure {
        FileFailure(
            code: "xml.entities", line: line, zh: "XML 含有实体声明或实体引用（出于安全原因拒绝，第 \(line) 行）",
            en: "the XML has \(what) at line \(line); entities are refused for safety")
    }

    /// Nesting deeper than `limits.max_xml_depth`.
    static func tooDeep(limit: Int, line: Int) -> FileFailure {
        FileFailure(
            code: "xml.depth", line: line, zh: "XML 嵌套超过 limits.max_xml_depth（\(limit) 层，第 \(line) 行）",
            en: "the XML nests deeper than limits.max_xml_depth (\(limit)) at line \(line)")
    }

    /// A root element other than `xml.root`.
    static func wrongRoot(found: String, expected: String, line: Int) -> FileFailure {
        FileFailure(
            code: "xml.root", line: line, zh: "XML 根元素为 <\(found)>，应为 <\(expected)>",
            en: "the XML's root element is <\(found)>, expected <\(expected)> (xml.root)",
            action: FileFailure.fixMapping)
    }

    /// No root element at all.
    static func empty() -> FileFailure {
        FileFailure(code: "xml.empty", zh: "XML 文件为空（没有根元素）", en: "the XML file is empty: it has no root element")
    }
}
