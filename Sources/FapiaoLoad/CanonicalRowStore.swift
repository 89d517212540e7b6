#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import FapiaoCore
import FapiaoIO

/// The rows of the canonical dataset as their encoded CSV bytes, written sorted by invoice key, then source,
/// then the row's bytes.
///
/// Rows are collected in one buffer. Without a spill folder (tests, small tools) the whole dataset stays there
/// and is sorted in place. With one (load passes its staging folder), the buffer is bounded: each time it holds
/// `runLimit` bytes its rows are sorted and appended as a *run* to a `SpillFile`, and the buffer is reused.
/// Reading the rows back (`write(path:)`, `forEachRow`) then merges the sorted runs (k-way, a binary heap),
/// which yields exactly the order of the in-memory sort: the order is total (ties are identical rows).
///
/// With a `CanonicalRunFeed` (load passes canonical.sqlite's), every run is also handed to the feed as soon as it
/// is spilled, and `sort()` spills the last rows as a run (even when nothing spilled before) and ends the feed: a
/// reader on another thread gets every row, run by run, while the store is still being filled.
struct CanonicalRowStore: Sendable {
    private struct Entry: Sendable {
        var start: Int
        var length: Int32
        var keyLength: Int32
        var source: Int32
    }

    /// Bytes of canonical rows collected before they are sorted and spilled as one run (32 MiB by default:
    /// about 125,000 rows; ~40 runs at 24 × 200,000 invoices; the buffer is part of load's peak memory, which
    /// 64 MiB took past its budget once canonical.sqlite was filled during reconciliation).
    static let defaultRunLimit = 32 << 20

    private var bytes: [UInt8] = []
    private var entries: [Entry] = []
    private var sources: [String] = []
    private var sourceIndices: [String: Int32] = [:]
    /// The sources' bytes (few: one per pipeline source), and the source of the last byte row added.
    private var sourceBytes: [[UInt8]] = []
    private var lastSource: Int32 = -1
    /// Entry positions in output order, once `sort()` ran (in-memory case only).
    private var order: [Int32] = []
    /// Where full buffers are spilled (nil: never spill), the buffer bound, and the spill file once created.
    private let spillDirectory: String?
    private let runLimit: Int
    private var spill: SpillFile?
    /// The spilled runs (byte ranges of `spill`, each sorted) and the rows they hold.
    private var runs: [Range<Int>] = []
    private var spilledCount = 0
    /// Each source's rank by name, fixed by `sort()` for merging.
    private var mergeRanks: [Int] = []
    /// Where each spilled run is also handed (nil: nowhere).
    private let feed: CanonicalRunFeed?

    /// A store that keeps every row in memory.
    init() { self.init(spillDirectory: nil) }

    /// A store that spills sorted runs of `runLimit` bytes to a temporary file in `spillDirectory` (the file is
    /// unlinked as soon as it is created; its space is freed when the last copy of the store is gone), handing
    /// each run to `feed` too (a feed needs a spill folder: `sort()` throws without one).
    init(spillDirectory: String?, runLimit: Int = CanonicalRowStore.defaultRunLimit, feed: CanonicalRunFeed? = nil) {
        self.spillDirectory = spillDirectory
        self.feed = feed
        self.runLimit = max(runLimit, 1)
        // A run's rows fit without the buffer doubling past the bound (rows are far below 64 KiB).
        if spillDirectory != nil { bytes.reserveCapacity(self.runLimit + (64 << 10)) }
    }

    /// Rows held.
    var count: Int { spilledCount + entries.count }

    /// Whether some rows went to the spill file (for tests).
    var spilledRuns: Int { runs.count }

    /// Adds one canonical row (`Invoice.canonicalRow`).
    mutating func append(_ invoice: Invoice) throws {
        try append(EncodedCanonicalRow(invoice))
    }

