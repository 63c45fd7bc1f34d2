public import SyncDomain

/// The store loop the worker runs, in memory: append (dedup by event id, D1),
/// fold into ``SyncState``, ask the ``Decider`` what to append next, repeat.
/// Optionally simulates the dispatcher's outcomes (seeded), so a generated log
/// has the shape of a real one. For tests, benchmarks and the demo.
public struct SyncLoop: Sendable {
    public private(set) var state = SyncState.initial
    /// Every event appended, by position (1-based: `events[p - 1]`), when `keepEvents`.
    public private(set) var events: [EventEnvelope] = []
    public private(set) var lastPosition: UInt64 = 0
    public private(set) var duplicates = 0
    public let keepEvents: Bool
    private var ids: Set<EventID> = []
    /// Activities by position, for re-plans (R5, W6).
    private var activities: [UInt64: Activity] = [:]
    /// Called with every appended event (e.g. to write it to a file).
    public var onAppend: (@Sendable (UInt64, EventEnvelope) -> Void)?

    public init(keepEvents: Bool = true, auditPlansInMemory: Bool = true) {
        self.keepEvents = keepEvents
        self.state = SyncState(auditPlansInMemory: auditPlansInMemory)
    }

    /// Appends an input event and every decision that follows from it. Returns false
    /// for a duplicate delivery (same id: stored once, D1).
    @discardableResult
    public mutating func append(_ envelope: EventEnvelope) -> Bool {
        guard ids.insert(envelope.id).inserted else {
            duplicates += 1
            return false
        }
        lastPosition += 1
        let position = lastPosition
        if keepEvents { events.append(envelope) }
        if case .activity(let a) = envelope.event { activities[position] = a }
        state.evolve(envelope, at: position)
        onAppend?(position, envelope)
        let acts = activities
        for decision in Decider.decisions(after: envelope, at: position, in: state, activityAt: { acts[$0] }) {
            append(decision)
        }
        return true
    }

    /// The activity stored at `position`.
    public func activity(at position: UInt64) -> Activity? { activities[position] }

    /// Outcomes the simulated Salesforce gives.
    public struct DispatchProfile: Sendable {
        public var transientPercent: Double = 2
        public var permanentPercent: Double = 0.5
        public init(transientPercent: Double = 2, permanentPercent: Double = 0.5) {
            self.transientPercent = transientPercent
            self.permanentPercent = permanentPercent
        }
    }

    /// Sends every write due at `now` to a simulated org: most succeed, some fail
    /// transiently (retried a minute later), a few fail for good (W5).
    public mutating func dispatch(at now: Timestamp, workspace: String, random: inout SeededRandom, profile: DispatchProfile = DispatchProfile()) {
        let due = state.workspace(workspace).outbox.due(at: now)
        for e in due {
            let attempt = e.attempts + 1
            let key = e.write.syncKey
            let id = EventID("outcome/\(workspace)/\(key)/\(attempt)/\(e.plannedAt)")
            if random.chance(profile.permanentPercent) {
                append(EventEnvelope(id: id, workspace: workspace, recordedAt: now, event: .writeFailed(WriteFailed(
                    syncKey: key, failureClass: .permanentRecord, errorCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                    message: "Bounces are not logged here", attempt: attempt))))
            } else if random.chance(profile.transientPercent) && attempt < 5 {
                append(EventEnvelope(id: id, workspace: workspace, recordedAt: now, event: .writeFailed(WriteFailed(
                    syncKey: key, failureClass: .transient, errorCode: "UNABLE_TO_LOCK_ROW",
                    message: "unable to obtain exclusive access to this record", attempt: attempt,
                    nextAttemptAt: now.adding(milliseconds: 60_000)))))
            } else {
                let sfId = e.salesforceId ?? Fixtures.id(e.write.object == .task ? "00T" : "00U", Int(e.plannedAt % 1_000_000_000_000))
                append(EventEnvelope(id: id, workspace: workspace, recordedAt: now, event: .writeSucceeded(WriteSucceeded(
                    syncKey: key, salesforceId: sfId, created: e.salesforceId == nil,
                    request: "", response: "{\"id\":\"\(sfId)\",\"success\":true}"))))
            }
        }
    }
}

extension SyncLoop {
    /// The worker's loop over a generated workspace, as the benchmarks replay it: every event of
    /// `workload` appended with the decisions that follow, the simulated org answering the due
    /// writes every `dispatchEvery` inputs and once more when the workload ends. Stops as soon as
    /// the log holds `maximumEvents` events (decisions included).
    public static func run(
        _ workload: WorkspaceWorkload, maximumEvents: Int = .max, dispatchEvery: Int = 200, seed: UInt64 = 5,
        keepEvents: Bool = true, onAppend: (@Sendable (UInt64, EventEnvelope) -> Void)? = nil
    ) -> SyncLoop {
        var loop = SyncLoop(keepEvents: keepEvents)
        loop.onAppend = onAppend
        var random = SeededRandom(seed: seed)
        var inputs = 0
        var last: Timestamp?
        for e in workload {
            loop.append(e)
            last = e.recordedAt
            inputs += 1
            if inputs % dispatchEvery == 0 { loop.dispatch(at: e.recordedAt, workspace: workload.shape.workspace, random: &random) }
            if loop.lastPosition >= maximumEvents { return loop }
        }
        if let last { loop.dispatch(at: last, workspace: workload.shape.workspace, random: &random) }
        return loop
    }
}
