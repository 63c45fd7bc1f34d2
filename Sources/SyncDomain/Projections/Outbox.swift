/// Planned writes by sync key and where each stands (W1-W6), derived from
/// `ActivityPlanned` and the outcome events.
public struct Outbox: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Planned, not yet sent.
        case planned
        /// Sent, no outcome yet: in doubt after a crash.
        case dispatching
        /// Salesforce accepted it.
        case written
        /// Failed, will be retried at `nextAttemptAt` (W2) or when the connection is back (W3/W4).
        case failedTransient = "failed-transient"
        /// Failed for good (W5, or W2 after the last attempt).
        case failedPermanent = "failed-permanent"
        /// A newer plan of the same activity no longer wants it, before it was written.
        case superseded
    }

    public struct Entry: Sendable, Hashable, Codable {
        /// The write; once written its `fields` are dropped (they stay in the plan, see
        /// ``ActivityLog/Entry/plan``) and ``digest`` recognises an identical re-plan.
        public var write: PlannedWrite
        public var digest: UInt64
        public var activityId: String
        /// Position of the plan event that last (re)planned it.
        public var plannedAt: UInt64
        public var state: State
        public var salesforceId: String?
        public var attempts: Int
        public var nextAttemptAt: Timestamp?
        public var failureClass: FailureClass?
        public var lastErrorCode: String?
        /// Salesforce's message, verbatim (W5).
        public var lastError: String?
        public var lastRequest: String?
        public var lastResponse: String?

        /// Done: written, failed for good, or superseded.
        public var isFinal: Bool { state == .written || state == .failedPermanent || state == .superseded }
    }

    /// The entries by sync key, in the order they were first planned.
    public var entries = KeyedEntries<Entry>()
    /// Slots in ``entries`` of the writes not final, for the dispatcher's queries.
    var openSlots = SlotSet()
    /// W3: the connection needs re-authorisation: nothing is due until a write succeeds again.
    public var needsReauthorisation = false
    /// W4: writes paused until this time (nil: paused until resumed) when `paused`.
    public var paused = false
    public var pausedUntil: Timestamp?

    public static let initial = Outbox()

    /// Sync keys of the writes not final.
    public var open: Set<String> { Set(openSlots.map { entries.keys[Int($0)] }) }

    /// The writes not final, in the order they were first planned: read by slot, without
    /// building ``open`` and looking each key up again.
    public var openEntries: LazyMapSequence<SlotSet, Entry> { openSlots.lazy.map { entries.values[Int($0)] } }

    /// Adds a plan's writes; an identical write already planned or written is left as it is.
    public mutating func evolve(_ plan: ActivityPlanned, previousKeys: [String], at position: UInt64) {
        let newKeys = previousKeys.isEmpty ? [] : Set(plan.writes.map(\.syncKey))
        for old in previousKeys where !newKeys.contains(old) {
            if let i = entries.slot(of: old), entries.values[i].state != .written,
                entries.values[i].activityId == plan.activityId
            {
                entries.values[i].state = .superseded
                openSlots.remove(Int32(i))
            }
        }
        for w in plan.writes {
            let digest = WriteDigest.of(w)
            // Changed in place (by slot): a copy taken out and stored back would be looked up twice.
            let (i, inserted) = entries.slot(of: w.syncKey) {
                Entry(
                    write: w, digest: digest, activityId: plan.activityId, plannedAt: position, state: .planned,
                    salesforceId: nil,
                    attempts: 0, nextAttemptAt: nil, failureClass: nil, lastErrorCode: nil, lastError: nil,
                    lastRequest: nil, lastResponse: nil)
            }
            if !inserted {
                let state = entries.values[i].state
                if entries.values[i].digest == digest
                    && (state == .written || state == .planned || state == .dispatching)
                {
                    continue
                }
                entries.values[i].replan(w, digest: digest, activityId: plan.activityId, at: position)
            }
            openSlots.insert(Int32(i))
        }
    }

    public mutating func evolve(_ d: WriteDispatching) {
        guard let i = entries.slot(of: d.syncKey) else { return }
        entries.values[i].state = .dispatching
        entries.values[i].attempts = max(entries.values[i].attempts, d.attempt)
        openSlots.insert(Int32(i))
    }

    public mutating func evolve(_ s: WriteSucceeded) {
        needsReauthorisation = false
        guard let i = entries.slot(of: s.syncKey) else { return }
        entries.values[i].applySuccess(s)
        openSlots.remove(Int32(i))
    }
}

extension Outbox.Entry {
    mutating func replan(_ w: PlannedWrite, digest: UInt64, activityId: String, at position: UInt64) {
        write = w
        self.digest = digest
        self.activityId = activityId
        plannedAt = position
        state = .planned
        nextAttemptAt = nil
        failureClass = nil
        lastErrorCode = nil
        lastError = nil
    }

    mutating func applySuccess(_ s: WriteSucceeded) {
        state = .written
        write.fields = []  // kept in the plan; the digest stands for them
        if !s.salesforceId.isEmpty { salesforceId = s.salesforceId }
        attempts = Swift.max(attempts, 1)
        lastRequest = s.request
        lastResponse = s.response
        lastError = nil
        lastErrorCode = nil
        failureClass = nil
        nextAttemptAt = nil
    }

