import CLMDB
import Foundation

/// An append-only, durable, sequence-numbered log of opaque events in an LMDB environment.
///
/// Events get positions 1, 2, 3... with no gaps. Appends are idempotent by event id: an id
/// already in the log is not stored again, and the caller learns where it is. Appends are
/// durable when they return (with the default ``Configuration/durable``): LMDB has synced the
/// commit, so an acknowledged event survives `kill -9` and power loss.
///
/// Concurrent appenders are group-committed: one writer thread takes everything queued,
/// writes it in one transaction and resumes each caller after the commit. Readers use
/// read-only transactions and never block the writer.
///
/// ```swift
/// let log = try EventLog(directory: "/var/lib/synclog/workspace-1")
/// defer { log.close() }
/// let result = try await log.append(NewEvent(id: "evt-1", payload: bytes))
/// try log.scan(from: 1) { position, payload in
///     apply(payload)   // payload is only valid inside the closure
///     return true
/// }
/// ```
///
/// One process must not open the same directory twice (LMDB forbids it; this type refuses
/// with ``EventLogError/Code/alreadyOpen``); share one `EventLog` instead. Close it with
/// ``close()``; if it is released open, `deinit` closes it after the queued appends.
///
/// Other processes may open the same directory to read (a `stats` command beside the worker);
/// when one process grows the map the others adopt the new size by themselves. Only one
/// process should append at a time: positions stay correct, but group commit is per process.
///
/// Storage layout (see `RecordLayout`): events under 8-byte big-endian positions, each value
/// `[u16 big-endian id length][id UTF-8][payload]`; an `event-ids` index from id to position;
/// `checkpoints` as `[u64 big-endian position][snapshot]`; side tables under `side.<name>`.
///
/// The map starts at ``Configuration/initialMapSize`` and doubles whenever a write needs
/// more room; callers never see `MDB_MAP_FULL`. Growing waits for running reads to finish,
/// so keep scans short when appends are running (a long scan delays only appends that need
/// the map to grow).
public final class EventLog: Sendable {
    /// How to open a log.
    public struct Configuration: Sendable {
        /// The map size to start with, in bytes (default 64 MiB). It doubles as needed.
        public var initialMapSize: Int
        /// Whether a commit syncs to disk before an append returns (default `true`).
        ///
        /// `false` opens the environment with `MDB_NOSYNC`: appends survive a crash of this
        /// process but not of the machine (power loss, kernel panic). For tests and
        /// benchmarks only; never for a production log.
        public var durable: Bool
        /// The most read transactions open at once, across threads (default 126).
        public var maxReaders: Int
        /// The most side tables (``appendSideRecord(table:_:)``) the log can hold (default 16).
        public var maxSideTables: Int
        /// How many bytes a scan reads before it drops the map's pages from this process's
        /// resident set (default 16 MiB), so a replay of a long log keeps memory bounded.
        /// The pages stay in the kernel's page cache; only this process's mapping of them is
        /// released, and touching them again maps them back. 0 turns it off.
        public var scanReleaseBytes: Int
        /// Whether a durable log keeps zeros written ahead of its last page in `data.mdb`
        /// (default `true`), so a commit's flush overwrites allocated blocks instead of
        /// growing the file; see `DataFilePreallocation` for why and how. The tail is at most
        /// 16 MiB (an eighth of the log while it is small) and shows in
        /// ``EventLogStatistics/fileBytes``. No effect when `durable` is `false`.
        public var preallocatesDataFile: Bool

        public init(
            initialMapSize: Int = 64 << 20, durable: Bool = true, maxReaders: Int = 126, maxSideTables: Int = 16,
            scanReleaseBytes: Int = 16 << 20, preallocatesDataFile: Bool = true
        ) {
            self.initialMapSize = initialMapSize
            self.durable = durable
            self.maxReaders = maxReaders
            self.maxSideTables = maxSideTables
            self.scanReleaseBytes = scanReleaseBytes
            self.preallocatesDataFile = preallocatesDataFile
        }
    }

    /// The longest event id, checkpoint name or side-table name, in UTF-8 bytes (LMDB's key limit).
    public static let maximumEventIDLength = 511

