import Foundation
import FapiaoCore

/// Writes one night into an existing history database on a thread of its own, alongside load.
///
/// The thread opens the night's transaction when load starts, reads the history before D (`snapshot()`),
/// deletes night D (a re-run replaces it) while load reconciles, inserts the rows load hands over
/// (`write(canonical:)` once they are sorted, `write(_:)` for the rest) while load summarizes and writes its files, and commits only in `commit()`, which load's caller calls after
/// `out/` is published (DESIGN.md "Publishing"); until then readers see the history unchanged. Dropping the
/// writer without committing (load or publishing failed) abandons the transaction and waits for the rollback,
/// so the database is free again when the writer is gone.
final class HistoryWriter: Sendable {
    private let state = State()
    private let path: String
    private let date: BusinessDate
    private let chartNights: Int

    /// Opens night `date`'s transaction on the database at `path` (which exists: a first night creates the
    /// database in `HistoryDatabase.commit`, so nothing appears before the commit).
    init(path: String, date: BusinessDate, chartNights: Int) {
        self.path = path; self.date = date; self.chartNights = chartNights
        let state = self.state
        let steps = HistoryDatabase.NightSteps(
            snapshot: { state.set(\.snapshot, $0) }, chartNights: chartNights,
            canonical: { state.await(\.canonical) { $0.decision != nil } },
            night: { state.await(\.night) { $0.decision != nil } },
            stop: { state.read(\.decision) == false }, decide: { state.await(\.decision) { _ in false } ?? false })
        let thread = Thread {
            do {
                try HistoryDatabase.write(path: path, date: date, steps: steps)
                state.set(\.outcome, .success(()))
            } catch {
                state.set(\.outcome, .failure(error))
            }
        }
        thread.name = "fapiao-history"
        thread.start()
    }

    /// The history before D, read inside the night's transaction. When the transaction could not be opened,
    /// read as before (read-only), so that failure surfaces in `commit()`, after `out/` is published.
    func snapshot() throws -> HistorySnapshot {
        if let snapshot = state.await(\.snapshot, or: { $0.outcome != nil }) { return snapshot }
        return try HistoryDatabase.snapshot(path: path, before: date, chartNights: chartNights)
    }

    /// Hands tonight's sorted canonical rows to the writing thread (it inserts them while load goes on).
    func write(canonical: CanonicalRowStore) { state.set(\.canonical, canonical) }

    /// Hands the rest of tonight (run and discrepancy rows) to the writing thread.
    func write(_ night: NightRecord) { state.set(\.night, night) }

    /// Commits the night once every row is in; throws what opening or writing it threw.
    func commit() throws {
        state.set(\.decision, true)
        try state.await(\.outcome, or: { _ in false })?.get()
    }

    deinit {
        state.set(\.decision, false)
        _ = state.await(\.outcome, or: { _ in false })
    }
}

extension HistoryWriter {
    /// What load and the writing thread share, under one lock.
    private final class State: @unchecked Sendable {
        struct Values {
            var snapshot: HistorySnapshot?
            var canonical: CanonicalRowStore?
            var night: NightRecord?
            /// Commit (true) or abandon (false); nil while load runs.
            var decision: Bool?
            var outcome: Result<Void, Error>?
        }

        private let condition = NSCondition()
        private var values = Values()

        /// Sets a value once (later sets are ignored) and wakes the waiters.
        func set<T>(_ key: WritableKeyPath<Values, T?>, _ value: T) {
            condition.lock(); defer { condition.unlock() }
            if values[keyPath: key] == nil { values[keyPath: key] = value }
            condition.broadcast()
        }

        func read<T>(_ key: KeyPath<Values, T?>) -> T? {
            condition.lock(); defer { condition.unlock() }
            return values[keyPath: key]
        }

        /// Waits until the value is set (returning it) or `giveUp` holds (returning nil).
        func await<T>(_ key: KeyPath<Values, T?>, or giveUp: (Values) -> Bool) -> T? {
            condition.lock(); defer { condition.unlock() }
            while values[keyPath: key] == nil, !giveUp(values) { condition.wait() }
            return values[keyPath: key]
        }
    }
}
