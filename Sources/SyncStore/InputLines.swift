import Foundation

/// Reads JSON Lines from a file or standard input, one line at a time, with its 1-based number.
///
/// Lines end at `\n` (a preceding `\r` is dropped). Empty lines are skipped but counted, so
/// line numbers match what an editor shows. A last line without a newline is still a line
/// (if it is truncated JSON, the decoder rejects it). Input is read in 1 MiB chunks: a file
/// is never loaded whole.
public struct InputLines: Sequence {
    /// One line of input.
    public struct Line: Sendable {
        /// 1-based, as an editor counts.
        public var number: Int
        public var bytes: [UInt8]
    }

    /// Where lines come from: a path, or `-` for standard input.
    public let name: String
    private let handle: FileHandle

    /// Opens `path` (or standard input for `-`).
    ///
    /// ```swift
    /// for line in try InputLines(path: "activities.jsonl") { ... }
    /// ```
    public init(path: String) throws(SyncStoreError) {
        if path == "-" {
            self.name = "stdin"
            self.handle = FileHandle.standardInput
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SyncStoreError(.unreadableInput, "\(path): no such file")
        }
        guard !isDirectory.boolValue else {
            throw SyncStoreError(.unreadableInput, "\(path): is a directory, not a JSON Lines file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SyncStoreError(.unreadableInput, "\(path): cannot be opened for reading")
        }
        self.name = path
        self.handle = handle
    }

    /// Lines from bytes already in memory (tests, HTTP bodies).
    public static func lines(in bytes: [UInt8]) -> [Line] {
        var result: [Line] = []
        var splitter = LineSplitter()
        splitter.feed(bytes[...]) { result.append($0) }
        splitter.finish { result.append($0) }
        return result
    }

    public func makeIterator() -> Iterator { Iterator(handle: handle) }

    public struct Iterator: IteratorProtocol {
        let handle: FileHandle
        var splitter = LineSplitter()
        var ready: [Line] = []
        var readyIndex = 0
        var finished = false

        init(handle: FileHandle) { self.handle = handle }

        public mutating func next() -> Line? {
            while readyIndex == ready.count {
                if finished { return nil }
                ready.removeAll(keepingCapacity: true)
                readyIndex = 0
                let chunk = (try? handle.read(upToCount: 1 << 20)) ?? nil
                if let chunk, !chunk.isEmpty {
                    let bytes = [UInt8](chunk)
                    splitter.feed(bytes[...]) { ready.append($0) }
                } else {
                    finished = true
                    splitter.finish { ready.append($0) }
                }
            }
            defer { readyIndex += 1 }
            return ready[readyIndex]
        }
    }
}

/// Splits a byte stream into lines across chunk boundaries.
struct LineSplitter {
    private var pending: [UInt8] = []
    private var lineNumber = 0

    mutating func feed(_ chunk: ArraySlice<UInt8>, _ emit: (InputLines.Line) -> Void) {
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: chunk[start..<newline])
            emitPending(emit)
            start = chunk.index(after: newline)
        }
        pending.append(contentsOf: chunk[start...])
    }

    mutating func finish(_ emit: (InputLines.Line) -> Void) {
        if !pending.isEmpty { emitPending(emit) }
    }

    private mutating func emitPending(_ emit: (InputLines.Line) -> Void) {
        lineNumber += 1
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        let isBlank = pending.allSatisfy { $0 == 0x20 || $0 == 0x09 }
        if !isBlank { emit(InputLines.Line(number: lineNumber, bytes: pending)) }
        pending.removeAll(keepingCapacity: true)
    }
}
