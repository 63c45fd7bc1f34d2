import CLMDB
import Foundation

/// The single writer: one dedicated OS thread that owns every write transaction of a log.
///
/// Appenders enqueue requests and suspend. The thread takes everything queued (up to
/// ``maximumEventsPerTransaction``), applies it in one write transaction, commits, and only
/// then resumes each caller with its own result: group commit. While one commit syncs, the
/// next group gathers, so throughput rises with load.
///
/// The hot path allocates nothing per request beyond the caller's own event: a single
/// append has its own request kind (no one-element arrays), continuations are unchecked
/// (each is resumed exactly once, by ``write(_:)`` or ``Request/fail(_:)``), and the queue is
/// swapped with the writer's empty group rather than copied.
///
/// LMDB ties a write transaction to the OS thread that began it, which is why this is a
/// `Thread` and not a task: a transaction never crosses an `await`.
///
/// Failure policy: a failed commit (or sync) stops the writer for good. Every queued and
/// every later request fails with ``EventLogError/Code/writerStopped``; nothing is retried
/// silently. `MDB_MAP_FULL` is not a failure: the transaction is aborted, the map doubled,
/// and the same group redone.
final class Writer: @unchecked Sendable {
    enum Request: Sendable {
        case appendOne(NewEvent, UnsafeContinuation<AppendResult, any Error>)
        case append([NewEvent], UnsafeContinuation<[AppendResult], any Error>)
        case checkpoint(name: String, position: UInt64, snapshot: [UInt8], UnsafeContinuation<Void, any Error>)
        case sideRecord(table: String, bytes: [UInt8], UnsafeContinuation<UInt64, any Error>)

        var eventCount: Int {
            if case .append(let events, _) = self { return events.count }
            return 1
        }

        /// The bytes this request stores (payloads, ids, snapshots), before LMDB's overhead.
        var storedBytes: Int {
            switch self {
            case .appendOne(let event, _): return event.payload.count + event.id.utf8.count
            case .append(let events, _): return events.reduce(0) { $0 + $1.payload.count + $1.id.utf8.count }
            case .checkpoint(let name, _, let snapshot, _): return name.utf8.count + 8 + snapshot.count
            case .sideRecord(_, let bytes, _): return bytes.count
            }
        }

        func fail(_ error: EventLogError) {
            switch self {
            case .appendOne(_, let continuation): continuation.resume(throwing: error)
            case .append(_, let continuation): continuation.resume(throwing: error)
            case .checkpoint(_, _, _, let continuation): continuation.resume(throwing: error)
            case .sideRecord(_, _, let continuation): continuation.resume(throwing: error)
            }
        }
    }

    private enum Outcome {
        case appendedOne(AppendResult)
        case appended([AppendResult])
        case saved
        case sideRecord(UInt64)
    }

    private enum TransactionResult {
        case committed([Outcome], appended: Int)
        case mapFull
        /// Another process grew the map: adopt its size and redo.
        case mapResized
        /// A put or a cursor failed: the transaction was aborted, nothing was written.
        case operationFailed(EventLogError)
        /// Beginning or committing failed: fatal for the writer.
        case commitFailed(EventLogError)
    }

    private enum State {
        case running
        case stopping
        case failed(EventLogError)
    }

    /// A group is cut after this many events so one transaction's dirty pages stay bounded.
    static let maximumEventsPerTransaction = 20_000

    private let environment: Environment
    private var directory: String { environment.directory }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [Request] = []
    private var state = State.running
    private var finished = false
    private var commitCount = 0
    private var appendedCount = 0
    private var mapGrowthCount = 0
    private var injectedCommitFailure: Int32?
    /// `submit` wakes the writer once this many requests are pending (see `run`).
    private var wakeAt = 1
    // Writer thread only: how the last group went, for the group-commit window.
    private var lastGroupSize = 0
    private var lastCommitNanoseconds: UInt64 = 0
    private var preallocation: DataFilePreallocation

    /// The longest the writer waits for more appenders before a commit.
    static let maximumGroupWindowNanoseconds: UInt64 = 2_000_000

    init(environment: Environment, preallocatesDataFile: Bool) {
        self.environment = environment
        self.preallocation = DataFilePreallocation(enabled: preallocatesDataFile)
        let thread = Thread { [self] in run() }
        thread.name = "EventLog.writer"
        thread.start()
    }

    /// Queues `request`, or fails it at once if the writer is stopping or stopped.
    func submit(_ request: Request) {
        condition.lock()
        switch state {
        case .running:
            pending.append(request)
            if pending.count >= wakeAt { condition.signal() }
            condition.unlock()
        case .stopping:
            condition.unlock()
            request.fail(.closed(directory))
        case .failed(let error):
            condition.unlock()
            request.fail(error)
        }
    }

