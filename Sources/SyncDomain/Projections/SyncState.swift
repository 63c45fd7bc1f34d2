/// Every projection of one workspace.
public struct WorkspaceState: Sendable, Hashable, Codable {
    public var settings = Settings.initial
    public var records = KnownRecords.initial
    public var org = OrgCapabilities.initial
    public var engagement = Engagement.initial
    /// Calendar activities that wait for the plans of earlier ones of their meeting (E5);
    /// absent from checkpoints written before it existed.
    public var calendarOrder = CalendarOrder.initial
    public var outbox = Outbox.initial
    public var activityLog = ActivityLog.initial
    /// The reader's cursors (C1, C3, C4, C5); absent from checkpoints written before it existed.
    public var cursors = Cursors.initial

    public static let initial = WorkspaceState()

    public init() {}

    init(keepingPlans: Bool) { activityLog.keepsPlans = keepingPlans }

    enum CodingKeys: String, CodingKey { case settings, records, org, engagement, calendarOrder, outbox, activityLog, cursors }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        settings = try c.decode(Settings.self, forKey: .settings)
        records = try c.decode(KnownRecords.self, forKey: .records)
        org = try c.decode(OrgCapabilities.self, forKey: .org)
        engagement = try c.decode(Engagement.self, forKey: .engagement)
        calendarOrder = try c.decodeIfPresent(CalendarOrder.self, forKey: .calendarOrder) ?? .initial
        outbox = try c.decode(Outbox.self, forKey: .outbox)
        activityLog = try c.decode(ActivityLog.self, forKey: .activityLog)
        cursors = try c.decodeIfPresent(Cursors.self, forKey: .cursors) ?? .initial
    }
}

/// All projections together: the state the log folds into (design "The one idea").
///
/// Pure and deterministic: `evolve` reads no clock and does no I/O, so replaying
/// the log from position 0 (or from a stored snapshot plus the tail) rebuilds
/// exactly the state the worker had. Positions at or below ``appliedThrough`` are
/// ignored, so re-applying an overlapping tail to a snapshot changes nothing.
///
/// ```swift
/// var state = SyncState.initial
/// for (position, envelope) in log { state.evolve(envelope, at: position) }
/// let snapshot = try JSONEncoder().encode(state)   // Codable: store it as a checkpoint
/// ```
public struct SyncState: Sendable, Hashable, Codable {
    public var workspaces: [String: WorkspaceState] = [:]
    /// The last position applied (nil before the first event).
    public var appliedThrough: UInt64?
    /// Events applied (statistics).
    public var eventsApplied: UInt64 = 0

    /// Whether activity-log entries keep their latest plan in memory (see ``ActivityLog/keepsPlans``).
    public var auditPlansInMemory = true

    public static var initial: SyncState { SyncState() }

    /// - Parameter auditPlansInMemory: false keeps only plan positions: pass `planAt` to the
    ///   ``Audit`` queries so they read plans from the log. Part of the state (and its snapshot).
    public init(auditPlansInMemory: Bool = true) { self.auditPlansInMemory = auditPlansInMemory }

    /// The projections of `workspace` (initial when nothing is known of it).
    public func workspace(_ name: String) -> WorkspaceState { workspaces[name] ?? .initial }

    /// Folds one log event into every projection.
    public mutating func evolve(_ envelope: EventEnvelope, at position: UInt64) {
        if let done = appliedThrough, position <= done { return }
        appliedThrough = position
        eventsApplied += 1
        // One lookup (one hash of the name), mutated in place through `values`:
        // `workspaces[name] == nil` would copy the whole workspace state out on every event, and
        // `workspaces[name, default: …]` looks the name up twice. A log of one workspace (the usual
        // case) compares the name with the one key instead of hashing it on every event.
        let found: Dictionary<String, WorkspaceState>.Index?
        if workspaces.count == 1, workspaces.keys[workspaces.startIndex] == envelope.workspace {
            found = workspaces.startIndex
        } else {
            found = workspaces.index(forKey: envelope.workspace)
        }
        if let i = found {
            workspaces.values[i].evolve(envelope, at: position)
        } else {
            var fresh = WorkspaceState(keepingPlans: auditPlansInMemory)
            fresh.evolve(envelope, at: position)
            workspaces[envelope.workspace] = fresh
        }
    }
}

/// W6: errors that mean a Who or What the write referenced is gone.
enum ReferenceGone {
    static let codes: Set<String> = ["ENTITY_IS_DELETED", "INVALID_CROSS_REFERENCE_KEY"]

