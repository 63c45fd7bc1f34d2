/// Which events to append after an event was appended: the planner's decisions
/// as events, so that the plan made at the time stays the plan (design "Audit").
///
/// - a new activity: its `ActivityPlanned` (none if it was already planned);
/// - a Lead/Contact that appears (create, update, undelete, conversion, merge) with
///   an email that unresolved activities of the last 15 days wait for (R5; the window
///   is measured against the change's own time, never a clock): a new plan for each;
/// - a write that failed with `ENTITY_IS_DELETED` / `INVALID_CROSS_REFERENCE_KEY` (W6), or with
///   `CANNOT_UPDATE_CONVERTED_LEAD` (C6: planned before the conversion was known): a new plan
///   against what the rules pick now (none if it would be the same write);
/// - a plan that waits for an address (R5) folded after a record with that address: a new plan;
/// - a calendar change or cancel folded while an earlier activity of its meeting had no plan yet
///   waits (``CalendarOrder``, E5): it is planned when the plan before it is folded.
///
/// Plan event ids are `plan/{workspace}/{activityId}/{revision}` (revision 1, 2, ...),
/// so appending the same decision twice is a no-op; `recordedAt` is the triggering
/// event's. `activityAt` reads the activity event stored at a log position (the
/// lead's store reads it from the log); it is only called for re-plans.
///
/// ```swift
/// state.evolve(envelope, at: position)
/// for decision in Decider.decisions(after: envelope, at: position, in: state, activityAt: store.activity(at:)) {
///     let p = try log.append(decision)      // then
///     state.evolve(decision, at: p)
/// }
/// ```
public enum Decider {
    public static func decisions(
        after envelope: EventEnvelope, at position: UInt64, in state: SyncState,
        activityAt: (UInt64) -> Activity? = { _ in nil }
    ) -> [EventEnvelope] {
        let ws = state.workspace(envelope.workspace)
        switch envelope.event {
        case .activity(let a):
            if let e = ws.activityLog.entries[a.id], !e.planPositions.isEmpty { return [] }
            if ws.calendarOrder.waiting.contains(a.id) { return [] }  // E5: after the earlier plans of its meeting
            let plan = Planner.makePlan(a, at: position, in: ws)
            return [planEnvelope(a, activityPosition: ws.activityLog.entries[a.id]?.activityPosition ?? position,
                                 plan: plan, revision: 1, trigger: envelope)]
        case .salesforceRecordChanged(let c):
            guard c.object == "Lead" || c.object == "Contact", c.changeType != .delete, c.changeType != .gapDelete,
                  let email = c.record.string("Email"), !email.isEmpty else { return [] }
            let time = c.commitTimestamp ?? c.record.systemModstamp ?? envelope.recordedAt
            return replanWaiting(for: [email], time: time, ws: ws, trigger: envelope, activityAt: activityAt)
        case .leadConverted(let l):
            guard let contact = ws.records.person(l.contactId), let email = contact.email else { return [] }
            let lead = ws.records.person(l.leadId)?.email
            return replanWaiting(for: [email] + (lead.map { [$0] } ?? []), time: l.convertedAt ?? envelope.recordedAt,
                                 ws: ws, trigger: envelope, activityAt: activityAt)
        case .salesforceRecordsMerged(let m):
            guard let master = ws.records.person(m.masterId), let email = master.email else { return [] }
            return replanWaiting(for: [email], time: envelope.recordedAt, ws: ws, trigger: envelope, activityAt: activityAt)
        case .activityPlanned(let p):
            let released = releaseWaitingCalendarActivity(after: p, ws: ws, trigger: envelope, activityAt: activityAt).map { [$0] } ?? []
            return released + replanIfResolvedMeanwhile(p, at: position, ws: ws, trigger: envelope, activityAt: activityAt)
        case .writeFailed(let f):
            let converted = f.errorCode == "CANNOT_UPDATE_CONVERTED_LEAD"
            guard ReferenceGone.codes.contains(f.errorCode) || converted, let entry = ws.outbox.entries[f.syncKey],
                  let logEntry = ws.activityLog.entries[entry.activityId],
                  let activity = activityAt(logEntry.activityPosition) else { return [] }
            var plan = Planner.makePlan(activity, at: logEntry.activityPosition, in: ws)
            if plan.writes.contains(where: { $0.syncKey == f.syncKey && $0 == entry.write }) { return [] }
            plan.reasons.insert(
                converted
                    ? Reason(rule: "C6", text: "CANNOT_UPDATE_CONVERTED_LEAD on write \(f.syncKey): the Lead was converted; planned again against what the rules pick now",
                             data: [.init("syncKey", f.syncKey), .init("error", f.errorCode)])
                    : Reason(rule: "W6", text: "\(f.errorCode) on write \(f.syncKey): the record is marked deleted and the activity planned again",
                             data: [.init("syncKey", f.syncKey), .init("error", f.errorCode)]), at: 0)
            return [planEnvelope(activity, activityPosition: logEntry.activityPosition, plan: plan,
                                 revision: logEntry.planPositions.count + 1, trigger: envelope)]
        default:
            return []
        }
    }

