import Foundation
import FapiaoCore
import FapiaoIO

/// What the normalizing reader hands over, per source in the run's order: the header, batches of rows,
/// then the end, or the error that stopped it.
enum ReaderItem {
    case header([String])
    case rows(RowBatch)
    case end
    case failed(Error)
}

/// Reads and fast-normalizes the extract files on a second thread while the run dedupes and writes on its
/// own: parsing and normalizing are pure, so only their order matters, and the channel keeps it.
final class NormalizingReader: @unchecked Sendable {
    private let spec: PipelineSpec
    private let files: [(position: Int, path: String)]
    private let fastPath: Bool
    private let items = Channel<ReaderItem>(capacity: 8)
    private let spare = Channel<RowBatch>(capacity: 16)
    private let done = DispatchSemaphore(value: 0)
    private struct Cancelled: Error {}

    /// A reader of `files` (pipeline position and extract path, in processing order); call `start`.
    init(spec: PipelineSpec, files: [(position: Int, path: String)], fastPath: Bool = true) {
        self.spec = spec
        self.files = files
        self.fastPath = fastPath
    }

    /// Starts the reading thread.
    func start() {
        let thread = Thread { [self] in
            run()
            done.signal()
        }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The next item (in order); nil only after `stop`.
    func next() -> ReaderItem? { items.receive() }

    /// Gives a processed batch back for reuse (or drops it, when enough are spare).
    func recycle(_ batch: RowBatch) {
        batch.removeAll()
        spare.offer(batch)
    }

    /// Stops the thread (at once, wherever it is) and waits for it.
    func stop() {
        items.cancel()
        spare.cancel()
        done.wait()
    }

    private func run() {
        for (position, path) in files {
            do {
                try read(source: spec.sources[position], path: path)
            } catch is Cancelled {
                return
            } catch {
                items.send(.failed(error))
                return
            }
        }
    }

    private func read(source: SourceSpec, path: String) throws {
        var fast: FastNormalizer?
        var pending = RowBatch.Pending()
        try RecordFileByteReader(path: path).forEachRow(header: { header in
            try send(.header(header.strings))
            fast = fastPath ? FastNormalizer(source: source, header: header.strings, spec: spec) : nil
        }, row: { row in
            pending.add(row)
            if pending.isFull { try send(&pending, normalizing: &fast) }
        })
        if !pending.rows.isEmpty { try send(&pending, normalizing: &fast) }
        try send(.end)
    }

    /// Hands the pending rows over as a batch, normalized here unless the run is waiting for work: then it
    /// normalizes the batch itself, so both threads stay busy (normalizing is pure: who does it changes
    /// nothing).
    private func send(_ pending: inout RowBatch.Pending, normalizing fast: inout FastNormalizer?) throws {
        let batch = spare.poll() ?? RowBatch()
        batch.take(&pending)
        if items.count >= 2 { batch.normalize(using: &fast) }
        try send(.rows(batch))
    }

    private func send(_ item: ReaderItem) throws {
        guard items.send(item) else { throw Cancelled() }
    }
}
