internal import CFapiaoXML2
import FapiaoCore
import Glibc

/// Receives the events of one XML document from `LibXMLPushParser`, in document order.
///
/// A handler that throws stops the parse: its error becomes the parse's failure.
protocol XMLEventHandler: AnyObject {
    /// An element starts. `name` is its local name (prefixes and namespaces are ignored); `depth` is 0 for
    /// the root element; `position.startLine` is the physical line of its `<`.
    func startElement(
        _ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition) throws
    /// The element at `depth` ends (also for an element written `<a/>`).
    func endElement(depth: Int) throws
    /// Character data: text, CDATA, predefined entities and character references, in pieces.
    func text(_ bytes: UnsafeBufferPointer<UInt8>) throws
}

/// The attributes of a start tag, valid during the `startElement` call only.
struct XMLAttributes {
    /// libxml2's array of 5 pointers per attribute: local name, prefix, URI, value start, value end.
    fileprivate let base: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
    /// The number of attributes.
    let count: Int

    /// Calls `body` with each attribute's local name and value (entities and references already decoded).
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard let base else { return }
        for index in 0..<count {
            let entry = base + 5 * index
            guard let name = entry[0], let start = entry[3], let end = entry[4] else { continue }
            let value = UnsafeBufferPointer(start: start, count: end - start)
            try body(UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))), value)
        }
    }
}

/// Where the parser is, valid during a `startElement` call (the parser is alive then: it is the caller, so
/// the reference is `unowned(unsafe)`, without reference counting per element).
struct XMLPosition {
    fileprivate unowned(unsafe) let parser: LibXMLPushParser

    /// The physical line of the current start tag's `<` (exact at any size: libxml2 counts input lines in an
    /// `int`; only element nodes of its trees saturate at 65,535).
    var startLine: Int { parser.startTagLine }
}

/// libxml2's SAX2 push parser (`xmlCreatePushParserCtxt` + `xmlParseChunk`), set up for untrusted input and
/// building no tree: entities are never substituted nor stored, no DTD is loaded, no network is used, and
/// (process-wide) the external-entity loader refuses everything. A DOCTYPE that declares entities is refused at
/// the root element; any entity reference other than the five predefined ones is refused; nesting deeper than
/// `maxDepth` stops the parse. The only file that imports libxml2. A `final class` because it owns the parser
/// context, freed in `deinit`.
final class LibXMLPushParser {
    private var context: xmlParserCtxtPtr?
    private let handler: XMLEventHandler
    private let maxDepth: Int
    private var depth = 0
    private var entityDeclarationLine: Int?
    /// The first failure: the handler's, libxml2's or a safety rule's.
    private var failure: FileFailure?
    /// True once a failure stopped the parse (cheaper to test than `failure` in the callbacks).
    private var stopped = false
    /// A libxml2 error raised outside the parser context (encoding conversion): its line is where the parser
    /// stops after the chunk, i.e. where the bytes that do not convert begin.
    private var pendingContextFreeError: String?

    /// Prepares libxml2 once per process: refuse external entities, keep errors off stderr.
    static func prepareLibrary() { _ = prepared }