    /// Lets the writer finish what is queued, then waits for its thread to end. Idempotent.
    func stop() {
        condition.lock()
        if case .running = state { state = .stopping }
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// (commits, events appended, map growths) since open.
    func counters() -> (commits: Int, appended: Int, mapGrowths: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (commitCount, appendedCount, mapGrowthCount)
    }

    /// Makes the next commit fail with `returnCode` as if `mdb_txn_commit` had (for tests of the fatal path).
    func failNextCommit(returnCode: Int32) {
        condition.lock()
        injectedCommitFailure = returnCode
        condition.unlock()
    }

    // MARK: The writer thread

    private func run() {
        var group: [Request] = []
        while true {
            condition.lock()
            // After a group of several, sleep until the whole next group is queued (or the
            // window ends): one wake-up per commit instead of one at the first append and
            // another when the rest are in.
            let waited = waitForGroup()
            while pending.isEmpty, case .running = state { condition.wait() }
            if pending.isEmpty || isFailed {
                preallocation.release()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            if !waited { waitForGroup() }
            var events = 0
            var taken = 0
            for request in pending {
                if taken > 0 && events + request.eventCount > Self.maximumEventsPerTransaction { break }
                events += request.eventCount
                taken += 1
            }
            if taken == pending.count {
                // The usual case: take the whole queue, leave the (empty) group's buffer in its place.
                swap(&group, &pending)
            } else {
                group.append(contentsOf: pending[..<taken])
                pending.removeFirst(taken)
            }
            condition.unlock()

            let started = DispatchTime.now().uptimeNanoseconds
            write(group)
            lastCommitNanoseconds = DispatchTime.now().uptimeNanoseconds - started
            lastGroupSize = group.count
            group.removeAll(keepingCapacity: true)
        }
    }

    /// The group-commit window. The callers just resumed are likely to append again at once;
    /// when fewer requests are pending than the last group had, wait for them a little (at
    /// most half the last commit's duration, and ``maximumGroupWindowNanoseconds``), so one
    /// commit serves them all. A lone sequential appender never waits: its group size is 1.
    /// Called and returns with `condition` locked.
    ///
    /// Why wait at all: with N appenders that each await their acknowledgement, at most N
    /// events are in flight, so durable events/s can be no more than N divided by one durable
    /// commit (two flushes: LMDB syncs the data, then writes the meta page synchronously).
    /// Taking only what is queued when the writer wakes splits the appenders into two groups
    /// that take turns, each waiting a whole commit for the other; measured with 64 appenders
    /// on a 4 ms-flush disk: 49 events a commit and 1.45x slower than with this window, which
    /// gets all 64 into each commit. Without sync, commits are short and so is the window.
    @discardableResult
    private func waitForGroup() -> Bool {
        guard pending.count < lastGroupSize, case .running = state else { return false }
        let window = min(lastCommitNanoseconds / 2, Self.maximumGroupWindowNanoseconds)
        guard window >= 10_000 else { return false }
        let deadline = Date(timeIntervalSinceNow: Double(window) / 1e9)
        wakeAt = lastGroupSize
        defer { wakeAt = 1 }
        while pending.count < lastGroupSize, case .running = state {
            if !condition.wait(until: deadline) { return true }
        }
        return true
    }

    private var isFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Writes `group` in one transaction and answers every request in it.
    private func write(_ group: [Request]) {
        var group = group
        // Side tables are created in their own small transaction, before the group's.
        if group.contains(where: { if case .sideRecord = $0 { return true } else { return false } }) {
            group.removeAll { request in
                guard case .sideRecord(let table, _, _) = request else { return false }
                do {
                    _ = try environment.sideTable(table, create: true)
                    return false
                } catch {
                    request.fail(error as? EventLogError ?? .init(.storage, "\(error)"))
                    return true
                }
            }
        }
        guard !group.isEmpty else { return }

        while true {
            switch transact(group) {
            case .committed(let outcomes, let appended):
                condition.lock()
                commitCount += 1
                appendedCount += appended
                condition.unlock()
                for (request, outcome) in zip(group, outcomes) {
                    switch (request, outcome) {
                    case (.appendOne(_, let continuation), .appendedOne(let result)): continuation.resume(returning: result)
                    case (.append(_, let continuation), .appended(let results)): continuation.resume(returning: results)
                    case (.checkpoint(_, _, _, let continuation), .saved): continuation.resume()
                    case (.sideRecord(_, _, let continuation), .sideRecord(let key)): continuation.resume(returning: key)
                    default: preconditionFailure("outcome does not match request")
                    }
                }
                return
            case .mapFull:
                do {
                    try growMap()
                } catch {
                    let error = error as? EventLogError ?? .init(.storage, "\(error)")
                    for request in group { request.fail(error) }
                    return
                }
            case .mapResized:
                do {
                    try environment.adoptMapSizeOfOtherProcess()
                } catch {
                    let error = error as? EventLogError ?? .init(.storage, "\(error)")
                    for request in group { request.fail(error) }
                    return
                }
            case .operationFailed(let error):
                if group.count == 1 {
                    group[0].fail(error)
                } else {
                    // Let each request succeed or fail on its own.
                    for request in group { write([request]) }
                }
                return
            case .commitFailed(let error):
                stopAfterFailure(error, failing: group)
                return
            }
        }
    }

    private func growMap() throws {
        let current = try environment.mapSize()
        try environment.setMapSize(current * 2)
        condition.lock()
        mapGrowthCount += 1
        condition.unlock()
    }

    private func stopAfterFailure(_ cause: EventLogError, failing group: [Request]) {
        let error = EventLogError(
            .writerStopped,
            "the event log at \(directory) stopped accepting appends because a commit failed (\(cause.message)); reopen it to continue",
            returnCode: cause.returnCode)
        condition.lock()
        state = .failed(error)
        let queued = pending
        pending.removeAll()
        condition.unlock()
        for request in group { request.fail(error) }
        for request in queued { request.fail(error) }
    }

    /// One write transaction over `group`, begun and committed on this thread.
    private func transact(_ group: [Request]) -> TransactionResult {
        let directory = self.directory
        let environment = self.environment
        do {
            return try environment.withMap { env -> TransactionResult in
                var txn: OpaquePointer?
                var rc = mdb_txn_begin(env, nil, 0, &txn)
                if rc == MDB_MAP_RESIZED { return .mapResized }
                guard rc == 0, let txn else {
                    return .commitFailed(.storage(rc, "begin a write transaction", directory: directory))
                }
                preallocation.extendIfNeeded(env: env, transactionBytes: group.reduce(0) { $0 + $1.storedBytes })
                var outcomes: [Outcome] = []
                outcomes.reserveCapacity(group.count)
                var appended = 0
                do {
                    var cursor: OpaquePointer?
                    rc = mdb_cursor_open(txn, environment.events, &cursor)
                    guard rc == 0 else { throw LMDBFailure(rc, "open a cursor on events") }
                    defer { mdb_cursor_close(cursor) }
                    var index = try EventIDIndexWriter(txn: txn, dbi: environment.eventIDs)
                    defer { index.close() }
                    var key = MDB_val()
                    var value = MDB_val()
                    rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST)
                    var next: UInt64
                    if rc == MDB_NOTFOUND {
                        next = 1
                    } else if rc == 0, let last = RecordLayout.loadBigEndian(key) {
                        next = last + 1
                    } else {
                        throw LMDBFailure(rc == 0 ? MDB_CORRUPTED : rc, "read the last position")
                    }
                    /// Puts one event at the next position (a duplicate id takes none).
                    func putNext(_ event: NewEvent) throws -> AppendResult {
                        let result = try put(event, at: next, index: &index, cursor: cursor!)
                        if case .appended = result {
                            next += 1
                            appended += 1
                        }
                        return result
                    }
                    for request in group {
                        switch request {
                        case .appendOne(let event, _):
                            outcomes.append(.appendedOne(try putNext(event)))
                        case .append(let events, _):
                            var results: [AppendResult] = []
                            results.reserveCapacity(events.count)
                            for event in events { results.append(try putNext(event)) }
                            outcomes.append(.appended(results))
                        case .checkpoint(let name, let position, let snapshot, _):
                            try putCheckpoint(name: name, position: position, snapshot: snapshot, txn: txn)
                            outcomes.append(.saved)
                        case .sideRecord(let table, let bytes, _):
                            outcomes.append(.sideRecord(try putSideRecord(table: table, bytes: bytes, txn: txn)))
                        }
                    }
                } catch let failure as LMDBFailure {
                    mdb_txn_abort(txn)
                    if failure.returnCode == MDB_MAP_FULL { return .mapFull }
                    return .operationFailed(.storage(failure.returnCode, failure.what, directory: directory))
                } catch {
                    mdb_txn_abort(txn)
                    return .operationFailed(error as? EventLogError ?? .init(.storage, "\(error)"))
                }
                if let injected = takeInjectedCommitFailure() {
                    mdb_txn_abort(txn)
                    return .commitFailed(.storage(injected, "commit", directory: directory))
                }
                rc = mdb_txn_commit(txn)
                if rc == MDB_MAP_FULL { return .mapFull }
                guard rc == 0 else { return .commitFailed(.storage(rc, "commit", directory: directory)) }
                return .committed(outcomes, appended: appended)
            }
        } catch {
            // The environment was closed under us; only `close()` does that, after `stop()`.
            return .commitFailed(error as? EventLogError ?? .init(.storage, "\(error)"))
        }
    }

    private func takeInjectedCommitFailure() -> Int32? {
        condition.lock()
        defer { condition.unlock() }
        let injected = injectedCommitFailure
        injectedCommitFailure = nil
        return injected
    }

    /// Stores `event` at `position` unless its id is already indexed.
    @inline(__always)
    private func put(
        _ event: NewEvent, at position: UInt64, index: inout EventIDIndexWriter, cursor: OpaquePointer
    ) throws -> AppendResult {
        var id = event.id
        return try id.withUTF8 { idBytes -> AppendResult in
            var positionBytes = position.bigEndian
            return try withUnsafeMutableBytes(of: &positionBytes) { positionBuffer -> AppendResult in
                if let existing = try index.insert(id: UnsafeRawBufferPointer(idBytes), position: positionBuffer.baseAddress!) {
                    return .duplicate(existingPosition: existing)
                }
                var eventKey = MDB_val(mv_size: 8, mv_data: positionBuffer.baseAddress)
                let payloadCount = event.payload.count
                var eventValue = MDB_val(mv_size: RecordLayout.idLengthSize + idBytes.count + payloadCount, mv_data: nil)
                let rc = mdb_cursor_put(cursor, &eventKey, &eventValue, UInt32(MDB_APPEND | MDB_RESERVE))
                guard rc == 0, let destination = eventValue.mv_data else { throw LMDBFailure(rc, "append an event") }
                destination.storeBytes(of: UInt16(idBytes.count).bigEndian, as: UInt16.self)
                let idDestination = destination + RecordLayout.idLengthSize
                if let base = idBytes.baseAddress { idDestination.copyMemory(from: base, byteCount: idBytes.count) }
                if payloadCount > 0 {
                    event.payload.withUnsafeBytes { payload in
                        (idDestination + idBytes.count).copyMemory(from: payload.baseAddress!, byteCount: payloadCount)
                    }
                }
                return .appended(position: position)
            }
        }
    }

    private func putCheckpoint(name: String, position: UInt64, snapshot: [UInt8], txn: OpaquePointer) throws {
        var name = name
        try name.withUTF8 { nameBytes in
            var key = MDB_val(mv_size: nameBytes.count, mv_data: UnsafeMutableRawPointer(mutating: nameBytes.baseAddress))
            var value = MDB_val(mv_size: 8 + snapshot.count, mv_data: nil)
            let rc = mdb_put(txn, environment.checkpoints, &key, &value, UInt32(MDB_RESERVE))
            guard rc == 0, let destination = value.mv_data else { throw LMDBFailure(rc, "save a checkpoint") }
            RecordLayout.storeBigEndian(position, at: destination)
            if !snapshot.isEmpty {
                snapshot.withUnsafeBytes { (destination + 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        }
    }

    private func putSideRecord(table: String, bytes: [UInt8], txn: OpaquePointer) throws -> UInt64 {
        guard let dbi = environment.cachedSideTable(table) else {
            throw LMDBFailure(MDB_NOTFOUND, "find side table '\(table)'")
        }
        var cursor: OpaquePointer?
        var rc = mdb_cursor_open(txn, dbi, &cursor)
        guard rc == 0 else { throw LMDBFailure(rc, "open a cursor on side table '\(table)'") }
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val()
        var value = MDB_val()
        rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST)
        let next: UInt64
        if rc == MDB_NOTFOUND {
            next = 1
        } else if rc == 0, let last = RecordLayout.loadBigEndian(key) {
            next = last + 1
        } else {
            throw LMDBFailure(rc == 0 ? MDB_CORRUPTED : rc, "read the last record of side table '\(table)'")
        }
        var keyBytes = next.bigEndian
        try withUnsafeMutableBytes(of: &keyBytes) { keyBuffer in
            var key = MDB_val(mv_size: 8, mv_data: keyBuffer.baseAddress)
            var value = MDB_val(mv_size: bytes.count, mv_data: nil)
            let rc = mdb_cursor_put(cursor, &key, &value, UInt32(MDB_APPEND | MDB_RESERVE))
            guard rc == 0 else { throw LMDBFailure(rc, "append to side table '\(table)'") }
            if !bytes.isEmpty, let destination = value.mv_data {
                bytes.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        }
        return next
    }
}

/// An LMDB return code inside the writer, turned into an ``EventLogError`` at the edge.
struct LMDBFailure: Error {
    let returnCode: Int32
    let what: String
    init(_ returnCode: Int32, _ what: String) {
        self.returnCode = returnCode
        self.what = what
    }
}
