internal import CFapiaoXML2
import FapiaoCore
import Glibc

/// libxml2's streaming reader (`xmlTextReader`) fed from an `InputByteSource` through `xmlReaderForIO`, set
/// up for untrusted input: no entity substitution, no DTD loading, no network, no XInclude, no huge-document
/// mode, and (process-wide) an external-entity loader that refuses everything. The only file that imports
/// libxml2. A `final class` because it owns the reader, freed in `deinit`.
final class LibXMLReader {
    /// The kinds of node the record reader looks at.
    enum NodeKind { case element, endElement, text, entityReference, other }

    private var reader: OpaquePointer?
    private let input: XMLInput
    private var firstError: (message: String, line: Int, entity: Bool)?

    /// Prepares libxml2 once per process: refuse external entities, keep errors off stderr.
    static func prepareLibrary() { _ = prepared }

    private static let prepared: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
        xmlThrDefSetStructuredErrorFunc(nil) { _, _ in }
        xmlSetStructuredErrorFunc(nil) { _, _ in }
    }()

    /// libxml2's error codes about entities (undeclared, loops, external, parameter, unparsed).
    private static let entityErrors: Set<UInt32> = [
        XML_ERR_UNDECLARED_ENTITY, XML_WAR_UNDECLARED_ENTITY, XML_ERR_UNPARSED_ENTITY, XML_ERR_ENTITY_IS_EXTERNAL,
        XML_ERR_ENTITY_IS_PARAMETER, XML_ERR_ENTITY_LOOP, XML_ERR_ENTITY_BOUNDARY, XML_ERR_ENTITY_PE_INTERNAL,
        XML_ERR_EXT_ENTITY_STANDALONE, XML_ERR_ENTITY_NOT_STARTED, XML_ERR_ENTITY_NOT_FINISHED,
    ].map(\.rawValue).reduce(into: []) { $0.insert($1) }

    private static let options = XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_BIG_LINES.rawValue
        | XML_PARSE_COMPACT.rawValue

    /// Opens a reader over `input`, decoding with `encoding` when given (the document's declaration is then
    /// ignored), else as the document says.
    init(input: XMLInput, encoding: String?) throws {
        LibXMLReader.prepareLibrary()
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        cfapiao_xml_collect_generic_errors()
        self.input = input
        let options = LibXMLReader.options | (encoding == nil ? 0 : XML_PARSE_IGNORE_ENC.rawValue)
        let context = Unmanaged.passUnretained(input).toOpaque()
        reader = xmlReaderForIO({ context, buffer, length in
            guard let context, let buffer else { return -1 }
            return Unmanaged<XMLInput>.fromOpaque(context).takeUnretainedValue().read(buffer, Int(length))
        }, nil, context, nil, encoding, Int32(bitPattern: options))
        guard let reader else { throw input.failure ?? XMLFailure.empty() }
        let me = Unmanaged.passUnretained(self).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in
            guard let context, let error else { return }
            Unmanaged<LibXMLReader>.fromOpaque(context).takeUnretainedValue().capture(error)
        }, me)
    }

    deinit { if let reader { xmlFreeTextReader(reader) } }

    /// Moves to the next node; false at the end of the document. Throws the input's failure (a gzip error),
    /// else libxml2's first error, as a `FileFailure`.
    func next() throws -> Bool {
        let status = xmlTextReaderRead(reader)
        if let failure = input.failure { throw failure }
        if let firstError {
            if firstError.entity { throw XMLFailure.entities(firstError.message, line: firstError.line) }
            throw XMLFailure.malformed(firstError.message, line: firstError.line)
        }
        if status == 1 { return true }
        if status == 0 { return false }
        var detail = String(cString: cfapiao_xml_generic_errors())
        while let last = detail.last, last == "\n" || last == " " { detail.removeLast() }
        throw XMLFailure.malformed(detail.isEmpty ? "the document is not well-formed" : detail, line: parserLine)
    }

    /// The current node's kind.
    var kind: NodeKind {
        switch xmlTextReaderNodeType(reader) {
        case 1: return .element
        case 15: return .endElement
        case 3, 4, 13, 14: return .text
        case 5: return .entityReference
        default: return .other
        }
    }

    /// The current node's depth (the root element is 0).
    var depth: Int { Int(xmlTextReaderDepth(reader)) }
    /// True for an element written `<a/>` (it has no end-element node).
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }
    /// The line of the current node (its start tag, for an element).
    var line: Int { Int(xmlGetLineNo(xmlTextReaderCurrentNode(reader))) }
    /// The line the parser has reached.
    var parserLine: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// Calls `body` with the current node's local name (or an attribute's, while on one).
    func withLocalName<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try withBytes(xmlTextReaderConstLocalName(reader), body)
    }

    /// Calls `body` with the current node's text (or an attribute's value, while on one).
    func withValue<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try withBytes(xmlTextReaderConstValue(reader), body)
    }

    /// Calls `body` for each attribute of the current element (positioned on it), then returns to the element.
    func forEachAttribute(_ body: () throws -> Void) rethrows {
        guard xmlTextReaderMoveToFirstAttribute(reader) == 1 else { return }
        defer { xmlTextReaderMoveToElement(reader) }
        repeat { try body() } while xmlTextReaderMoveToNextAttribute(reader) == 1
    }

    /// True when the document's DOCTYPE declares entities (general or parameter).
    var declaresEntities: Bool {
        guard let document = xmlTextReaderCurrentDoc(reader), let subset = document.pointee.intSubset else { return false }
        return subset.pointee.entities != nil || subset.pointee.pentities != nil
    }

    private func withBytes<T>(_ text: UnsafePointer<xmlChar>?, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        guard let text else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))))
    }

    private func capture(_ error: UnsafeMutablePointer<xmlError>) {
        guard firstError == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
        var trimmed = Substring(message)
        while let last = trimmed.last, last == "\n" || last == " " { trimmed = trimmed.dropLast() }
        let entity = LibXMLReader.entityErrors.contains(UInt32(bitPattern: error.pointee.code))
        firstError = (String(trimmed), Int(error.pointee.line), entity)
    }
}

/// The bytes libxml2 reads: the prefix already read for sniffing, then the rest of the input source.
/// A `final class` because libxml2 holds a pointer to it during the parse.
final class XMLInput {
    private let source: ContentReading
    private let prefix: [UInt8]
    private var offset = 0
    /// The input's failure (a gzip or size-limit error), once one happened.
    private(set) var failure: FileFailure?

    init(source: ContentReading, prefix: [UInt8]) {
        self.source = source
        self.prefix = prefix
    }

    /// libxml2's read callback: up to `length` bytes into `buffer`; 0 at the end, -1 on failure.
    func read(_ buffer: UnsafeMutablePointer<CChar>, _ length: Int) -> Int32 {
        let target = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt8.self)
        if offset < prefix.count {
            let count = min(length, prefix.count - offset)
            prefix.withUnsafeBufferPointer { bytes in
                if let base = bytes.baseAddress { target.update(from: base + offset, count: count) }
            }
            offset += count
            return Int32(count)
        }
        do {
            return Int32(try source.read(into: UnsafeMutableBufferPointer(start: target, count: length)))
        } catch {
            failure = (error as? FapiaoError).map { FileFailure($0) } ?? XMLFailure.malformed("\(error)", line: 0)
            return -1
        }
    }
}
