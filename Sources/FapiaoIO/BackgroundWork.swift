import Foundation

/// Work running on a thread of its own; `result()` waits for it. Dropped without `result()`, it asks the work to
/// stop (through the `stop` closure it was given) and waits for the thread, so nothing outlives it.
public final class BackgroundWork<Value: Sendable>: Sendable {
    private let state = State()

    /// Starts `work` on a thread named `name`; `work` may poll its argument and give up when it returns true.
    public init(name: String, _ work: @escaping @Sendable (_ stop: @escaping () -> Bool) throws -> Value) {
        let state = self.state
        let thread = Thread { state.finish(Result { try work({ state.stopped }) }) }
        thread.name = name
        thread.start()
    }

    /// Whether the work has finished (its value, or what it threw, is ready): `result()` would not wait.
    public var isFinished: Bool { state.isFinished }

    /// Waits for the value and hands it over (the work keeps no copy, so its memory goes with the caller's);
    /// rethrows what the work threw. Call it once.
    public func result() throws -> Value { try state.take().get() }

    deinit {
        state.stop()
        state.waitUntilDone()
    }

    /// The stop flag and the outcome, under one lock.
    private final class State: @unchecked Sendable {
        private let condition = NSCondition()
        private var stopFlag = false
        private var value: Result<Value, Error>?
        private var taken = false

        var stopped: Bool {
            condition.lock(); defer { condition.unlock() }
            return stopFlag
        }

        var isFinished: Bool {
            condition.lock(); defer { condition.unlock() }
            return value != nil || taken
        }

        func stop() {
            condition.lock(); defer { condition.unlock() }
            stopFlag = true
        }

        func finish(_ outcome: Result<Value, Error>) {
            condition.lock(); defer { condition.unlock() }
            value = outcome
            condition.broadcast()
        }

        func take() -> Result<Value, Error> {
            condition.lock(); defer { condition.unlock() }
            while value == nil, !taken { condition.wait() }
            guard let outcome = value else { preconditionFailure("BackgroundWork.result() called twice") }
            value = nil; taken = true
            return outcome
        }

        func waitUntilDone() {
            condition.lock(); defer { condition.unlock() }
            while value == nil, !taken { condition.wait() }
        }
    }
}