    mutating func applyFailure(_ f: WriteFailed) {
        attempts = Swift.max(attempts, f.attempt)
        lastErrorCode = f.errorCode
        lastError = f.message
        failureClass = f.failureClass
        nextAttemptAt = f.nextAttemptAt
        switch f.failureClass {
        case .transient, .quota:
            state = f.nextAttemptAt == nil ? .failedPermanent : .failedTransient
        case .auth:
            state = .failedTransient  // W3: waits for the connection, nothing is lost
        case .permanentRecord, .permanentConfig:
            state = .failedPermanent
        }
    }
}

extension Outbox {

    public mutating func evolve(_ f: WriteFailed) {
        guard let i = entries.slot(of: f.syncKey) else { return }
        entries.values[i].applyFailure(f)
        if entries.values[i].isFinal { openSlots.remove(Int32(i)) } else { openSlots.insert(Int32(i)) }
    }

    public mutating func evolve(_ r: WriteRequeued) {
        guard let i = entries.slot(of: r.syncKey) else { return }
        entries.values[i].state = .planned
        entries.values[i].nextAttemptAt = nil
        openSlots.insert(Int32(i))
    }

    // MARK: queries for the dispatcher

    /// Writes to send at `now`: planned ones, and transient failures whose next attempt is due,
    /// oldest plan first. Empty while writes are paused (W4) or the connection needs
    /// re-authorisation (W3).
    public func due(at now: Timestamp, limit: Int = .max) -> [Entry] {
        if needsReauthorisation { return [] }
        if paused, pausedUntil.map({ now < $0 }) ?? true { return [] }
        var out: [Entry] = []
        for slot in openSlots {
            let e = entries.values[Int(slot)]
            switch e.state {
            case .planned: out.append(e)
            case .failedTransient:
                if let next = e.nextAttemptAt, next <= now {
                    out.append(e)
                } else if e.failureClass == .auth && e.nextAttemptAt == nil {
                    out.append(e)
                }
            default: break
            }
        }
        out.sort { ($0.plannedAt, $0.write.syncKey) < ($1.plannedAt, $1.write.syncKey) }
        return Array(out.prefix(limit))
    }

    /// The earliest scheduled retry of a transient failure (W2); nil when none waits.
    public var nextRetry: Timestamp? {
        openSlots.compactMap { slot -> Timestamp? in
            let e = entries.values[Int(slot)]
            return e.state == .failedTransient ? e.nextAttemptAt : nil
        }.min()
    }

    /// Writes sent with no outcome: in doubt (reconcile before sending again, design "Idempotency" 3).
    public func inDoubt() -> [Entry] {
        openSlots.map { entries.values[Int($0)] }.filter { $0.state == .dispatching }
            .sorted { ($0.plannedAt, $0.write.syncKey) < ($1.plannedAt, $1.write.syncKey) }
    }

    /// Entries in `states`, oldest plan first (`synclog outbox --failed/--pending`).
    public func entries(in states: Set<State>) -> [Entry] {
        entries.values.filter { states.contains($0.state) }
            .sorted { ($0.plannedAt, $0.write.syncKey) < ($1.plannedAt, $1.write.syncKey) }
    }
}

extension Outbox {
    enum CodingKeys: String, CodingKey { case entries, open, needsReauthorisation, paused, pausedUntil, digestVersion }

    /// The snapshot keeps the shape it had when entries were a dictionary: `open` as sync keys.
    /// `digestVersion` says how the entries' digests were made (``WriteDigest/version``).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(WriteDigest.version, forKey: .digestVersion)
        try c.encode(entries, forKey: .entries)
        try c.encode(openSlots.map { entries.keys[Int($0)] }.sorted(), forKey: .open)
        try c.encode(needsReauthorisation, forKey: .needsReauthorisation)
        try c.encode(paused, forKey: .paused)
        try c.encodeIfPresent(pausedUntil, forKey: .pausedUntil)
    }

    /// Entries in the order they were planned (`plannedAt`, then sync key): a snapshot has no order.
    ///
    /// A snapshot whose digests were made otherwise (no `digestVersion`: version 1) is refused:
    /// compared with this version's digests, every identical re-plan of a written write would
    /// look changed and be sent again. The caller replays the log instead (see
    /// `SyncStore.restorableCheckpoint`), which makes every digest again.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decodeIfPresent(Int.self, forKey: .digestVersion) ?? 1
        guard version == WriteDigest.version else {
            throw DecodingError.dataCorruptedError(
                forKey: .digestVersion, in: c,
                debugDescription: "outbox snapshot with write digests of version \(version), this version makes \(WriteDigest.version): replay the log")
        }
        let byKey = try c.decode([String: Entry].self, forKey: .entries)
        entries = KeyedEntries(byKey, order: []) { (byKey[$0]!.plannedAt, $0) < (byKey[$1]!.plannedAt, $1) }
        openSlots = SlotSet(try c.decode([String].self, forKey: .open).compactMap { entries.slot(of: $0).map(Int32.init) })
        needsReauthorisation = try c.decode(Bool.self, forKey: .needsReauthorisation)
        paused = try c.decode(Bool.self, forKey: .paused)
        pausedUntil = try c.decodeIfPresent(Timestamp.self, forKey: .pausedUntil)
    }

    /// Equal entries, open keys and flags (slots depend on the order entries were added, which a
    /// snapshot does not keep, so open writes compare by key).
    public static func == (lhs: Outbox, rhs: Outbox) -> Bool {
        lhs.entries == rhs.entries && lhs.open == rhs.open && lhs.needsReauthorisation == rhs.needsReauthorisation
            && lhs.paused == rhs.paused && lhs.pausedUntil == rhs.pausedUntil
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries)
        hasher.combine(needsReauthorisation)
        hasher.combine(paused)
        hasher.combine(pausedUntil)
    }
}