    private static let prepared: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader { _, _, _ in nil }
        xmlThrDefSetStructuredErrorFunc(nil) { _, _ in }
        xmlSetStructuredErrorFunc(nil) { _, _ in }
    }()

    private static let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)

    /// How many of `firstBytes` the parser took for detecting the encoding (feed it the rest).
    let detectionBytes: Int

    /// A parser sending events to `handler`, decoding with `encoding` when given (the document's declaration is
    /// then ignored), else by the BOM and the declaration: it takes the first four of `firstBytes` (the
    /// document's first bytes) to detect a BOM or UTF-16; `feed` it the rest, from `detectionBytes` on.
    init(handler: XMLEventHandler, encoding: String?, maxDepth: Int, firstBytes: UnsafeBufferPointer<UInt8>) throws {
        LibXMLPushParser.prepareLibrary()
        cfapiao_xml_collect_generic_errors()
        self.handler = handler
        self.maxDepth = maxDepth
        let detect = encoding == nil ? min(firstBytes.count, 4) : 0
        detectionBytes = detect
        let me = Unmanaged.passUnretained(self).toOpaque()
        // Errors raised without a parser context (encoding conversion) go to this thread's global handler.
        xmlSetStructuredErrorFunc(me, LibXMLPushParser.errorCallback)
        var sax = LibXMLPushParser.saxHandler()
        let start = detect > 0 ? firstBytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } : nil
        context = xmlCreatePushParserCtxt(&sax, me, start, Int32(detect), nil)
        guard let context else { throw XMLFailure.malformed("libxml2 could not start a parser", line: 0) }
        xmlCtxtUseOptions(context, LibXMLPushParser.options | (encoding == nil ? 0 : Int32(XML_PARSE_IGNORE_ENC.rawValue)))
        if let encoding, let converter = xmlFindCharEncodingHandler(encoding) { xmlSwitchToEncoding(context, converter) }
    }

    deinit {
        if let context { xmlFreeParserCtxt(context) }
        xmlSetStructuredErrorFunc(nil) { _, _ in }
    }

    /// Parses the next bytes of the document; throws the first failure as a `FileFailure`.
    func feed(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard !bytes.isEmpty, let base = bytes.baseAddress else { return }
        try parse(UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), count: bytes.count, terminate: false)
    }

    /// Ends the document: a document cut short fails here.
    func finish() throws { try parse(nil, count: 0, terminate: true) }

    /// The line the parser has reached.
    var line: Int { context.map { Int($0.pointee.input.pointee.line) } ?? 0 }

    private func parse(_ bytes: UnsafePointer<CChar>?, count: Int, terminate: Bool) throws {
        var offset = 0
        repeat {  // xmlParseChunk takes an Int32 length
            let size = min(count - offset, 1 << 30)
            let status = xmlParseChunk(context, bytes.map { $0 + offset }, Int32(size), terminate ? 1 : 0)
            offset += size
            if let pending = pendingContextFreeError {
                pendingContextFreeError = nil
                fail(XMLFailure.malformed(pending, line: line))
            }
            if let failure { throw failure }
            if status != 0 { throw XMLFailure.malformed(genericErrors() ?? "the document is not well-formed", line: line) }
        } while offset < count
    }

    /// The line of the current start tag's `<`: the parser's line minus the line breaks between the `<` and
    /// where the parser stands (at the tag's `>` while the start-element callback runs). An attribute value
    /// cannot hold a raw `<`, so the last `<` before the parser's position starts the tag.
    fileprivate var startTagLine: Int {
        guard let input = context?.pointee.input, let base = input.pointee.base, var cursor = input.pointee.cur
        else { return line }
        var breaks = 0
        while cursor > base {
            cursor -= 1
            if cursor.pointee == UInt8(ascii: "<") { return line - breaks }
            if cursor.pointee == 0x0A { breaks += 1 }
        }
        return line
    }

    /// Records the first failure and stops the parser.
    fileprivate func fail(_ failure: FileFailure) {
        if !stopped { self.failure = failure }
        stopped = true
        if let context { xmlStopParser(context) }
    }

    private func genericErrors() -> String? {
        var detail = String(cString: cfapiao_xml_generic_errors())
        while let last = detail.last, last == "\n" || last == " " { detail.removeLast() }
        return detail.isEmpty ? nil : detail
    }

    // MARK: Callbacks

    fileprivate func startElement(_ name: UnsafePointer<UInt8>, attributes: XMLAttributes) {
        guard !stopped else { return }
        let position = XMLPosition(parser: self)
        if depth == 0 && entityDeclarationLine != nil {
            return fail(XMLFailure.entities("a DOCTYPE that declares entities", line: position.startLine))
        }
        guard depth < maxDepth else { return fail(XMLFailure.tooDeep(limit: maxDepth, line: position.startLine)) }
        let length = strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        do {
            try handler.startElement(UnsafeBufferPointer(start: name, count: length), attributes: attributes,
                                     depth: depth, position: position)
            depth += 1
        } catch {
            fail(LibXMLPushParser.fileFailure(error))
        }
    }

    fileprivate func endElement() {
        guard !stopped else { return }
        depth -= 1
        do { try handler.endElement(depth: depth) } catch { fail(LibXMLPushParser.fileFailure(error)) }
    }

    fileprivate func text(_ bytes: UnsafePointer<UInt8>, _ count: Int32) {
        guard !stopped else { return }
        do { try handler.text(UnsafeBufferPointer(start: bytes, count: Int(count))) } catch {
            fail(LibXMLPushParser.fileFailure(error))
        }
    }

    fileprivate func reference(_ name: UnsafePointer<UInt8>) {
        let text = String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        fail(XMLFailure.entities("the entity reference &\(text);", line: line))
    }

    fileprivate func entityDeclared() {
        if entityDeclarationLine == nil { entityDeclarationLine = line }
    }

    fileprivate func capture(_ error: UnsafeMutablePointer<xmlError>) {
        guard !stopped, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        let message = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
        var trimmed = Substring(message)
        while let last = trimmed.last, last == "\n" || last == " " { trimmed = trimmed.dropLast() }
        let code = UInt32(bitPattern: error.pointee.code)
        if code == XML_ERR_DOCUMENT_EMPTY.rawValue { return fail(XMLFailure.empty()) }
        if LibXMLPushParser.entityErrors.contains(code) {
            return fail(XMLFailure.entities(String(trimmed), line: Int(error.pointee.line)))
        }
        if error.pointee.ctxt == nil || error.pointee.line <= 0 {
            if pendingContextFreeError == nil { pendingContextFreeError = String(trimmed) }
            return
        }
        fail(XMLFailure.malformed(String(trimmed), line: Int(error.pointee.line)))
    }

    private static func fileFailure(_ error: Error) -> FileFailure {
        if let failure = error as? FileFailure { return failure }
        if let error = error as? FapiaoError { return FileFailure(error) }
        return FileFailure(FapiaoError(code: "extract.unexpected", message: "unexpected error", cause: "\(error)"))
    }

    /// libxml2's error codes about entities (undeclared, loops, external, parameter, unparsed).
    private static let entityErrors: Set<UInt32> = [
        XML_ERR_UNDECLARED_ENTITY, XML_WAR_UNDECLARED_ENTITY, XML_ERR_UNPARSED_ENTITY, XML_ERR_ENTITY_IS_EXTERNAL,
        XML_ERR_ENTITY_IS_PARAMETER, XML_ERR_ENTITY_LOOP, XML_ERR_ENTITY_BOUNDARY, XML_ERR_ENTITY_PE_INTERNAL,
        XML_ERR_EXT_ENTITY_STANDALONE, XML_ERR_ENTITY_NOT_STARTED, XML_ERR_ENTITY_NOT_FINISHED,
    ].map(\.rawValue).reduce(into: []) { $0.insert($1) }
}

