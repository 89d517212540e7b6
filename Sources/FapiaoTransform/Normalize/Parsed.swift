/// The outcome of parsing one raw field: nothing there, a value, or text that is not a valid value.
public enum Parsed<Value: Equatable & Sendable>: Equatable, Sendable {
    /// Blank, or the `--` placeholder.
    case empty
    /// A usable value.
    case value(Value)
    /// Text that cannot be read as this kind of value.
    case invalid

    /// The value, when there is one.
    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}