    /// Adds a row encoded beforehand (possibly on another thread), as `append(_: Invoice)` would add it.
    mutating func append(_ row: EncodedCanonicalRow) throws {
        let start = bytes.count
        bytes.append(contentsOf: row.bytes)
        entries.append(Entry(start: start, length: Int32(row.bytes.count), keyLength: Int32(row.keyLength),
                             source: sourceIndex(row.source)))
        try spillIfFull()
    }

    /// Adds a canonical record-file row, written as `append(Invoice(canonicalRow:))` would write it.
    mutating func append(_ row: RecordRow, _ values: CanonicalRowValues) throws {
        let start = bytes.count
        let keyLength = CanonicalBytes.append(row, values: values, to: &bytes)
        let source = row[CanonicalRowValues.Column.source]
        if lastSource < 0 || !sourceBytes[Int(lastSource)].withUnsafeBufferPointer({ RecordRow.equal(source, $0) }) {
            lastSource = sourceIndex(String(decoding: source, as: UTF8.self))
        }
        entries.append(Entry(start: start, length: Int32(bytes.count - start), keyLength: Int32(keyLength),
                             source: lastSource))
        try spillIfFull()
    }

    private mutating func sourceIndex(_ source: String) -> Int32 {
        if let index = sourceIndices[source] { return index }
        let index = Int32(sources.count)
        sources.append(source)
        sourceBytes.append(Array(source.utf8))
        sourceIndices[source] = index
        return index
    }

    /// Fixes the output order: invoice key (bytes), then source name, then the whole row. With a feed, the last
    /// rows are spilled as a run (so the feed has every row) and the feed is ended.
    mutating func sort() throws {
        if runs.isEmpty, feed == nil {
            order = sortedEntries()
        } else {
            guard spillDirectory != nil else {
                throw FapiaoError(code: "load.spill_failed", message: "a canonical row feed needs a spill folder")
            }
            if !entries.isEmpty { try spillRun() }
            bytes = []; entries = []
            mergeRanks = sourceRanks()
            feed?.finish()
        }
    }

    /// Entry positions of the buffered rows in output order.
    ///
    /// Sorted on the keys' first 24 bytes (a whole key, mostly: 20-digit numbers, `code-number` keys of 21), held
    /// with each position as three integers, so that most comparisons touch neither the rows nor `memcmp`; only
    /// equal prefixes compare the rows (`precedes`).
    private func sortedEntries() -> [Int32] {
        let sourceRank = sourceRanks()
        return bytes.withUnsafeBufferPointer { buffer -> [Int32] in
            guard let base = buffer.baseAddress else { return [] }
            var items = entries.indices.map { index in
                let entry = entries[index]
                return KeyPrefix(base + entry.start, count: Int(entry.keyLength), position: Int32(index))
            }
            items.sort { x, y in
                if x.words.0 != y.words.0 { return x.words.0 < y.words.0 }
                if x.words.1 != y.words.1 { return x.words.1 < y.words.1 }
                if x.words.2 != y.words.2 { return x.words.2 < y.words.2 }
                let a = entries[Int(x.position)], b = entries[Int(y.position)]
                return CanonicalRowStore.precedes(base + a.start, Int(a.length), Int(a.keyLength), sourceRank[Int(a.source)],
                                                  base + b.start, Int(b.length), Int(b.keyLength), sourceRank[Int(b.source)])
            }
            return items.map(\.position)
        }
    }

    /// A buffered row's position with its key's first 24 bytes as three big-endian integers (zero bytes past the
    /// key's end): integers that order as the bytes do, so unequal prefixes order the rows as their keys do.
    private struct KeyPrefix {
        var words: (UInt64, UInt64, UInt64)
        var position: Int32

        init(_ key: UnsafePointer<UInt8>, count: Int, position: Int32) {
            self.position = position
            words = (KeyPrefix.word(key, count, from: 0), KeyPrefix.word(key, count, from: 8),
                     KeyPrefix.word(key, count, from: 16))
        }

