import Foundation

/// Spare buffers shared by every file of the run (at most `limit` kept), so that large buffers are not
/// allocated, page-faulted in and freed again for every file.
public final class ReusePool<Item: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Item] = []
    private let limit: Int
    private let make: () -> Item

    /// A pool keeping at most `limit` spare items, making new ones with `make`.
    public init(limit: Int, make: @escaping () -> Item) {
        self.limit = limit
        self.make = make
    }

    /// A spare item, or a new one.
    public func take() -> Item {
        lock.lock()
        let item = items.popLast()
        lock.unlock()
        return item ?? make()
    }

    /// Gives an item back (dropped when the pool is full).
    public func give(_ item: Item) {
        lock.lock()
        if items.count < limit { items.append(item) }
        lock.unlock()
    }

    /// Drops every spare item (their memory goes back to the system).
    public func removeAll() {
        lock.lock()
        items.removeAll()
        lock.unlock()
    }
}
