#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The byte offset where each physical line of a file starts, counted exactly as `CSVParser` counts lines
/// (a line break is LF, CR or CRLF), kept only for the lines a parser may still report as a row's start.
///
/// Feed each chunk here before the parser sees it; `offset(ofLine:)` then gives the start of any line from the
/// oldest kept one on; `forget(before:)` drops lines no row can start on any more.
struct LineStarts {
    /// Offsets of lines `first`, `first + 1`, ….
    private var starts: [Int] = [0]
    private var first = 1
    /// Bytes seen so far.
    private var position = 0
    /// The previous chunk ended with CR (a following LF belongs to the same break).
    private var pendingCR = false

    /// Notes the line breaks of the next chunk.
    mutating func scan(_ chunk: UnsafeBufferPointer<UInt8>) {
        guard let base = chunk.baseAddress else { return }
        if !pendingCR, memchr(base, 0x0D, chunk.count) == nil {
            scanLineFeeds(base, chunk.count)
            return
        }
        var index = 0
        if pendingCR {
            pendingCR = false
            if chunk.count > 0, base[0] == 0x0A { starts[starts.count - 1] += 1; index = 1 }
        }
        while index < chunk.count {
            let byte = base[index]
            index += 1
            guard byte == 0x0A || byte == 0x0D else { continue }
            if byte == 0x0D {
                if index < chunk.count { if base[index] == 0x0A { index += 1 } } else { pendingCR = true }
            }
            starts.append(position + index)
        }
        position += chunk.count
    }

    /// The fast path for a chunk without CR: every LF found with `memchr`.
    private mutating func scanLineFeeds(_ base: UnsafePointer<UInt8>, _ count: Int) {
        var index = 0
        while index < count, let found = memchr(base + index, 0x0A, count - index) {
            index = UnsafeRawPointer(found) - UnsafeRawPointer(base) + 1
            starts.append(position + index)
        }
        position += count
    }

    /// The start offset of line `line` (1-based), which must not be forgotten.
    func offset(ofLine line: Int) -> Int { starts[line - first] }

    /// Drops the lines before `line` once enough of them piled up.
    mutating func forget(before line: Int) {
        let drop = line - first
        guard drop >= 4096 else { return }
        starts.removeFirst(drop)
        first = line
    }
}
