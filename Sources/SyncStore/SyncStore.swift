public import EventLog
public import SyncDomain
import Foundation

/// The data directory: the event log with the domain's codec on top.
///
/// Layout (see README "The data directory"):
/// ```
/// DIR/log/data.mdb   events, event-id index, projection checkpoints, dead letters
/// DIR/log/lock.mdb   LMDB's reader table
/// ```
///
/// ```swift
/// let store = try SyncStore(directory: "synclog-data")
/// defer { store.close() }
/// let report = try await store.ingestActivities(InputLines(path: "activities.jsonl"), source: "activities.jsonl", now: .now)
/// ```
public final class SyncStore: Sendable {
    /// The data directory.
    public let directory: String
    /// The underlying log (positions, statistics, backup).
    public let log: EventLog

    /// Events per write transaction when appending input.
    public static let appendBatchSize = 1_000

    /// Opens (creating if needed) the data directory.
    public init(directory: String, configuration: EventLog.Configuration = .init()) throws(SyncStoreError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            self.log = try EventLog(directory: directory + "/log", configuration: configuration)
        } catch {
            throw SyncStoreError(.storage, "\(directory): cannot open the data directory", cause: error)
        }
    }

    /// Closes the log. Safe to call more than once.
    public func close() { log.close() }

    /// Appends envelopes in one transaction, in order; duplicates (same event id) are reported, not stored again.
    @discardableResult
    public func append(_ envelopes: [EventEnvelope]) async throws(SyncStoreError) -> [AppendResult] {
        guard !envelopes.isEmpty else { return [] }
        let events = envelopes.map { NewEvent(id: $0.id.rawValue, payload: $0.binaryEncoded()) }
        do {
            return try await log.append(contentsOf: events)
        } catch {
            throw SyncStoreError(.storage, "\(directory): append failed", cause: error)
        }
    }

    /// The event at `position`, decoded.
    public func envelope(at position: UInt64) throws(SyncStoreError) -> EventEnvelope? {
        let stored: StoredEvent?
        do { stored = try log.event(at: position) } catch {
            throw SyncStoreError(.storage, "\(directory): cannot read event \(position)", cause: error)
        }
        guard let stored else { return nil }
        do { return try EventEnvelope(binary: stored.payload) } catch {
            throw SyncStoreError(.corruptEvent, "\(directory): event \(position) cannot be decoded", cause: error)
        }
    }

    /// The last position written (0 for an empty log).
    public func lastPosition() throws(SyncStoreError) -> UInt64 {
        do { return try log.lastPosition() } catch {
            throw SyncStoreError(.storage, "\(directory): cannot read the last position", cause: error)
        }
    }

    /// Decodes and hands every event from `position` on to `body`, in order, until it returns false.
    public func scan(
        from position: UInt64 = 1,
        _ body: (UInt64, EventEnvelope) throws -> Bool
    ) throws(SyncStoreError) {
        // One decoder for the whole scan: repeated strings (addresses, ids, subjects) share storage.
        let decoder = EventDecoder()
        do {
            try log.scan(from: position) { position, bytes in
                let envelope: EventEnvelope
                do { envelope = try decoder.decode(bytes) } catch {
                    throw SyncStoreError(.corruptEvent, "\(directory): event \(position) cannot be decoded", cause: error)
                }
                return try body(position, envelope)
            }
        } catch let error as SyncStoreError {
            throw error
        } catch {
            throw SyncStoreError(.storage, "\(directory): cannot read the log", cause: error)
        }
    }
}

extension Timestamp {
    /// The wall clock, read only at the edges (commands, the worker), never in the domain.
    public static var now: Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}

extension SyncStore {
    /// Writes a consistent, compacted copy of the data directory to `destination` (a new data
    /// directory: `destination/log/data.mdb`), safe while a writer is running.
    public func backup(to destination: String) throws(SyncStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: destination + "/log", withIntermediateDirectories: true)
            try log.backup(to: destination + "/log")
        } catch {
            throw SyncStoreError(.storage, "\(destination): cannot write the backup", cause: error)
        }
    }
}
