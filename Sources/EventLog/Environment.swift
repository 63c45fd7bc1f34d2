import CLMDB
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The LMDB environment of one log: the handle, its sub-databases, and the lock that keeps
/// the map from being resized under a reader.
///
/// Thread safety: `env` and `isOpen` change only in `close()`, under the exclusive map lock;
/// everything that touches the map runs under the shared lock and checks `isOpen` first.
/// `mdb_dbi_open` calls are serialised by `tableLock` (LMDB requires it).
final class Environment: @unchecked Sendable {
    let directory: String
    private let canonicalDirectory: String
    private var env: OpaquePointer?
    private var isOpen: Bool
    private let mapLock = ReadWriteLock()

    let events: MDB_dbi
    let eventIDs: MDB_dbi
    let checkpoints: MDB_dbi
    let maximumKeySize: Int
    /// See ``EventLog/Configuration/scanReleaseBytes``.
    let scanReleaseBytes: Int

    private let releaseLock = NSLock()
    private var releases = 0

    private let tableLock = NSLock()
    private var sideTables: [String: MDB_dbi] = [:]

    /// Directories open in this process: LMDB forbids opening one environment twice.
    private static let openDirectories = OpenDirectories()

    init(directory: String, configuration: EventLog.Configuration) throws {
        self.directory = directory
        try Self.createDirectory(directory)
        guard let resolved = realpath(directory, nil) else {
            throw EventLogError(
                .cannotOpen,
                "cannot open the event log at \(directory): \(String(cString: strerror(errno)))",
                returnCode: errno)
        }
        canonicalDirectory = String(cString: resolved)
        free(resolved)
        guard Self.openDirectories.insert(canonicalDirectory) else {
            throw EventLogError(
                .alreadyOpen,
                "the event log at \(directory) is already open in this process; share that EventLog instead")
        }
        var handle: OpaquePointer?
        var events: MDB_dbi = 0
        var eventIDs: MDB_dbi = 0
        var checkpoints: MDB_dbi = 0
        do {
            func check(_ rc: Int32, _ what: String) throws {
                guard rc == 0 else {
                    throw EventLogError(
                        .cannotOpen,
                        "cannot open the event log at \(directory): \(what) failed: \(EventLogError.describe(returnCode: rc))",
                        returnCode: rc)
                }
            }
            try check(mdb_env_create(&handle), "mdb_env_create")
            try check(mdb_env_set_maxdbs(handle, MDB_dbi(3 + configuration.maxSideTables)), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(handle, UInt32(configuration.maxReaders)), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(handle, configuration.initialMapSize), "mdb_env_set_mapsize")
            var flags = UInt32(MDB_NOTLS)
            if !configuration.durable { flags |= UInt32(MDB_NOSYNC) }
            try check(mdb_env_open(handle, directory, flags, 0o644), "mdb_env_open")
            var dead: Int32 = 0
            try check(mdb_reader_check(handle, &dead), "mdb_reader_check")

            var txn: OpaquePointer?
            try check(mdb_txn_begin(handle, nil, 0, &txn), "beginning the first transaction")
            do {
                try check(mdb_dbi_open(txn, RecordLayout.eventsDatabase, UInt32(MDB_CREATE), &events), "opening events")
                try check(mdb_dbi_open(txn, RecordLayout.eventIDsDatabase, UInt32(MDB_CREATE), &eventIDs), "opening event-ids")
                try check(mdb_dbi_open(txn, RecordLayout.checkpointsDatabase, UInt32(MDB_CREATE), &checkpoints), "opening checkpoints")
            } catch {
                mdb_txn_abort(txn)
                throw error
            }
            try check(mdb_txn_commit(txn), "committing the first transaction")
        } catch {
            if let handle { mdb_env_close(handle) }
            Self.openDirectories.remove(canonicalDirectory)
            throw error
        }
        self.env = handle
        self.isOpen = true
        self.events = events
        self.eventIDs = eventIDs
        self.checkpoints = checkpoints
        self.maximumKeySize = Int(mdb_env_get_maxkeysize(handle))
        self.scanReleaseBytes = max(0, configuration.scanReleaseBytes)
    }

    deinit {
        close()
    }

    /// Closes the environment once no reader holds the map. Idempotent.
    func close() {
        mapLock.withWriteLock {
            guard isOpen, let env else { return }
            isOpen = false
            mdb_env_close(env)
            self.env = nil
            Self.openDirectories.remove(canonicalDirectory)
        }
    }

    // MARK: Transactions

