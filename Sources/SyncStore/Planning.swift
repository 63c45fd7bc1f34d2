public import SyncDomain
import EventLog
import Foundation

extension SyncState: LogProjection {
    /// The checkpoint of the whole sync state (every workspace's projections).
    public static let name = "sync-state"

    public static func evolve(_ state: inout SyncState, with envelope: EventEnvelope, at position: UInt64) {
        state.evolve(envelope, at: position)
    }

    public static func snapshot(_ state: SyncState) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8]((try? encoder.encode(state)) ?? Data())
    }

    public static func restore(_ snapshot: [UInt8]) throws -> SyncState {
        try JSONDecoder().decode(SyncState.self, from: Data(snapshot))
    }
}

/// What one catch-up did.
public struct CatchUpReport: Sendable, Hashable {
    /// Events folded into the state.
    public var eventsApplied = 0
    /// Decisions (plans, re-plans) appended.
    public var decisionsAppended = 0
}

extension SyncStore {
    /// Events read per step of ``catchUp()``; decisions are appended after each step.
    static let catchUpChunk = 4_096

    /// Brings the sync state to the end of the log, appending the planner's decisions as it goes,
    /// and stores the state's checkpoint.
    ///
    /// Events are folded strictly in log order, so the state equals a replay from position 1.
    /// For each event, the ``Decider`` sees the state as of that event and says what to append
    /// (a plan for a new activity, re-plans for R5 and W6); decisions land at the end of the log
    /// and are folded when the scan reaches them. Their ids are deterministic, so catching up
    /// again after a crash appends nothing twice.
    ///
    /// - Parameters:
    ///   - cached: a state this process folded before (the worker keeps it in memory); the catch-up
    ///     continues from its ``SyncState/appliedThrough`` instead of restoring the stored checkpoint.
    ///   - saveCheckpoint: store the state's checkpoint when anything was folded (a worker that keeps
    ///     the state in memory saves it now and then, not on every catch-up).
    /// - Warning: one catch-up at a time per data directory (the worker runs one; CLI commands run one each).
    @discardableResult
    public func catchUp(resumingFrom cached: consuming SyncState? = nil, saveCheckpoint: Bool = true)
        async throws(SyncStoreError) -> (state: SyncState, report: CatchUpReport)
    {
        var state = SyncState.initial
        var next: UInt64 = 1
        if let resumed = cached.take() {
            // Moved, not copied: folding into a state someone else still holds would copy every
            // collection it touches (copy on write), which costs the whole state per catch-up.
            next = (resumed.appliedThrough ?? 0) + 1
            state = consume resumed
        } else if let checkpoint = try restorableCheckpoint(SyncState.self) {
            state = checkpoint.state
            next = checkpoint.position + 1
        }
        var report = CatchUpReport()
        var lastApplied = next - 1
        while true {
            var chunk: [(UInt64, EventEnvelope)] = []
            try scan(from: next) { position, envelope in
                chunk.append((position, envelope))
                return chunk.count < Self.catchUpChunk
            }
            if chunk.isEmpty { break }
            var decisions: [EventEnvelope] = []
            for (position, envelope) in chunk {
                state.evolve(envelope, at: position)
                decisions += Decider.decisions(after: envelope, at: position, in: state) { activityPosition in
                    guard case .activity(let activity)? = try? self.envelope(at: activityPosition)?.event else { return nil }
                    return activity
                }
                lastApplied = position
            }
            report.eventsApplied += chunk.count
            let results = try await append(decisions)
            report.decisionsAppended += results.filter { !$0.isDuplicate }.count
            next = lastApplied + 1
        }
        if report.eventsApplied > 0 && saveCheckpoint {
            do {
                try await log.saveCheckpoint(SyncState.name, position: lastApplied, snapshot: SyncState.snapshot(state))
            } catch {
                throw SyncStoreError(.storage, "\(directory): cannot save checkpoint \(SyncState.name)", cause: error)
            }
        }
        return (state, report)
    }
}

extension SyncStore {
    /// Stores `state` as the sync state's checkpoint, at its ``SyncState/appliedThrough``.
    public func saveCheckpoint(of state: SyncState) async throws(SyncStoreError) {
        guard let position = state.appliedThrough else { return }
        do {
            try await log.saveCheckpoint(SyncState.name, position: position, snapshot: SyncState.snapshot(state))
        } catch {
            throw SyncStoreError(.storage, "\(directory): cannot save checkpoint \(SyncState.name)", cause: error)
        }
    }

    /// Puts a failed write back in the queue (`synclog outbox retry KEY`): a `V1.WriteRequeued` event.
    public func requeue(syncKey: String, workspace: String, now: Timestamp) async throws(SyncStoreError) {
        let position = try lastPosition()
        let envelope = EventEnvelope(
            id: EventID("requeue/\(workspace)/\(syncKey)/\(position)"), workspace: workspace, recordedAt: now,
            event: .writeRequeued(WriteRequeued(syncKey: syncKey, reason: "operator")))
        try await append([envelope])
        try await catchUp()
    }
}
