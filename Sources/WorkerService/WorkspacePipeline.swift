public import Logging
public import ServiceLifecycle
public import SyncWorker
public import SyncDomain
public import SyncStore
import Synchronization

/// One workspace's pipeline under `synclog run` (design "Worker"): the reader (C1 poll, C3 audit,
/// C4 sweep, C5 describe) and the outbox dispatcher (W1-W7), in one loop.
///
/// The loop: read what is due from Salesforce, let the dispatcher catch up (plans follow every
/// appended event, R5 re-plans included) and send every due write, then wait until the next
/// poll, sweep, describe or retry is due, or until new input wakes it (an activity or a
/// real-time change accepted by the HTTP endpoints). Waking is a flag looked at every
/// ``wakeCheckMilliseconds`` (20 ms), so accepted input reaches the planner within tens of
/// milliseconds, and a flood of notifications costs one catch-up, not one per request.
///
/// Graceful shutdown (SIGTERM/SIGINT): the loop finishes the step it is in (a collection call
/// already sent is answered and its outcomes appended; nothing new is sent) and returns.
/// Errors talking to Salesforce (network, auth) are logged without personal data and retried
/// after a back-off; they never stop the worker. With `untilIdle`, the pipeline returns once
/// nothing is due: the outbox is drained (or waits on re-authorisation or quota), and the first
/// audit is done.
public actor WorkspacePipeline: Service {
    public let workspace: String
    let reader: SalesforceReader
    let dispatcher: OutboxDispatcher
    let gate: StoreGate
    let store: SyncStore
    let readiness: Readiness
    let metrics: WorkerMetrics
    let clock: any WorkerClock
    let untilIdle: Bool
    let logger: Logger
    /// The org's API budget as the client last saw it (for `synclog_api_remaining`).
    let budget: @Sendable () -> Int?
    /// The log position through which plan decisions were counted into the metrics.
    var decisionsCountedThrough: UInt64 = 0
    let wakeFlag = Atomic<Bool>(false)
    let stopping = Atomic<Bool>(false)
    let idleFlag = Atomic<Bool>(false)
    /// The last step ended with no write left to send or retry (``nothingDue(_:)``); false after a failed step.
    let drainedFlag = Atomic<Bool>(false)
    let finishedFlag = Atomic<Bool>(false)

    static let wakeCheckMilliseconds: Int64 = 20
    /// Back-off after a failed step, doubling up to the cap.
    static let errorBackoffMilliseconds: (first: Int64, cap: Int64) = (1_000, 60_000)

    public init(workspace: String, reader: SalesforceReader, dispatcher: OutboxDispatcher, gate: StoreGate, store: SyncStore, readiness: Readiness,
                metrics: WorkerMetrics, clock: any WorkerClock = SystemWorkerClock(), untilIdle: Bool = false,
                budget: @escaping @Sendable () -> Int? = { nil }, logger: Logger = Logger(label: "synclog.pipeline")) {
        self.budget = budget
        self.workspace = workspace
        self.reader = reader
        self.dispatcher = dispatcher
        self.gate = gate
        self.store = store
        self.readiness = readiness
        self.metrics = metrics
        self.clock = clock
        self.untilIdle = untilIdle
        var logger = logger
        logger[metadataKey: "workspace"] = "\(workspace)"
        self.logger = logger
    }

    /// New input was appended for this workspace: look at it now.
    public nonisolated func wake() {
        wakeFlag.store(true, ordering: .releasing)
        idleFlag.store(false, ordering: .releasing)
    }

    /// True while the pipeline waits with no new input and no write left to send or retry (writes
    /// waiting on re-authorisation or quota do not count, as for `untilIdle`). A scheduled retry
    /// (W2) or the back-off after a failed step is not idle: the work is not done, only resting.
    public nonisolated var isIdle: Bool {
        idleFlag.load(ordering: .acquiring) && drainedFlag.load(ordering: .acquiring) && !wakeFlag.load(ordering: .acquiring)
    }

    /// Stops after the current step (what a graceful shutdown does).
    public nonisolated func stop() { stopping.store(true, ordering: .releasing) }

    /// True once ``run()`` returned.
    public nonisolated var hasFinished: Bool { finishedFlag.load(ordering: .acquiring) }

    public func run() async throws {
        defer { finishedFlag.store(true, ordering: .releasing) }
        try await withGracefulShutdownHandler {
            try await loop()
        } onGracefulShutdown: { [self] in
            self.stop()
        }
    }

    var isStopping: Bool { stopping.load(ordering: .acquiring) || Task.isCancelled }

    func loop() async throws {
        var backoff = Self.errorBackoffMilliseconds.first
        var ready = false
        decisionsCountedThrough = (try? store.lastPosition()) ?? 0  // the counter counts this run's decisions
        while !isStopping {
            wakeFlag.store(false, ordering: .releasing)
            do {
                if !ready {
                    _ = try await reader.refreshDescribeIfDue()
                    let audit = try await reader.auditIfNeeded()
                    record(audit, source: "audit")
                    ready = true
                    readiness.mark(.firstAuditDone, workspace: workspace)
                    logger.info("pipeline.ready", metadata: ["auditedRecords": "\(audit.recordsRead)"])
                } else {
                    record(try await reader.auditIfNeeded(), source: "audit")
                }
                record(try await reader.pollIfDue(), source: "poll")
                record(try await reader.sweepIfDue(), source: "sweep")
                record(try await reader.refreshDescribeIfDue(), source: "describe")
                let started = ContinuousClock.now
                let report = try await dispatcher.dispatchUntilIdle()
                if report.writeCalls > 0 {
                    metrics.apiCalls(workspace: workspace, count: report.writeCalls)
                    metrics.dispatchLatency((ContinuousClock.now - started) / report.writeCalls)
                }
                backoff = Self.errorBackoffMilliseconds.first
                let state = try await gate.catchUp()
                let ws = state.workspace(workspace)
                observe(ws)
                let drained = Self.nothingDue(ws.outbox)
                drainedFlag.store(drained, ordering: .releasing)
                let nextRetry = ws.outbox.nextRetry
                if untilIdle, drained { return }
                var deadline = try await reader.nextDue()
                if let nextRetry, nextRetry < deadline { deadline = nextRetry }
                if untilIdle, let nextRetry { deadline = nextRetry }
                try await waitForWork(until: deadline)
            } catch is CancellationError {
                return
            } catch {
                if untilIdle { throw error }
                drainedFlag.store(false, ordering: .releasing)
                logger.warning("pipeline.step.failed", metadata: ["error": "\(String(describing: type(of: error)))",
                                                                  "retryInMs": "\(backoff)"])
                try await waitForWork(until: clock.now().adding(milliseconds: backoff), wakeable: false)
                backoff = min(backoff * 2, Self.errorBackoffMilliseconds.cap)
            }
        }
    }

    /// Waits until `deadline`, new input, or shutdown.
    func waitForWork(until deadline: Timestamp, wakeable: Bool = true) async throws {
        idleFlag.store(true, ordering: .releasing)
        defer { idleFlag.store(false, ordering: .releasing) }
        while !isStopping, clock.now() < deadline {
            if wakeable, wakeFlag.load(ordering: .acquiring) { return }
            let left = deadline.millisecondsSinceEpoch - clock.now().millisecondsSinceEpoch
            try await Task.sleep(for: .milliseconds(max(1, min(left, Self.wakeCheckMilliseconds))))
        }
    }

    func record(_ report: ReadReport, source: String) {
        if report.eventsAppended > 0 { metrics.appended(workspace: workspace, source: source, count: report.eventsAppended) }
        if report.apiCalls > 0 { metrics.apiCalls(workspace: workspace, count: report.apiCalls) }
    }

    /// Outbox depth, and the age of the oldest open write measured from its activity's time.
    func observe(_ ws: WorkspaceState) {
        let now = clock.now()
        var depth = 0
        var oldest: Timestamp?
        for e in ws.outbox.openEntries where !e.isFinal {
            depth += 1
            if let at = ws.activityLog.entries[e.activityId]?.occurredAt, oldest == nil || at < oldest! { oldest = at }
        }
        let age = oldest.map { Double(max(0, now.millisecondsSinceEpoch - $0.millisecondsSinceEpoch)) / 1000 } ?? 0
        metrics.observeOutbox(workspace: workspace, depth: depth, oldestAgeSeconds: age)
        // Poll lag: how old the least recent object's poll cursor is.
        if let stalest = ws.cursors.poll.values.map(\.systemModstamp).min() {
            metrics.observePollLag(workspace: workspace, seconds: Double(max(0, now.millisecondsSinceEpoch - stalest.millisecondsSinceEpoch)) / 1000)
        }
        if let remaining = budget() { metrics.observeAPIRemaining(workspace: workspace, remaining: remaining) }
        countDecisions()
    }

    /// Counts the plans appended since the last look by the rule that decided them (the last reason's).
    func countDecisions() {
        var through = decisionsCountedThrough
        var counts: [String: Int] = [:]
        try? store.scan(from: decisionsCountedThrough + 1) { position, envelope in
            through = position
            if envelope.workspace == workspace, case .activityPlanned(let plan) = envelope.event {
                counts[plan.reasons.last?.rule ?? "none", default: 0] += 1
            }
            return true
        }
        decisionsCountedThrough = through
        for (rule, n) in counts { metrics.planDecision(workspace: workspace, rule: rule, count: n) }
    }

    /// Nothing left for `--until-idle`: no write waits to be sent or retried, or writes wait on
    /// something only a person or the next day brings (re-authorisation W3, quota W4).
    static func nothingDue(_ outbox: Outbox) -> Bool {
        if outbox.needsReauthorisation || outbox.paused { return true }
        return !outbox.openEntries.contains { !$0.isFinal }
    }
}
