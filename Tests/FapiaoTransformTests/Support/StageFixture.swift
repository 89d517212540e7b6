import Foundation
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport
@testable import FapiaoTransform

/// A temporary extract folder with record files, the stage run on it, and readers for its outputs.
struct StageFixture {
    let root: String
    var extract: String { root + "/extract" }
    var output: String { root + "/transform" }

    init() throws {
        root = try TestSupport.temporaryDirectory("fapiao-transform")
        try FileManager.default.createDirectory(atPath: root + "/extract", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/transform", withIntermediateDirectories: true)
    }

    /// Writes `extract/<source>.csv` with `_source,_file,_line` and `fields`; each row is file, line, values.
    func writeExtract(source: String, fields: [CanonicalField], rows: [(String, Int, [String])]) throws {
        try RecordFileWriter.write(
            path: extract + "/\(source).csv", header: ProvenanceColumn.names + fields.map(\.rawValue),
            rows: rows.map { [source, $0.0, String($0.1)] + $0.2 })
    }

    /// Writes `extract/rejects.csv`.
    func writeExtractRejects(_ rows: [[String]]) throws {
        try RecordFileWriter.write(path: extract + "/rejects.csv", header: RejectsFile.header, rows: rows)
    }

    /// Runs the stage.
    func run(_ spec: PipelineSpec) throws -> TransformResult {
        try TransformStage.run(spec: spec, extractDirectory: extract, outputDirectory: output)
    }

    /// The data rows of an output file (header checked separately).
    func rows(_ name: String) throws -> [[String]] {
        try RecordFileReader(path: output + "/\(name)").readAll().rows
    }

    /// The header of an output file.
    func header(_ name: String) throws -> [String] {
        try RecordFileReader(path: output + "/\(name)").readAll().header
    }

    /// The files left in the output folder.
    func outputFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: output).sorted()
    }

    /// Removes the temporary folder.
    func remove() { try? FileManager.default.removeItem(atPath: root) }
}