        /// Bytes `from..<from + 8` of the key, big-endian (zero past its end).
        @inline(__always)
        private static func word(_ key: UnsafePointer<UInt8>, _ count: Int, from: Int) -> UInt64 {
            if count >= from + 8 { return UInt64(bigEndian: UnsafeRawPointer(key + from).loadUnaligned(as: UInt64.self)) }
            var word: UInt64 = 0
            for index in from..<(from + 8) { word = word << 8 | (index < count ? UInt64(key[index]) : 0) }
            return word
        }
    }

    /// The output order of two rows (bytes, length, key length, source rank).
    @inline(__always)
    fileprivate static func precedes(_ a: UnsafePointer<UInt8>, _ aLength: Int, _ aKey: Int, _ aRank: Int,
                                     _ b: UnsafePointer<UInt8>, _ bLength: Int, _ bKey: Int, _ bRank: Int) -> Bool {
        let byKey = compare(a, aKey, b, bKey)
        if byKey != 0 { return byKey < 0 }
        if aRank != bRank { return aRank < bRank }
        return compare(a, aLength, b, bLength) < 0
    }

    /// Each source's position among the sources sorted by their UTF-8 bytes.
    private func sourceRanks() -> [Int] {
        let byName = sources.indices.sorted { sources[$0].utf8.lexicographicallyPrecedes(sources[$1].utf8) }
        var ranks = [Int](repeating: 0, count: sources.count)
        for (rank, index) in byName.enumerated() { ranks[index] = rank }
        return ranks
    }

    /// Byte-wise lexicographic comparison (negative, zero, positive), as `lexicographicallyPrecedes` orders.
    @inline(__always)
    private static func compare(_ a: UnsafePointer<UInt8>, _ aCount: Int, _ b: UnsafePointer<UInt8>, _ bCount: Int) -> Int {
        let common = memcmp(a, b, min(aCount, bCount))
        return common != 0 ? Int(common) : aCount - bCount
    }

    // MARK: Spilling

    private mutating func spillIfFull() throws {
        if spillDirectory != nil, bytes.count >= runLimit { try spillRun() }
    }

    /// Sorts the buffered rows and appends them to the spill file as one run (each row: its length, key length
    /// and source as three `UInt32`s, then its bytes), then empties the buffer, keeping its capacity.
    private mutating func spillRun() throws {
        guard let spillDirectory else { return }
        if spill == nil { spill = try SpillFile(directory: spillDirectory) }
        guard let spill else { return }
        let start = spill.size
        let order = sortedEntries()
        try bytes.withUnsafeBytes { all in
            for position in order {
                let entry = entries[Int(position)]
                var header = (UInt32(entry.length).littleEndian, UInt32(entry.keyLength).littleEndian,
                              UInt32(entry.source).littleEndian)
                try withUnsafeBytes(of: &header) { try spill.append($0) }
                try spill.append(UnsafeRawBufferPointer(rebasing: all[entry.start..<(entry.start + Int(entry.length))]))
            }
        }
        try spill.seal()
        runs.append(start..<spill.size)
        feed?.publish(spill, start..<spill.size)
        spilledCount += entries.count
        bytes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
    }

    // MARK: Reading in order

    /// Calls `body` with each row's bytes (with its line break), in sorted order.
    func forEachSorted(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if let spill, !runs.isEmpty {
            var merge = try RunMerge(file: spill, runs: runs, ranks: mergeRanks)
            try merge.forEach(body)
            return
        }
        try bytes.withUnsafeBufferPointer { all in
            for position in order {
                let entry = entries[Int(position)]
                try body(UnsafeBufferPointer(rebasing: all[entry.start..<(entry.start + Int(entry.length))]))
            }
        }
    }

    /// Writes `canonical.csv` (canonical header, rows in sorted order) atomically.
    func write(path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try writer.append { CSVFormatter.append(Invoice.canonicalHeader, to: &$0) }
        try forEachSorted { row in try writer.append { $0.append(contentsOf: row) } }
        try writer.commit()
    }

