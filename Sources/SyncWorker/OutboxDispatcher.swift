public import Logging
public import Salesforce
public import SyncDomain
public import SyncStore
import Synchronization

/// How a workspace's dispatcher behaves.
public struct DispatcherConfiguration: Sendable {
    public var workspace: String
    public var retry: RetryPolicy
    /// Records per collection call (at most 200).
    public var batchSize: Int
    /// While writes are paused for the quota (W4), how long until the window is looked at again.
    public var pauseRecheckMilliseconds: Int64
    /// `dispatchUntilIdle` waits (on the clock) for scheduled retries up to this long; beyond, it returns.
    public var maxRetryWaitMilliseconds: Int64
    /// Owner for INACTIVE_OWNER_OR_USER (nil: the authenticated user).
    public var syncUserId: String?
    /// How long writes may wait for a fuller batch (W7 under a stream): when fewer than
    /// ``batchSize`` are due, the dispatcher waits until this long after it first saw them (new
    /// ones keep arriving), then sends what there is. 0 sends at once (the default; tests, CLI).
    public var batchLingerMilliseconds: Int64 = 0
    /// Called at the two moments a crash hurts most (crash-safety tests kill the process there).
    public var crashPoint: (@Sendable (CrashPoint) -> Void)?

    public enum CrashPoint: Sendable {
        /// `WriteDispatching` is committed, the call not yet made.
        case afterDispatchingAppended
        /// Salesforce answered, the outcomes are not yet appended.
        case afterCallBeforeOutcomes
    }

    public init(workspace: String, retry: RetryPolicy = RetryPolicy(), batchSize: Int = 200,
                pauseRecheckMilliseconds: Int64 = 15 * 60_000, maxRetryWaitMilliseconds: Int64 = 60 * 60_000,
                syncUserId: String? = nil) {
        self.workspace = workspace
        self.retry = retry
        self.batchSize = min(200, max(1, batchSize))
        self.pauseRecheckMilliseconds = pauseRecheckMilliseconds
        self.maxRetryWaitMilliseconds = maxRetryWaitMilliseconds
        self.syncUserId = syncUserId
    }
}

/// What `dispatchUntilIdle` did.
public struct DispatchReport: Sendable, Hashable {
    public var rounds = 0
    /// Collection (or single) write calls made.
    public var writeCalls = 0
    public var recordsSent = 0
    public var succeeded = 0
    public var failedTransient = 0
    public var failedPermanent = 0
    /// In-doubt creates settled by a query (found written, or requeued).
    public var reconciled = 0
    /// Writes are paused (W4) at return.
    public var paused = false
    /// The connection needs re-authorisation (W3) at return.
    public var needsReauthorisation = false
    public init() {}
}

/// Serialises `catchUp()` for dispatchers and readers sharing one data directory (one catch-up at a time),
/// and keeps the folded state in memory between catch-ups.
///
/// A catch-up folds only the events appended since the last one, onto the state held here; the
/// state's checkpoint is stored at most every ``checkpointInterval`` (and by ``saveCheckpoint()``),
/// not on every catch-up: encoding the whole state is what a catch-up would otherwise spend its
/// time on, and the worker catches up after every step. A crash loses nothing: a restart restores
/// the last checkpoint and folds the log from there (the decisions' ids are deterministic).
public actor StoreGate {
    public let store: SyncStore
    /// The shortest time between two stored checkpoints while events are folded.
    public let checkpointInterval: Duration
    var cached: SyncState?
    var lastCheckpoint: ContinuousClock.Instant?
    /// How long the last catch-up that stored a checkpoint took (the checkpoint is the whole state).
    var lastCheckpointCost: Duration = .zero
    /// The position the stored checkpoint is at (as far as this gate knows).
    var savedThrough: UInt64?

    public init(store: SyncStore, checkpointInterval: Duration = .seconds(10)) {
        self.store = store
        self.checkpointInterval = checkpointInterval
    }

    /// Folds what was appended since the last call (and plans, through the store's catch-up).
    ///
    /// The state is moved into the fold, not copied: callers should let go of the state they got
    /// from the previous call before calling again, or the fold copies what it changes. A
    /// checkpoint is stored at most every ``checkpointInterval``, and never more often than ten
    /// times its own cost, so storing the whole state stays a small share of a busy worker's time.
    public func catchUp() async throws -> SyncState {
        let now = ContinuousClock.now
        let save = lastCheckpoint.map { now - $0 >= max(checkpointInterval, lastCheckpointCost * 10) } ?? true
        do {
            let (state, report) = try await store.catchUp(resumingFrom: cached.take(), saveCheckpoint: save)
            cached = state
            if save && report.eventsApplied > 0 {
                let finished = ContinuousClock.now
                lastCheckpoint = finished
                lastCheckpointCost = finished - now
                savedThrough = state.appliedThrough
            }
            return state
        } catch {
            cached = nil  // start again from the stored checkpoint
            throw SyncWorkerError(code: .store, message: "catch-up failed", cause: error)
        }
    }

    /// Catches up and stores the checkpoint now, if it is behind (at shutdown).
    public func saveCheckpoint() async throws {
        let state = try await catchUp()
        guard state.appliedThrough != savedThrough else { return }
        do { try await store.saveCheckpoint(of: state) } catch {
            throw SyncWorkerError(code: .store, message: "cannot save the checkpoint", cause: error)
        }
        savedThrough = state.appliedThrough
        lastCheckpoint = ContinuousClock.now
    }

    public func append(_ envelopes: [EventEnvelope]) async throws {
        guard !envelopes.isEmpty else { return }
        do { _ = try await store.append(envelopes) } catch {
            throw SyncWorkerError(code: .store, message: "append of \(envelopes.count) events failed", cause: error)
        }
    }

    public func lastPosition() throws -> UInt64 {
        do { return try store.lastPosition() } catch { throw SyncWorkerError(code: .store, message: "cannot read the log position", cause: error) }
    }
}

