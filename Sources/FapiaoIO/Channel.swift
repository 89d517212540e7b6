import Foundation

/// A bounded, blocking first-in-first-out queue between two threads, which either side can cancel (the
/// hand-over between the stages' reading, working and writing threads).
public final class Channel<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item?] = []
    private var head = 0
    private let capacity: Int
    private var cancelled = false

    /// A channel holding at most `capacity` items.
    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Items waiting.
    public var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head
    }

    /// Adds an item, waiting while the channel is full; false when the channel was cancelled.
    @discardableResult
    public func send(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && items.count - head >= capacity { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Adds an item unless the channel is full or cancelled (never waits); false when it was not added.
    @discardableResult
    public func offer(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !cancelled, items.count - head < capacity else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// True once `cancel` ran.
    public var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    /// The next item, waiting while the channel is empty; nil when the channel was cancelled.
    public func receive() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && head == items.count { condition.wait() }
        return cancelled ? nil : take()
    }

    /// The next item if there is one, without waiting.
    public func poll() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        return cancelled || head == items.count ? nil : take()
    }

    private func take() -> Item? {
        let item = items[head]
        items[head] = nil
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 {
            items.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return item
    }

    /// Wakes both sides for good: `send` and `receive` return at once from now on.
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
