/// An event to append: an id, the dedup key, and opaque payload bytes.
///
/// The log knows nothing of what the payload means. The id decides idempotency:
/// appending an id that is already in the log stores nothing and answers
/// ``AppendResult/duplicate(existingPosition:)``.
///
/// The id must be 1 to ``EventLog/maximumEventIDLength`` bytes of UTF-8.
public struct NewEvent: Sendable, Hashable {
    /// The dedup key: the same event appended twice has the same id.
    public var id: String
    /// The event's bytes, stored as they are.
    public var payload: [UInt8]

    public init(id: String, payload: [UInt8]) {
        self.id = id
        self.payload = payload
    }
}

/// An event read back from the log, copied out of the map.
public struct StoredEvent: Sendable, Hashable {
    /// The event's sequence number: 1 for the first event, no gaps.
    public var position: UInt64
    /// The id it was appended with.
    public var id: String
    /// The payload bytes as appended.
    public var payload: [UInt8]

    public init(position: UInt64, id: String, payload: [UInt8]) {
        self.position = position
        self.id = id
        self.payload = payload
    }
}

/// What happened to one appended event.
public enum AppendResult: Sendable, Hashable {
    /// The event was stored at this position.
    case appended(position: UInt64)
    /// An event with the same id was already in the log (or earlier in the same batch),
    /// at this position; nothing was stored.
    case duplicate(existingPosition: UInt64)

    /// The position the event's id is at, whether it was just appended or was already there.
    public var position: UInt64 {
        switch self {
        case .appended(let position), .duplicate(let position): position
        }
    }

    /// Whether the event was already in the log.
    public var isDuplicate: Bool {
        if case .duplicate = self { return true }
        return false
    }
}

/// A projection's saved state: the snapshot bytes and the log position they reflect.
public struct Checkpoint: Sendable, Hashable {
    /// The last log position the snapshot includes (0: none).
    public var position: UInt64
    /// The projection's serialised state, opaque to the log.
    public var snapshot: [UInt8]

    public init(position: UInt64, snapshot: [UInt8]) {
        self.position = position
        self.snapshot = snapshot
    }
}

/// Figures about a log, for `stats` commands and tests.
public struct EventLogStatistics: Sendable, Hashable {
    /// Events stored.
    public var eventCount: Int
    /// The last event's position (0 when empty).
    public var lastPosition: UInt64
    /// The current size of the memory map in bytes (it grows by itself).
    public var mapSize: Int
    /// Bytes of the map in use: pages up to the last used one, times the page size.
    public var bytesUsed: Int
    /// The size of `data.mdb`: ``bytesUsed`` plus the zeros a durable log keeps written ahead
    /// (``EventLog/Configuration/preallocatesDataFile``).
    public var fileBytes: Int
    /// LMDB's page size in bytes.
    public var pageSize: Int
    /// Write transactions the writer committed since this log was opened. With group
    /// commit this is lower than the number of appends when appenders run concurrently.
    public var commitCount: Int
    /// Events appended (not duplicates) since this log was opened.
    public var appendedSinceOpen: Int
    /// Times the map was grown since this log was opened.
    public var mapGrowthCount: Int
    /// Times a scan released the map's pages from the resident set since this log was
    /// opened (see ``EventLog/Configuration/scanReleaseBytes``).
    public var scanReleaseCount: Int
}