    /// Calls `body` with each row (its bytes, with the line break) of one spilled run, in the run's order.
    static func forEachRow(in run: Range<Int>, of file: SpillFile,
                           _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let cursor = RunCursor(file: file, run: run, capacity: 256 << 10)
        while try cursor.advance() { try body(UnsafeBufferPointer(start: cursor.row, count: cursor.length)) }
    }

    /// Calls `body` with each row, in sorted order, as a borrowed byte row.
    func forEachRow(_ body: (RecordRow) throws -> Void) throws {
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        try forEachSorted { row in try parser.feedRows(row) { try body(RecordRow(view: $0)) } }
        try parser.finishRows { try body(RecordRow(view: $0)) }
    }
}

/// An invoice's canonical row as `CanonicalRowStore` stores it: its CSV bytes (with the line break), the byte
/// length of its key, its source.
struct EncodedCanonicalRow: Sendable {
    var bytes: [UInt8] = []
    var keyLength: Int
    var source: String

    /// A row encoded elsewhere (`CanonicalBytes.append`).
    init(bytes: [UInt8], keyLength: Int, source: String) {
        self.bytes = bytes; self.keyLength = keyLength; self.source = source
    }

    /// Encodes `invoice.canonicalRow`.
    init(_ invoice: Invoice) {
        CSVFormatter.append(invoice.canonicalRow, to: &bytes)
        keyLength = invoice.key.utf8.count
        source = invoice.origin.source
    }
}

/// The runs a `CanonicalRowStore` spills, handed over as they are written to a reader on another thread
/// (canonical.sqlite's writer): each run once, in the order written, then the end.
final class CanonicalRunFeed: Sendable {
    /// What the reader gets next: a run (a byte range of the spill file), or the end (no more runs).
    enum Message: Sendable {
        case run(SpillFile, Range<Int>)
        case end
    }

    /// Runs are few (one per 32 MiB of rows), so the channel never fills and the store never waits.
    private let channel = Channel<Message>(capacity: 1 << 16)

    /// A feed with nothing in it yet.
    init() {}

    /// Hands over a run just spilled.
    func publish(_ file: SpillFile, _ run: Range<Int>) { channel.send(.run(file, run)) }

    /// Says no run follows.
    func finish() { channel.send(.end) }

    /// The next message, waiting for it; nil once `cancel()` ran.
    func next() -> Message? { channel.receive() }

    /// Wakes and ends a waiting reader (`next()` returns nil from now on).
    func cancel() { channel.cancel() }
}

/// A temporary file holding sorted runs of canonical rows. It is unlinked right after it is created, so it never
/// shows in (or outlives) the staging folder; the descriptor keeps its data until the last reference is gone.
/// Appended to by one owner; its finished runs are read with `pread`, which is safe from any thread
/// (canonical.sqlite's writer reads each run while the owner appends the next ones).
final class SpillFile: @unchecked Sendable {
    private let descriptor: Int32
    /// Writes the appended bytes on a thread of its own, through the page cache (the runs are read back soon).
    private let writes: FileWriteThread
    /// Bytes appended so far.
    private(set) var size = 0

    /// Creates and unlinks `<directory>/.canonical-spill-XXXXXX`.
    init(directory: String) throws {
        var template = Array("\(directory)/.canonical-spill-XXXXXX".utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw SpillFile.failure("create a temporary file in \(directory)") }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        writes = FileWriteThread(descriptor: descriptor, path: "the canonical spill file", offset: 0, direct: false,
                                 writeback: false)
    }

    /// Appends bytes at the end (written by the thread; `seal()` before reading them).
    func append(_ data: UnsafeRawBufferPointer) throws {
        try writes.append(data)
        size += data.count
    }

    /// Waits until every byte appended is in the file.
    func seal() throws { try writes.flush() }