    /// R5: the plan was decided before a record it waits for was folded (the record's change
    /// came in while the plan was being appended): plan again now that the record is known.
    static func replanIfResolvedMeanwhile(
        _ p: ActivityPlanned, at position: UInt64, ws: WorkspaceState, trigger: EventEnvelope, activityAt: (UInt64) -> Activity?
    ) -> [EventEnvelope] {
        guard let entry = ws.activityLog.entries[p.activityId], !entry.waitingFor.isEmpty,
              entry.planPositions.last == position else { return [] }
        let known = entry.waitingFor.filter { !ws.records.peopleWithEmail($0).isEmpty }
        guard !known.isEmpty else { return [] }
        // Only a plan that now decides differently (never the same plan again: no loop).
        return replanWaiting(for: known, time: entry.occurredAt, ws: ws, trigger: trigger, activityAt: activityAt).filter {
            guard case .activityPlanned(let again) = $0.event else { return false }
            return again.writes != p.writes || again.status != p.status
        }
    }

    /// E5: the plan of a calendar activity was folded; the next activity of its meeting, if it
    /// waited for that plan, is decided now (its first plan).
    static func releaseWaitingCalendarActivity(
        after p: ActivityPlanned, ws: WorkspaceState, trigger: EventEnvelope, activityAt: (UInt64) -> Activity?
    ) -> EventEnvelope? {
        // The log is read only for a calendar activity's plan while some activity waits.
        guard !ws.calendarOrder.waiting.isEmpty, let plannedType = ws.activityLog.entries[p.activityId]?.type,
              CalendarOrder.orders(plannedType), let planned = activityAt(p.activityPosition),
              let meeting = planned.meeting?.id, let next = ws.calendarOrder.releasable(meeting: meeting),
              let entry = ws.activityLog.entries[next], entry.planPositions.isEmpty,
              let activity = activityAt(entry.activityPosition) else { return nil }
        var plan = Planner.makePlan(activity, at: entry.activityPosition, in: ws)
        plan.reasons.insert(
            Reason(rule: "E5", text: "decided after \(p.activityId), an earlier activity of calendar event \(meeting), was planned",
                   data: [.init("after", p.activityId)]), at: 0)
        return planEnvelope(activity, activityPosition: entry.activityPosition, plan: plan, revision: 1, trigger: trigger)
    }

    static func replanWaiting(
        for emails: [String], time: Timestamp, ws: WorkspaceState, trigger: EventEnvelope,
        activityAt: (UInt64) -> Activity?
    ) -> [EventEnvelope] {
        let since = time.adding(milliseconds: -ActivityLog.unresolvedWindowMilliseconds)
        var out: [EventEnvelope] = []
        var done = Set<String>()
        for email in emails {
            for entry in ws.activityLog.waitingActivities(for: email, since: since) where done.insert(entry.activityId).inserted {
                guard let activity = activityAt(entry.activityPosition) else { continue }
                // A calendar event changed or canceled since: the later activity governs (E5).
                if ws.calendarOrder.isSuperseded(activity) { continue }
                var plan = Planner.makePlan(activity, at: entry.activityPosition, in: ws)
                plan.reasons.insert(
                    Reason(rule: "R5", text: "a record for \(EmailAddress.normalize(email)) appeared: planned again",
                           data: [.init("address", EmailAddress.normalize(email)), .init("trigger", trigger.id.rawValue)]), at: 0)
                out.append(planEnvelope(activity, activityPosition: entry.activityPosition, plan: plan,
                                        revision: entry.planPositions.count + 1, trigger: trigger))
            }
        }
        return out
    }

    static func planEnvelope(_ a: Activity, activityPosition: UInt64, plan: Planner.Plan, revision: Int, trigger: EventEnvelope) -> EventEnvelope {
        let planned = ActivityPlanned(activityId: a.id, activityPosition: activityPosition, writes: plan.writes,
                                      reasons: plan.reasons, status: plan.status)
        return EventEnvelope(id: EventID("plan/\(a.workspace)/\(a.id)/\(revision)"), workspace: a.workspace,
                             recordedAt: trigger.recordedAt, event: .activityPlanned(planned))
    }
}
