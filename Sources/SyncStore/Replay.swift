public import SyncDomain
import EventLog
import Foundation

/// A projection the data directory can rebuild from the log: a pure fold with a byte snapshot.
///
/// Projections in `SyncDomain` are pure; this protocol is how the store drives them, stores
/// their checkpoints, and verifies them (`synclog replay --verify`).
public protocol LogProjection: Sendable {
    associatedtype State: Sendable & Equatable
    /// The checkpoint name (stable: it is a key in the data directory).
    static var name: String { get }
    static var initial: State { get }
    static func evolve(_ state: inout State, with envelope: EventEnvelope, at position: UInt64)
    static func snapshot(_ state: State) -> [UInt8]
    static func restore(_ snapshot: [UInt8]) throws -> State
}

/// What a replay did.
public struct ReplayReport: Sendable {
    public var events: Int
    public var lastPosition: UInt64
    public var seconds: Double
    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : Double(events) }
    /// For `--verify`: projections whose stored checkpoint differs from the replayed state.
    public var mismatches: [String]
}

extension SyncStore {
    /// Folds the log from position 1 through `projection`, calling `progress` every `progressEvery` events.
    public func replay<P: LogProjection>(
        _ projection: P.Type,
        through lastPosition: UInt64? = nil,
        progressEvery: Int = 100_000,
        progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) throws(SyncStoreError) -> (state: P.State, report: ReplayReport) {
        let end: UInt64
        if let lastPosition { end = lastPosition } else { end = try self.lastPosition() }
        var state = P.initial
        var count = 0
        let started = DispatchTime.now().uptimeNanoseconds
        if end > 0 {
            try scan { position, envelope in
                P.evolve(&state, with: envelope, at: position)
                count += 1
                if count % progressEvery == 0 { progress(position, end) }
                return position < end
            }
        }
        progress(end, end)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return (state, ReplayReport(events: count, lastPosition: end, seconds: seconds, mismatches: []))
    }

    /// The projection's current state: its stored checkpoint plus the events after it; the
    /// checkpoint is moved forward when `saving` (committed together with its position).
    public func current<P: LogProjection>(_ projection: P.Type, saving: Bool = true) async throws(SyncStoreError) -> P.State {
        var state = P.initial
        var from: UInt64 = 1
        if let checkpoint = try restorableCheckpoint(P.self) {
            state = checkpoint.state
            from = checkpoint.position + 1
        }
        var last = from - 1
        try scan(from: from) { position, envelope in
            P.evolve(&state, with: envelope, at: position)
            last = position
            return true
        }
        if saving && last >= from {
            do { try await log.saveCheckpoint(P.name, position: last, snapshot: P.snapshot(state)) } catch {
                throw SyncStoreError(.storage, "\(directory): cannot save checkpoint \(P.name)", cause: error)
            }
        }
        return state
    }

    /// The stored checkpoint of `projection`, decoded.
    public func storedCheckpoint<P: LogProjection>(_ projection: P.Type) throws(SyncStoreError) -> (position: UInt64, state: P.State)? {
        let checkpoint: Checkpoint?
        do { checkpoint = try log.checkpoint(P.name) } catch {
            throw SyncStoreError(.storage, "\(directory): cannot read checkpoint \(P.name)", cause: error)
        }
        guard let checkpoint else { return nil }
        do { return (checkpoint.position, try P.restore(checkpoint.snapshot)) } catch {
            throw SyncStoreError(.corruptEvent, "\(directory): checkpoint \(P.name) cannot be decoded", cause: error)
        }
    }

    /// The stored checkpoint of `projection`, or nil when there is none or it cannot be restored
    /// (e.g. written by a version whose snapshot this one cannot read): the caller then replays from
    /// position 1, which rebuilds the same state. Storage errors still throw.
    public func restorableCheckpoint<P: LogProjection>(_ projection: P.Type) throws(SyncStoreError) -> (position: UInt64, state: P.State)? {
        do { return try storedCheckpoint(P.self) } catch where error.code == .corruptEvent { return nil }
    }

    /// Replays `projection` from scratch up to its stored checkpoint and compares; nil when it matches
    /// (or there is no checkpoint), else a one-line description of the difference.
    public func verify<P: LogProjection>(_ projection: P.Type) throws(SyncStoreError) -> String? {
        guard let stored = try storedCheckpoint(P.self) else { return nil }
        let replayed = try replay(P.self, through: stored.position).state
        if replayed == stored.state { return nil }
        return "\(P.name): the stored checkpoint at position \(stored.position) differs from a replay of the log"
    }
}