    /// The directory the log lives in, as given.
    public let directory: String

    private let environment: Environment
    private let writer: Writer

    /// Opens the log in `directory`, creating the directory and the log if needed.
    ///
    /// Clears reader slots left by dead processes (`mdb_reader_check`).
    ///
    /// - Throws: ``EventLogError`` with ``EventLogError/Code/cannotOpen`` when the path is not
    ///   a directory or LMDB cannot open it, ``EventLogError/Code/alreadyOpen`` when this
    ///   process has it open already.
    public init(directory: String, configuration: Configuration = .init()) throws {
        self.directory = directory
        self.environment = try Environment(directory: directory, configuration: configuration)
        self.writer = Writer(
            environment: environment, preallocatesDataFile: configuration.durable && configuration.preallocatesDataFile)
    }

    deinit {
        close()
    }

    /// Finishes the appends already queued, then closes the environment. Later calls throw
    /// ``EventLogError/Code/closed``. Waits for running reads to end. Idempotent.
    ///
    /// - Warning: do not call it from inside a scan closure: it waits for that scan to end.
    public func close() {
        writer.stop()
        environment.close()
    }

    // MARK: Appending

    /// Appends one event, durably, and returns where it is.
    ///
    /// If an event with the same id is already in the log, nothing is stored and the result is
    /// ``AppendResult/duplicate(existingPosition:)``. Once enqueued, the append completes even
    /// if the calling task is cancelled.
    ///
    /// - Throws: ``EventLogError`` with ``EventLogError/Code/invalidEventID``,
    ///   ``EventLogError/Code/closed`` or ``EventLogError/Code/writerStopped``.
    public func append(_ event: NewEvent) async throws -> AppendResult {
        try validate(event)
        return try await withUnsafeThrowingContinuation { continuation in
            writer.submit(.appendOne(event, continuation))
        }
    }

    /// Appends `events` in order, in one transaction: all are stored or none. Returns one
    /// result per event, in order. An id repeated within the batch is stored once; the repeat
    /// is a duplicate of the first.
    public func append(contentsOf events: [NewEvent]) async throws -> [AppendResult] {
        guard !events.isEmpty else { return [] }
        for event in events { try validate(event) }
        return try await withUnsafeThrowingContinuation { continuation in
            writer.submit(.append(events, continuation))
        }
    }

    private func validate(_ event: NewEvent) throws {
        let length = event.id.utf8.count
        guard length > 0 else {
            throw EventLogError(.invalidEventID, "an event for the log at \(directory) has an empty id")
        }
        guard length <= Self.maximumEventIDLength else {
            throw EventLogError(
                .invalidEventID,
                "an event for the log at \(directory) has an id of \(length) bytes; the limit is \(Self.maximumEventIDLength)")
        }
    }

    private func validateName(_ name: String, _ kind: String) throws {
        let length = name.utf8.count
        guard length > 0, length <= Self.maximumEventIDLength else {
            throw EventLogError(
                .invalidName,
                "a \(kind) name for the log at \(directory) is \(length) bytes; it must be 1 to \(Self.maximumEventIDLength)")
        }
    }

    // MARK: Reading

    /// The last event's position, 0 when the log is empty.
    public func lastPosition() throws -> UInt64 {
        try environment.withReadTransaction { txn in try lastKey(txn: txn, dbi: environment.events) }
    }

    /// The event at `position`, or nil if there is none.
    public func event(at position: UInt64) throws -> StoredEvent? {
        try environment.withReadTransaction { txn in
            var keyBytes = position.bigEndian
            return try withUnsafeMutableBytes(of: &keyBytes) { keyBuffer -> StoredEvent? in
                var key = MDB_val(mv_size: 8, mv_data: keyBuffer.baseAddress)
                var value = MDB_val()
                let rc = mdb_get(txn, environment.events, &key, &value)
                if rc == MDB_NOTFOUND { return nil }
                guard rc == 0 else { throw EventLogError.storage(rc, "read event \(position)", directory: directory) }
                return try storedEvent(position: position, value: value)
            }
        }
    }

