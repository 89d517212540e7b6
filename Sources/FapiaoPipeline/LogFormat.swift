import Foundation
import Logging

/// How log lines look: plain timestamped lines (cron mail friendly) or one JSON object per line.
public enum LogFormat: String, CaseIterable, Sendable {
    case plain, json
}

/// A log handler writing to standard error, masking resident ID numbers in every line.
public struct FapiaoLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let format: LogFormat

    /// Clears a progress line before each log line when standard error is a terminal.
    static let onTerminal = isatty(STDERR_FILENO) == 1

    public init(label: String, format: LogFormat) {
        self.label = label
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        let text = PersonalData.mask(message.description)
        let time = ISO8601DateFormatter().string(from: Date())
        let output: String
        switch format {
        case .plain:
            let clear = FapiaoLogHandler.onTerminal ? "\r\u{1B}[K" : ""
            output = "\(clear)\(time) \(level.rawValue.uppercased()) \(text)\n"
        case .json:
            let object: [String: String] = ["time": time, "level": level.rawValue, "message": text, "logger": label]
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            output = String(decoding: data, as: UTF8.self) + "\n"
        }
        FileHandle.standardError.write(Data(output.utf8))
    }
}

/// Masks personal data (resident ID numbers, GB 11643) in text meant for logs and consoles.
public enum PersonalData {
    /// Replaces the middle eight characters of every run of 17 digits plus a digit or X with `*`:
    /// `11010519491231002X` → `110105********002X`. Data files keep the full values.
    public static func mask(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var index = 0
        while index + 18 <= scalars.count {
            if isResidentID(scalars, at: index) {
                for offset in 6..<14 { scalars[index + offset] = "*" }
                index += 18
            } else {
                index += 1
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    private static func isResidentID(_ s: [Unicode.Scalar], at start: Int) -> Bool {
        if start > 0, isDigitOrLetter(s[start - 1]) { return false }
        let end = start + 18
        if end < s.count, isDigitOrLetter(s[end]) { return false }
        for i in start..<(end - 1) where !("0"..."9").contains(s[i]) { return false }
        return ("0"..."9").contains(s[end - 1]) || s[end - 1] == "X"
    }

    private static func isDigitOrLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar)
    }
}