    /// Reads up to `count` bytes at `offset` into `destination`; returns how many were read.
    func read(into destination: UnsafeMutableRawPointer, count: Int, at offset: Int) throws -> Int {
        while true {
            let got = pread(descriptor, destination, count, off_t(offset))
            if got < 0, errno == EINTR { continue }
            guard got >= 0 else { throw SpillFile.failure("read the canonical spill file") }
            return got
        }
    }

    private static func failure(_ what: String) -> FapiaoError {
        FapiaoError(code: "load.spill_failed", message: "could not \(what); check free disk space in the work folder",
                    cause: String(cString: strerror(errno)))
    }

    deinit {
        writes.stop()
        close(descriptor)
    }
}

/// One spilled run being read: a window of buffered bytes and the row at its head.
private final class RunCursor {
    let file: SpillFile
    private var next: Int
    private let end: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var head = 0, tail = 0
    /// The current row: bytes, length, key length, source.
    private(set) var row: UnsafePointer<UInt8>
    private(set) var length = 0, keyLength = 0, source = 0
    private var consumed = 0

    init(file: SpillFile, run: Range<Int>, capacity: Int) {
        self.file = file; next = run.lowerBound; end = run.upperBound; self.capacity = capacity
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        row = UnsafePointer(buffer.assumingMemoryBound(to: UInt8.self))
    }

    deinit { buffer.deallocate() }

    /// Moves to the next row of the run; false at its end.
    func advance() throws -> Bool {
        head += consumed; consumed = 0
        guard try fill(12) else { return false }
        length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: head, as: UInt32.self)))
        keyLength = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: head + 4, as: UInt32.self)))
        source = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: head + 8, as: UInt32.self)))
        guard try fill(12 + length) else {
            throw FapiaoError(code: "load.spill_failed", message: "the canonical spill file ended inside a row")
        }
        row = UnsafePointer((buffer + head + 12).assumingMemoryBound(to: UInt8.self))
        consumed = 12 + length
        return true
    }

    /// Makes at least `count` unread bytes available (moving the unread ones to the front, growing the
    /// buffer for a row longer than it); false when the run ends first.
    private func fill(_ count: Int) throws -> Bool {
        if tail - head >= count { return true }
        if head > 0 {
            (buffer).copyMemory(from: buffer + head, byteCount: tail - head)
            tail -= head; head = 0
        }
        if count > capacity {
            let larger = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 8)
            larger.copyMemory(from: buffer, byteCount: tail)
            buffer.deallocate()
            buffer = larger; capacity = count
        }
        while tail < count, next < end {
            let got = try file.read(into: buffer + tail, count: min(capacity - tail, end - next), at: next)
            guard got > 0 else { break }
            tail += got; next += got
        }
        return tail >= count
    }
}

/// Merges sorted runs of a `SpillFile` in output order (a binary min-heap of run cursors).
private struct RunMerge {
    private var heap: [RunCursor] = []
    private let ranks: [Int]

    /// Opens every run (256 KiB read buffer each) and reads its first row.
    init(file: SpillFile, runs: [Range<Int>], ranks: [Int]) throws {
        self.ranks = ranks
        for run in runs {
            let cursor = RunCursor(file: file, run: run, capacity: 256 << 10)
            if try cursor.advance() { heap.append(cursor) }
        }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
    }

    private func precedes(_ a: RunCursor, _ b: RunCursor) -> Bool {
        CanonicalRowStore.precedes(a.row, a.length, a.keyLength, ranks[a.source],
                                   b.row, b.length, b.keyLength, ranks[b.source])
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, precedes(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, precedes(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    /// Calls `body` with every row of every run, smallest first.
    mutating func forEach(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        while let first = heap.first {
            try body(UnsafeBufferPointer(start: first.row, count: first.length))
            if try !first.advance() {
                heap.swapAt(0, heap.count - 1)
                heap.removeLast()
            }
            siftDown(0)
        }
    }
}
