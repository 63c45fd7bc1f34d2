import EventLog
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh, empty directory under the system's temporary directory.
func makeTemporaryDirectory(_ label: String = "eventlog") throws -> String {
    var template = Array((NSTemporaryDirectory() + "/\(label)-XXXXXX").utf8CString)
    guard let created = mkdtemp(&template) else {
        throw CocoaError(.fileWriteUnknown)
    }
    return String(cString: created)
}

/// Runs `body` with a fresh temporary directory, removed afterwards whatever happens.
func withTemporaryDirectory<R>(_ body: (String) async throws -> R) async throws -> R {
    let directory = try makeTemporaryDirectory()
    do {
        let result = try await body(directory)
        try? FileManager.default.removeItem(atPath: directory)
        return result
    } catch {
        try? FileManager.default.removeItem(atPath: directory)
        throw error
    }
}

/// Runs `body` with a log open in a fresh temporary directory; closes and removes it afterwards.
func withTemporaryLog<R>(
    _ configuration: EventLog.Configuration = .init(),
    _ body: (EventLog, String) async throws -> R
) async throws -> R {
    try await withTemporaryDirectory { directory in
        let log = try EventLog(directory: directory + "/log", configuration: configuration)
        defer { log.close() }
        return try await body(log, directory)
    }
}

/// A ~200-byte payload that differs per index.
func samplePayload(_ index: Int, size: Int = 200) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) }
}

func sampleEvent(_ index: Int, prefix: String = "evt") -> NewEvent {
    NewEvent(id: "\(prefix)-\(index)", payload: samplePayload(index))
}

/// Every event in the log, copied.
func allEvents(_ log: EventLog) throws -> [StoredEvent] {
    try log.events(from: 1, limit: .max)
}
