import Foundation
enum TmpTrace {
    static let start = Date()
    static let on = ProcessInfo.processInfo.environment["FAPIAO_TRACE"] != nil
    static func mark(_ what: String) {
        guard on else { return }
        FileHandle.standardError.write("[\(String(format: "%.3f", Date().timeIntervalSince(start)))] \(what)\n".data(using: .utf8)!)
    }
}
