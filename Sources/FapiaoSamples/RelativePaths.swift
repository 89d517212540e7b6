import Foundation

/// Lexical path helpers (no file system access beyond the current directory).
enum PathText {
    /// The absolute, normalized form of `path` (`.` and `..` resolved lexically against the current directory).
    static func absolute(_ path: String) -> [String] {
        let base = path.hasPrefix("/") ? "" : FileManager.default.currentDirectoryPath + "/"
        var parts: [String] = []
        for part in (base + path).split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(String(part))
        }
        return parts
    }

    /// `to` relative to the folder `from` (`..` steps as needed); empty when they are the same.
    static func relative(from: String, to: String) -> String {
        let a = absolute(from), b = absolute(to)
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        return (ups + b[common...]).joined(separator: "/")
    }

    /// The folder holding `path` (`.` for a bare file name).
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// Where the pipeline file's paths point: the chain folder and the work folder, relative to the pipeline file.
struct RelativePaths {
    /// Prepended to every source path; empty when the pipeline file sits in the chain folder.
    let pathPrefix: String
    /// `work` beside the pipeline file by default; else `work` beside the chain folder.
    let workDir: String

    /// Paths from `pipelineFile` to `chain`; `work` goes beside `workBeside` (the chain folder by default).
    init(chain: String, pipelineFile: String?, workBeside: String? = nil) {
        guard let pipelineFile else {
            pathPrefix = ""
            workDir = "work"
            return
        }
        let folder = PathText.parent(of: pipelineFile)
        let chainFolder = "/" + PathText.absolute(chain).joined(separator: "/")
        let toChain = PathText.relative(from: folder, to: chainFolder)
        pathPrefix = toChain.isEmpty ? "" : toChain + "/"
        let anchor = "/" + PathText.absolute(workBeside ?? chain).joined(separator: "/")
        let toOutside = PathText.relative(from: folder, to: PathText.parent(of: anchor))
        workDir = toOutside.isEmpty ? "work" : toOutside + "/work"
    }
}