/// Calls `body` with the parser behind a callback's context pointer (no retain: the parser outlives the parse).
@inline(__always)
private func withParser(_ context: UnsafeMutableRawPointer?, _ body: (LibXMLPushParser) -> Void) {
    guard let context else { return }
    Unmanaged<LibXMLPushParser>.fromOpaque(context)._withUnsafeGuaranteedRef(body)
}

extension LibXMLPushParser {
    fileprivate static let errorCallback: xmlStructuredErrorFunc = { context, error in
        guard let error else { return }
        withParser(context) { $0.capture(error) }
    }

    /// The SAX2 callbacks: elements, text and errors go to the parser; entity declarations are noted (never
    /// stored, so nothing can expand); only the five predefined entities resolve; nothing else is set, so no
    /// DTD is read and no tree is built.
    fileprivate static func saxHandler() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = XML_SAX2_MAGIC
        sax.startElementNs = { context, name, _, _, _, _, count, _, attributes in
            guard let name else { return }
            let list = attributes.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: UnsafePointer<UInt8>?.self) }
            withParser(context) { $0.startElement(name, attributes: XMLAttributes(base: list, count: Int(count))) }
        }
        sax.endElementNs = { context, _, _, _ in withParser(context) { $0.endElement() } }
        sax.characters = { context, bytes, count in
            guard let bytes else { return }
            withParser(context) { $0.text(bytes, count) }
        }
        sax.cdataBlock = sax.characters
        sax.ignorableWhitespace = sax.characters
        sax.reference = { context, name in
            guard let name else { return }
            withParser(context) { $0.reference(name) }
        }
        sax.entityDecl = { context, _, _, _, _, _ in withParser(context) { $0.entityDeclared() } }
        sax.unparsedEntityDecl = { context, _, _, _, _ in withParser(context) { $0.entityDeclared() } }
        sax.getEntity = { _, name in name.flatMap { xmlGetPredefinedEntity($0) } }
        sax.getParameterEntity = { _, _ in nil }
        sax.serror = errorCallback
        return sax
    }
}