    /// Runs `body` in a read-only transaction, aborted when `body` returns.
    ///
    /// - Warning: pointers into the map that `body` sees are valid only inside `body`.
    func withReadTransaction<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        while true {
            let result: R? = try mapLock.withReadLock {
                guard isOpen, let env else { throw EventLogError.closed(directory) }
                var txn: OpaquePointer?
                let rc = mdb_txn_begin(env, nil, UInt32(MDB_RDONLY), &txn)
                if rc == MDB_MAP_RESIZED { return nil }
                guard rc == 0, let txn else { throw EventLogError.storage(rc, "begin a read transaction", directory: directory) }
                defer { mdb_txn_abort(txn) }
                return try body(txn)
            }
            if let result { return result }
            try adoptMapSizeOfOtherProcess()
        }
    }

    /// After `MDB_MAP_RESIZED` (another process grew the map): take the new size, with no
    /// transaction of this process open, as LMDB requires.
    func adoptMapSizeOfOtherProcess() throws {
        try mapLock.withWriteLock {
            guard isOpen, let env else { throw EventLogError.closed(directory) }
            let rc = mdb_env_set_mapsize(env, 0)
            guard rc == 0 else { throw EventLogError.storage(rc, "adopt the map size set by another process", directory: directory) }
        }
    }

    /// Runs `body` with the environment handle while the map cannot be resized or closed.
    /// Used by the writer thread for its transactions, and by backup and statistics.
    func withMap<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try mapLock.withReadLock {
            guard isOpen, let env else { throw EventLogError.closed(directory) }
            return try body(env)
        }
    }

    /// Releases the map's pages from `lowest` to `highest` (both inside the map, as every
    /// pointer a read transaction lends is) from this process's resident set
    /// (`MADV_DONTNEED`). Call only inside a transaction, under the shared map lock, so the
    /// map is neither resized nor unmapped meanwhile.
    ///
    /// Safe with concurrent readers and the writer: the map is one read-only shared mapping
    /// of the file (no `MDB_WRITEMAP`), so dropping its page-table entries loses nothing; the
    /// pages stay in the page cache and a later access maps the same bytes back. Only the
    /// cost of those page faults is paid again. A no-op where `madvise` is not Linux's.
    func releaseMappedPages(from lowest: UnsafeRawPointer, to highest: UnsafeRawPointer) {
        #if os(Linux)
            let pageSize = Self.systemPageSize
            let start = UInt(bitPattern: lowest) & ~UInt(pageSize - 1)
            let end = (UInt(bitPattern: highest) + UInt(pageSize)) & ~UInt(pageSize - 1)
            guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
            guard madvise(address, Int(end - start), MADV_DONTNEED) == 0 else { return }
            releaseLock.lock()
            releases += 1
            releaseLock.unlock()
        #endif
    }

    private static let systemPageSize = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// Times ``releaseMappedPages(from:to:)`` released pages since open.
    var scanReleaseCount: Int {
        releaseLock.lock()
        defer { releaseLock.unlock() }
        return releases
    }

    /// The current map size in bytes.
    func mapSize() throws -> Int {
        try withMap { env in
            var info = MDB_envinfo()
            mdb_env_info(env, &info)
            return info.me_mapsize
        }
    }

    /// Grows the map to `newSize` bytes. Call with no transaction of this process open on the
    /// calling thread; waits for readers to finish.
    func setMapSize(_ newSize: Int) throws {
        try mapLock.withWriteLock {
            guard isOpen, let env else { throw EventLogError.closed(directory) }
            let rc = mdb_env_set_mapsize(env, newSize)
            guard rc == 0 else { throw EventLogError.storage(rc, "grow the map to \(newSize) bytes", directory: directory) }
        }
    }

    // MARK: Side tables

    /// The handle of side table `table` if this process has already opened it.
    func cachedSideTable(_ table: String) -> MDB_dbi? {
        tableLock.lock()
        defer { tableLock.unlock() }
        return sideTables[table]
    }

    /// The handle of side table `table` if it exists (opening it if needed); nil if it was never written.
    /// With `create`, creates it in its own committed write transaction; only the writer thread may pass `create`.
    func sideTable(_ table: String, create: Bool) throws -> MDB_dbi? {
        tableLock.lock()
        defer { tableLock.unlock() }
        if let dbi = sideTables[table] { return dbi }
        let name = RecordLayout.sideTablePrefix + table
        let dbi: MDB_dbi? = try withMap { env in
            var txn: OpaquePointer?
            var rc = mdb_txn_begin(env, nil, create ? 0 : UInt32(MDB_RDONLY), &txn)
            guard rc == 0 else { throw EventLogError.storage(rc, "begin a transaction to open side table '\(table)'", directory: directory) }
            var dbi: MDB_dbi = 0
            rc = mdb_dbi_open(txn, name, create ? UInt32(MDB_CREATE) : 0, &dbi)
            if rc == MDB_NOTFOUND && !create {
                mdb_txn_abort(txn)
                return nil
            }
            guard rc == 0 else {
                mdb_txn_abort(txn)
                if rc == MDB_DBS_FULL {
                    throw EventLogError(
                        .storage,
                        "could not create side table '\(table)' in the event log at \(directory): all \(sideTables.count) side tables allowed by Configuration.maxSideTables are in use",
                        returnCode: rc)
                }
                throw EventLogError.storage(rc, "open side table '\(table)'", directory: directory)
            }
            rc = mdb_txn_commit(txn)
            guard rc == 0 else { throw EventLogError.storage(rc, "commit the opening of side table '\(table)'", directory: directory) }
            return dbi
        }
        if let dbi { sideTables[table] = dbi }
        return dbi
    }

    // MARK: Directory

    /// Creates `path` and its parents; fails clearly when something in the way is not a directory.
    private static func createDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw EventLogError(
                    .cannotOpen, "cannot open the event log at \(path): the path exists and is not a directory",
                    returnCode: ENOTDIR)
            }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw EventLogError(
                .cannotOpen, "cannot create the event log directory \(path): \(error.localizedDescription)")
        }
    }
}

/// A set of canonical directory paths, safe to share between threads.
private final class OpenDirectories: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: Set<String> = []

    func insert(_ path: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return paths.insert(path).inserted
    }

    func remove(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.remove(path)
    }
}