    /// The record id the failure is about: an id of the write named in the message,
    /// else the field the message names, else the WhatId, else the WhoId.
    static func record(in write: PlannedWrite, message: String) -> String? {
        var referenced: [(String, String)] = []
        for f in write.fields {
            switch (f.name, f.value) {
            case ("WhoId", .string(let id)), ("WhatId", .string(let id)): referenced.append((f.name, id))
            case ("TaskWhoIds", .idList(let ids)): referenced += ids.map { ("TaskWhoIds", $0) }
            default: break
            }
        }
        for (_, id) in referenced where message.contains(id) || message.contains(String(id.prefix(15))) { return id }
        if message.contains("WhoId"), let who = referenced.first(where: { $0.0 == "WhoId" }) { return who.1 }
        if let what = referenced.first(where: { $0.0 == "WhatId" }) { return what.1 }
        return referenced.first?.1
    }
}

extension WorkspaceState {
    mutating func evolve(_ envelope: EventEnvelope, at position: UInt64) {
        switch envelope.event {
        case .activity(let a):
            engagement.evolve(a)
            if CalendarOrder.orders(a.type) {  // no lookup for the other activities
                calendarOrder.evolve(a, alreadyPlanned: !(activityLog.entries[a.id]?.planPositions.isEmpty ?? true))
            }
            activityLog.evolve(a, at: position)
        case .workspaceConfigured(let c):
            settings.evolve(c, at: position)
        case .salesforceRecordChanged(let c):
            let before = records.inconsistentObjects[c.object] ?? 0
            records.evolve(c, at: position)
            cursors.evolve(c, newInconsistencies: (records.inconsistentObjects[c.object] ?? 0) - before)
            if let t = c.commitTimestamp { activityLog.advance(to: t.millisecondsSinceEpoch) }
        case .salesforceRecordDeleted(let d):
            records.evolve(d, at: position)
        case .salesforceRecordsMerged(let m):
            records.evolve(m, at: position)
        case .leadConverted(let l):
            records.evolve(l, at: position)
        case .describeObserved(let d):
            org.evolve(d, at: position)
            cursors.evolve(d, recordedAt: envelope.recordedAt)
        case .pollCursorAdvanced(let p):
            cursors.evolve(p)
        case .auditCursorAdvanced(let a):
            cursors.evolve(a)
        case .sweepCursorAdvanced(let s):
            cursors.evolve(s)
        case .orgSettingsObserved(let o):
            org.evolve(o)
        case .activityPlanned(let p):
            // One lookup of the activity serves the outbox and the log.
            guard let slot = activityLog.entries.slot(of: p.activityId) else {
                outbox.evolve(p, previousKeys: [], at: position)
                return
            }
            let (previous, user) = activityLog.entries.values[slot].beforePlan()
            let role = settings.current?.roleName(ofUser: user)
            outbox.evolve(p, previousKeys: previous, at: position)
            activityLog.evolve(p, slot: slot, role: role, at: position)
            calendarOrder.planned(p.activityId)
        case .writeDispatching(let d):
            outbox.evolve(d)
        case .writeSucceeded(let s):
            outbox.evolve(s)
        case .writeFailed(let f):
            if ReferenceGone.codes.contains(f.errorCode), let e = outbox.entries[f.syncKey],
                let gone = ReferenceGone.record(in: e.write, message: f.message)
            {
                records.markDeleted(gone)
            }
            outbox.evolve(f)
        case .writeRequeued(let r):
            outbox.evolve(r)
        case .duplicateDelivery(let d):
            activityLog.evolve(d)
        case .connectionNeedsReauthorisation:
            outbox.needsReauthorisation = true
        case .writesPaused(let p):
            outbox.paused = true
            outbox.pausedUntil = p.until
        case .writesResumed:
            // W3/W4: quota freed or the connection re-authorised: writes are due again.
            outbox.paused = false
            outbox.pausedUntil = nil
            outbox.needsReauthorisation = false
        default:
            break  // events later issues add: no projection here reads them
        }
    }

    /// L1: the status of an activity now: Error if a write of its latest plan failed for good,
    /// Synced when all are written, Pending while any is planned or retrying; Not Synced
    /// (or Pending before planning) without writes.
    public func status(of entry: ActivityLog.Entry) -> ActivityStatus {
        guard let planned = entry.plannedStatus else { return .pending }
        if entry.syncKeys.isEmpty { return planned == .pending ? .pending : .notSynced }
        var allWritten = true
        for key in entry.syncKeys {
            guard let e = outbox.entries[key] else { allWritten = false; continue }
            switch e.state {
            case .failedPermanent: return .error
            case .written: continue
            case .superseded: continue
            default: allWritten = false
            }
        }
        return allWritten ? .synced : .pending
    }
}