/// Workspaces with a running dispatcher in this process (one per workspace and data directory).
let activeDispatchers = Mutex<Set<String>>([])

/// The outbox dispatcher of one workspace (W1-W7): reads due writes from the Outbox projection,
/// batches them, sends them through the ``SalesforceClient`` and appends every record's outcome.
///
/// ```swift
/// let store = try SyncStore(directory: "synclog-data")
/// let client = SalesforceClient(configuration: .init(loginHost: .production, credentials: credentials))
/// let dispatcher = OutboxDispatcher(gate: StoreGate(store: store), client: client, configuration: .init(workspace: "acme"))
/// let report = try await dispatcher.dispatchUntilIdle()
/// ```
///
/// Idempotency: with the sync-key external-id field in the org's Task describe, every write is an
/// upsert by that key, and repeating one is harmless. Without it, `V1.WriteDispatching` is appended
/// (durably) before the create; after a crash the keys dispatched without an outcome are reconciled
/// by a query (owner, subject, who, date) before they are ever sent again.
public actor OutboxDispatcher {
    public let configuration: DispatcherConfiguration
    let gate: StoreGate
    let client: SalesforceClient
    let clock: any WorkerClock
    let random: any RandomSource
    let logger: Logger
    var describeObserved = false
    var workspace: String { configuration.workspace }

    public init(gate: StoreGate, client: SalesforceClient, configuration: DispatcherConfiguration,
                clock: any WorkerClock = SystemWorkerClock(), random: any RandomSource = SystemRandomSource(),
                logger: Logger = Logger(label: "synclog.dispatcher")) {
        self.gate = gate
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.random = random
        self.logger = logger
    }

    /// Runs until nothing is due: sends every due write, waits (on the clock) for scheduled retries up to
    /// `maxRetryWaitMilliseconds`, and returns when the outbox is drained, writes are paused (W4), or the
    /// connection needs re-authorisation (W3).
    public func dispatchUntilIdle() async throws -> DispatchReport {
        let key = "\(gate.store.directory)|\(workspace)"
        let claimed = activeDispatchers.withLock { $0.insert(key).inserted }
        guard claimed else {
            throw SyncWorkerError(code: .configuration, message: "a dispatcher already runs for workspace \(workspace)")
        }
        defer { _ = activeDispatchers.withLock { $0.remove(key) } }
        var report = DispatchReport()
        // When this call first saw the writes now due as less than a full batch (the linger, W7).
        var partialBatchSince: Timestamp?
        while true {
            try Task.checkCancellation()
            report.rounds += 1
            var state = try await gate.catchUp()
            if !describeObserved {
                if try await observeDescribe(in: state.workspace(workspace)) { state = try await gate.catchUp() }
                describeObserved = true
            }
            let ws = state.workspace(workspace)
            let now = clock.now()
            if ws.outbox.needsReauthorisation {
                report.needsReauthorisation = true
                return report
            }
            if ws.outbox.paused {
                if let until = ws.outbox.pausedUntil, until <= now {
                    try await probeQuota(now: now)
                    continue
                }
                report.paused = true
                return report
            }
            let field = externalIdField(ws)
            let inDoubt = Audit.inDoubtWrites(workspace: workspace, in: state)
            if !inDoubt.isEmpty && field == nil {
                try await reconcile(inDoubt, ws: ws, report: &report)
                continue
            }
            var due = Audit.dueWrites(at: now, workspace: workspace, in: state)
            if field != nil { due = inDoubt + due }  // upserts by key may simply be repeated
            if due.isEmpty {
                if let next = ws.outbox.nextRetry, next.millisecondsSinceEpoch - now.millisecondsSinceEpoch <= configuration.maxRetryWaitMilliseconds {
                    try await clock.sleep(until: next)
                    continue
                }
                return report
            }
            if configuration.batchLingerMilliseconds > 0, due.count < configuration.batchSize {
                let since = partialBatchSince ?? now
                partialBatchSince = since
                let sendAt = since.adding(milliseconds: configuration.batchLingerMilliseconds)
                if now < sendAt {
                    try await clock.sleep(until: min(sendAt, now.adding(milliseconds: 20)))
                    continue  // more may have been planned meanwhile
                }
            }
            partialBatchSince = nil
            let stop = try await send(due, ws: ws, field: field, report: &report)
            if stop { continue }  // the next round sees the pause / re-authorisation and returns
        }
    }

    func syncKeyField(_ ws: WorkspaceState) -> String { ws.settings.current?.syncKeyField ?? "Synclog_Key__c" }

    /// The sync-key external-id field when the org's describe has it (W1).
    func externalIdField(_ ws: WorkspaceState) -> String? {
        let f = syncKeyField(ws)
        return ws.org.taskExternalIdFields.contains(f.lowercased()) ? f : nil
    }

    func envelope(_ id: String, _ event: DomainEvent) -> EventEnvelope {
        EventEnvelope(id: EventID(id), workspace: workspace, recordedAt: clock.now(), event: event)
    }

    // MARK: describe

    /// Reads the Task describe and appends `DescribeObserved` when it differs from what the log knows.
    /// Returns whether it appended.
    @discardableResult
    func observeDescribe(in ws: WorkspaceState, object: String = "Task", extraHidden: [String] = []) async throws -> Bool {
        let described: ObjectDescription
        do { described = try await client.describe(object) } catch {
            if Task.isCancelled { throw CancellationError() }
            logger.warning("dispatcher.describe.failed", metadata: ["error": "\(error.code)"])
            return false
        }
        guard let observed = DescribeObservation.observation(of: described, object: object, in: ws, extraHidden: extraHidden) else {
            return false
        }
        let position = try await gate.lastPosition()
        try await gate.append([envelope("describe/\(workspace)/\(object)/\(position)",
                                        .describeObserved(observed))])
        return true
    }

    // MARK: quota

    func pause(reason: String, now: Timestamp) async throws {
        let position = try await gate.lastPosition()
        let until = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + configuration.pauseRecheckMilliseconds)
        try await gate.append([envelope("pause/\(workspace)/\(position)", .writesPaused(WritesPaused(reason: reason, until: until)))])
        logger.notice("dispatcher.paused", metadata: ["workspace": "\(workspace)", "reason": "\(reason)"])
    }

    /// W4: the pause is over: one `GET /limits` says whether the window freed.
    func probeQuota(now: Timestamp) async throws {
        do {
            let limits = try await client.limits()
            if client.budget.allows(calls: 1) {
                let position = try await gate.lastPosition()
                try await gate.append([envelope("resume/\(workspace)/\(position)", .writesResumed(WritesResumed(
                    reason: "W4 API budget available again (\(limits.dailyApiMax - limits.dailyApiRemaining)/\(limits.dailyApiMax) used)")))])
                return
            }
            try await pause(reason: "W4 API reserve still reached (\(limits.dailyApiMax - limits.dailyApiRemaining)/\(limits.dailyApiMax) used)", now: now)
        } catch let error as SalesforceError {
            if Task.isCancelled { throw CancellationError() }
            if error.code == .authentication { try await needsReauthorisation(error); return }
            try await pause(reason: "W4 quota check failed (\(error.failure?.errorCode ?? error.code.description))", now: now)
        }
    }

    func needsReauthorisation(_ error: SalesforceError) async throws {
        let position = try await gate.lastPosition()
        let code = error.failure?.errorCode ?? "INVALID_SESSION_ID"
        let message = error.failure?.message ?? error.message
        try await gate.append([envelope("reauth/\(workspace)/\(position)",
                                        .connectionNeedsReauthorisation(ConnectionNeedsReauthorisation(errorCode: code, message: message)))])
    }
}

/// Several workspaces in parallel, one dispatcher each (their catch-ups share the store's gate).
public func dispatchUntilIdle(_ dispatchers: [OutboxDispatcher]) async throws -> [String: DispatchReport] {
    try await withThrowingTaskGroup(of: (String, DispatchReport).self) { group in
        for d in dispatchers {
            group.addTask { (d.configuration.workspace, try await d.dispatchUntilIdle()) }
        }
        var reports: [String: DispatchReport] = [:]
        for try await (ws, r) in group { reports[ws] = r }
        return reports
    }
}