    /// The position of the event with id `id`, or nil if it was never appended.
    public func position(ofEventID id: String) throws -> UInt64? {
        var id = id
        guard !id.isEmpty, id.utf8.count <= Self.maximumEventIDLength else { return nil }
        return try environment.withReadTransaction { txn in
            try id.withUTF8 { idBytes -> UInt64? in
                var key = MDB_val(mv_size: idBytes.count, mv_data: UnsafeMutableRawPointer(mutating: idBytes.baseAddress))
                var value = MDB_val()
                let rc = mdb_get(txn, environment.eventIDs, &key, &value)
                if rc == MDB_NOTFOUND { return nil }
                guard rc == 0 else { throw EventLogError.storage(rc, "look up an event id", directory: directory) }
                guard let position = RecordLayout.loadBigEndian(value) else {
                    throw EventLogError(.corruptRecord, "an entry of the event-ids index in the log at \(directory) is not 8 bytes")
                }
                return position
            }
        }
    }

    /// Calls `body` with each event's position and payload, in order, from `position`
    /// (inclusive; 0 and 1 both mean the start) until the end or until `body` returns false.
    /// Allocates nothing per event: this is the replay path.
    ///
    /// The scan sees the log as it was when it began; appends committed meanwhile are not in it.
    /// Memory stays bounded however long the log is: after every
    /// ``Configuration/scanReleaseBytes`` read, between two calls of `body`, the pages read
    /// so far are released from this process's resident set (they stay in the page cache).
    ///
    /// - Warning: the buffer points into LMDB's map and is valid only inside `body`; copy what
    ///   you keep. A long scan delays appends that need the map to grow.
    public func scan(from position: UInt64, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws {
        try scanEvents(from: position) { position, _, payload in try body(position, payload) }
    }

    /// Like ``scan(from:_:)`` but also lends the id's UTF-8 bytes.
    ///
    /// - Warning: both buffers are valid only inside `body`.
    public func scanEvents(
        from position: UInt64,
        _ body: (_ position: UInt64, _ id: UnsafeRawBufferPointer, _ payload: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try environment.withReadTransaction { txn in
            try iterate(txn: txn, dbi: environment.events, from: position, what: "events") { position, value in
                guard let (id, payload) = RecordLayout.splitEvent(value) else {
                    throw EventLogError(.corruptRecord, "event \(position) in the log at \(directory) has a broken layout")
                }
                return try body(position, id, payload)
            }
        }
    }

    /// Up to `limit` events from `position` (inclusive), copied out.
    public func events(from position: UInt64, limit: Int) throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        var result: [StoredEvent] = []
        try scanEvents(from: position) { position, id, payload in
            result.append(StoredEvent(position: position, id: String(decoding: id, as: UTF8.self), payload: Array(payload)))
            return result.count < limit
        }
        return result
    }

    // MARK: Checkpoints

    /// Saves a projection's snapshot together with the log position it reflects, atomically,
    /// durably, through the writer. Replaces the previous checkpoint of that name.
    public func saveCheckpoint(_ name: String, position: UInt64, snapshot: [UInt8]) async throws {
        try validateName(name, "checkpoint")
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            writer.submit(.checkpoint(name: name, position: position, snapshot: snapshot, continuation))
        }
    }

    /// The checkpoint saved under `name`, or nil.
    public func checkpoint(_ name: String) throws -> Checkpoint? {
        try validateName(name, "checkpoint")
        var name = name
        return try environment.withReadTransaction { txn in
            try name.withUTF8 { nameBytes -> Checkpoint? in
                var key = MDB_val(mv_size: nameBytes.count, mv_data: UnsafeMutableRawPointer(mutating: nameBytes.baseAddress))
                var value = MDB_val()
                let rc = mdb_get(txn, environment.checkpoints, &key, &value)
                if rc == MDB_NOTFOUND { return nil }
                guard rc == 0 else { throw EventLogError.storage(rc, "read a checkpoint", directory: directory) }
                guard let position = RecordLayout.loadBigEndian(value) else {
                    throw EventLogError(.corruptRecord, "a checkpoint in the log at \(directory) is shorter than 8 bytes")
                }
                let snapshot = UnsafeRawBufferPointer(start: value.mv_data! + 8, count: value.mv_size - 8)
                return Checkpoint(position: position, snapshot: Array(snapshot))
            }
        }
    }

