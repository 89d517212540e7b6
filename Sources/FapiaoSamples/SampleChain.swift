import FapiaoCore
import FapiaoIO

/// Options for a generated sample chain.
public struct SampleOptions: Hashable, Sendable {
    public var seed: UInt64
    public var branches: Int
    public var invoicesPerBranch: Int

    public init(seed: UInt64 = 20250417, branches: Int = 6, invoicesPerBranch: Int = 60) {
        self.seed = seed; self.branches = branches; self.invoicesPerBranch = invoicesPerBranch
    }
}

/// Writes a sample chain: branch exports, the authority export, a pipeline file and `truth.json`.
public enum SampleChain {
    /// Writes the chain into `directory`.
    public static func write(to directory: String, options: SampleOptions) throws {
        throw FapiaoError(code: "not_implemented", message: "samples are not implemented yet")
    }
}
