import Foundation

/// Runs the built `fapiao` executable and captures its output (black-box tests).
public enum CommandRunner {
    /// What a command did.
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The built executable in the build folder next to the test bundle.
    public static var executable: String {
        let bundle = Bundle.main.bundleURL.deletingLastPathComponent()
        let candidate = bundle.appendingPathComponent("fapiao").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return TestSupport.repositoryRoot + "/.build/debug/fapiao"
    }

    /// The environment for a child `fapiao`: this process's, plus `extra`, with Swift's crash backtracer off
    /// (it attaches to a crashing child and can keep it from exiting, which would hang the test instead of
    /// failing it).
    public static func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return environment
    }

    /// Runs `fapiao` with arguments in a folder.
    public static func run(_ arguments: [String], in directory: String? = nil,
                           environment: [String: String] = [:]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = childEnvironment(environment)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }
}