    // MARK: Side tables

    /// Appends `bytes` to the side table `table` (created on first use) and returns its record
    /// number (1, 2, 3...). Committed durably through the writer, like events. For data that
    /// is not an event, such as rejected input kept with its reason.
    public func appendSideRecord(table: String, _ bytes: [UInt8]) async throws -> UInt64 {
        try validateName(table, "side table")
        return try await withUnsafeThrowingContinuation { continuation in
            writer.submit(.sideRecord(table: table, bytes: bytes, continuation))
        }
    }

    /// Calls `body` with each record of side table `table` from record number `from`, in
    /// order, until `body` returns false. A table never written has no records.
    ///
    /// - Warning: the buffer is valid only inside `body`.
    public func scanSideRecords(
        table: String, from: UInt64 = 1, _ body: (UInt64, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try validateName(table, "side table")
        guard let dbi = try environment.sideTable(table, create: false) else { return }
        try environment.withReadTransaction { txn in
            try iterate(txn: txn, dbi: dbi, from: from, what: "side table '\(table)'") { key, value in
                try body(key, UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size))
            }
        }
    }

    // MARK: Backup and statistics

    /// Writes a consistent, compacted copy of the log into `destination` (created if needed;
    /// it must not already hold a log). Appends may run meanwhile; the copy holds every event
    /// committed when the backup began. Open the copy with `EventLog(directory:)`.
    public func backup(to destination: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw EventLogError(.backupFailed, "cannot back up the log at \(directory) to \(destination): the path is not a directory")
            }
            guard !FileManager.default.fileExists(atPath: destination + "/data.mdb") else {
                throw EventLogError(.backupFailed, "cannot back up the log at \(directory) to \(destination): it already holds a log")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
            } catch {
                throw EventLogError(.backupFailed, "cannot create the backup directory \(destination): \(error.localizedDescription)")
            }
        }
        try environment.withMap { env in
            let rc = mdb_env_copy2(env, destination, UInt32(MDB_CP_COMPACT))
            guard rc == 0 else {
                throw EventLogError(
                    .backupFailed,
                    "could not back up the log at \(directory) to \(destination): \(EventLogError.describe(returnCode: rc))",
                    returnCode: rc)
            }
        }
    }

    /// Counts and sizes, read now.
    public func statistics() throws -> EventLogStatistics {
        let counters = writer.counters()
        return try environment.withReadTransaction { txn in
            var stat = MDB_stat()
            var rc = mdb_stat(txn, environment.events, &stat)
            guard rc == 0 else { throw EventLogError.storage(rc, "read statistics", directory: directory) }
            var info = MDB_envinfo()
            rc = mdb_env_info(mdb_txn_env(txn), &info)
            guard rc == 0 else { throw EventLogError.storage(rc, "read environment information", directory: directory) }
            var descriptor: Int32 = -1
            rc = mdb_env_get_fd(mdb_txn_env(txn), &descriptor)
            guard rc == 0, let fileBytes = DataFilePreallocation.fileSize(descriptor: descriptor) else {
                throw EventLogError.storage(rc == 0 ? errno : rc, "read the size of data.mdb", directory: directory)
            }
            return EventLogStatistics(
                eventCount: stat.ms_entries,
                lastPosition: try lastKey(txn: txn, dbi: environment.events),
                mapSize: info.me_mapsize,
                bytesUsed: (info.me_last_pgno + 1) * Int(stat.ms_psize),
                fileBytes: fileBytes,
                pageSize: Int(stat.ms_psize),
                commitCount: counters.commits,
                appendedSinceOpen: counters.appended,
                mapGrowthCount: counters.mapGrowths,
                scanReleaseCount: environment.scanReleaseCount)
        }
    }

    // MARK: Testing

    /// Makes the next commit fail with `returnCode` as if `mdb_txn_commit` had, so tests can
    /// check that a failed commit stops the writer. Not for production use.
    @_spi(Testing) public func failNextCommit(returnCode: Int32) {
        writer.failNextCommit(returnCode: returnCode)
    }

    // MARK: Helpers

    private func lastKey(txn: OpaquePointer, dbi: MDB_dbi) throws -> UInt64 {
        var cursor: OpaquePointer?
        var rc = mdb_cursor_open(txn, dbi, &cursor)
        guard rc == 0 else { throw EventLogError.storage(rc, "open a cursor", directory: directory) }
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val()
        var value = MDB_val()
        rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST)
        if rc == MDB_NOTFOUND { return 0 }
        guard rc == 0 else { throw EventLogError.storage(rc, "read the last position", directory: directory) }
        guard let last = RecordLayout.loadBigEndian(key) else {
            throw EventLogError(.corruptRecord, "a key in the log at \(directory) is not 8 bytes")
        }
        return last
    }

    /// Walks the 8-byte-keyed `dbi` from `start` while `body` returns true.
    ///
    /// Every ``Configuration/scanReleaseBytes`` read, and at the end of a scan that did so at
    /// least once, the pages between the lowest and the highest value read since the last
    /// release are released from the resident set. That happens only between two calls of
    /// `body`, when no buffer lent by this scan is alive; the cursor's own page pointers stay
    /// valid (the mapping is file-backed and read-only: a released page is mapped back from
    /// the page cache, with the same bytes, when touched again).
    private func iterate(
        txn: OpaquePointer, dbi: MDB_dbi, from start: UInt64, what: String,
        _ body: (UInt64, MDB_val) throws -> Bool
    ) throws {
        var cursor: OpaquePointer?
        var rc = mdb_cursor_open(txn, dbi, &cursor)
        guard rc == 0 else { throw EventLogError.storage(rc, "open a cursor on \(what)", directory: directory) }
        defer { mdb_cursor_close(cursor) }
        var pages = ReadPages(releaseEvery: environment.scanReleaseBytes)
        defer { if pages.releasedOnce { pages.release(environment) } }
        var startBytes = max(start, 1).bigEndian
        var key = MDB_val()
        var value = MDB_val()
        rc = withUnsafeMutableBytes(of: &startBytes) { startBuffer in
            key = MDB_val(mv_size: 8, mv_data: startBuffer.baseAddress)
            return mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE)
        }
        while rc == 0 {
            guard let position = RecordLayout.loadBigEndian(key) else {
                throw EventLogError(.corruptRecord, "a key in \(what) of the log at \(directory) is not 8 bytes")
            }
            guard try body(position, value) else { return }
            if pages.read(value) { pages.release(environment) }
            rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)
        }
        guard rc == MDB_NOTFOUND else { throw EventLogError.storage(rc, "read \(what)", directory: directory) }
    }

    private func storedEvent(position: UInt64, value: MDB_val) throws -> StoredEvent {
        guard let (id, payload) = RecordLayout.splitEvent(value) else {
            throw EventLogError(.corruptRecord, "event \(position) in the log at \(directory) has a broken layout")
        }
        return StoredEvent(position: position, id: String(decoding: id, as: UTF8.self), payload: Array(payload))
    }
}

/// What a scan has read of the map since it last released pages: how much, and between which
/// addresses (the map is one contiguous mapping, so everything between is inside it).
private struct ReadPages {
    let releaseEvery: Int
    private var bytes = 0
    private var lowest = UInt.max
    private var highest = UInt(0)
    private(set) var releasedOnce = false

    init(releaseEvery: Int) {
        self.releaseEvery = releaseEvery
    }

    /// Notes `value` (read); true when it is time to release.
    @inline(__always)
    mutating func read(_ value: MDB_val) -> Bool {
        guard releaseEvery > 0, let data = value.mv_data else { return false }
        let address = UInt(bitPattern: data)
        lowest = min(lowest, address)
        highest = max(highest, address &+ UInt(max(value.mv_size, 1)) &- 1)
        // The node header and key beside the value.
        bytes &+= value.mv_size &+ 16
        return bytes >= releaseEvery
    }

    mutating func release(_ environment: Environment) {
        defer {
            bytes = 0
            lowest = .max
            highest = 0
        }
        guard lowest <= highest, let from = UnsafeRawPointer(bitPattern: lowest),
            let to = UnsafeRawPointer(bitPattern: highest)
        else { return }
        environment.releaseMappedPages(from: from, to: to)
        releasedOnce = true
    }
}
