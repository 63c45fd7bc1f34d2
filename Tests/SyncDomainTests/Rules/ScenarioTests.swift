import SyncDomain
import SyncWorkloads
import Testing

/// A realistic generated workspace: thousands of activities over hundreds of records, every type.
@Suite("Scenario")
struct ScenarioTests {
    @Test("generated workspace: no key planned by two activities, no write to an excluded address, every activity has a status and a reason")
    func invariants() {
        let shape = WorkspaceWorkload.Shape(seed: 2026, users: 12, accounts: 120, contactsPerAccount: 4, leads: 200, customRecords: 60,
                                            activities: 6_000, sharedActivities: true, meanGapMilliseconds: 120_000)
        let workload = WorkspaceWorkload(shape)
        var loop = SyncLoop()
        var random = SeededRandom(seed: 9)
        var n = 0
        for e in workload {
            loop.append(e)
            n += 1
            if n % 50 == 0 { loop.dispatch(at: e.recordedAt, workspace: "acme", random: &random) }
        }
        let ws = loop.state.workspace("acme")
        let policy = ws.settings.current!

        // Every type of activity is there.
        let types = Set(ws.activityLog.entries.values.map(\.type))
        #expect(types == Set(ActivityType.allCases))

        // Every activity has a status and at least one reason.
        #expect(ws.activityLog.entries.count == shape.activities)
        for e in ws.activityLog.entries.values {
            #expect(!e.reasons.isEmpty, "\(e.activityId) has no reason")
            #expect(e.plannedStatus != nil)
        }
        let statuses = Dictionary(grouping: Audit.activityLog(in: loop.state), by: \.status).mapValues(\.count)
        #expect(statuses.count == 4, "\(statuses)")

        // No sync key planned by two different activities, except the same calendar event (E5)
        // or task (T3) updated by a later activity; and no key twice within one plan.
        var owner: [String: String] = [:]
        var activityOf: [String: Activity] = [:]
        for e in loop.events { if case .activity(let a) = e.event { activityOf[a.id] = a } }
        func subject(_ id: String) -> String {
            let a = activityOf[id]!
            if let t = a.task { return "task:" + t.id }
            if a.type == .calendarUpserted || a.type == .calendarDeleted { return "cal:" + a.meeting!.id }
            return "activity:" + id
        }
        for e in loop.events {
            guard case .activityPlanned(let p) = e.event else { continue }
            #expect(Set(p.writes.map(\.syncKey)).count == p.writes.count)
            for w in p.writes {
                let s = subject(p.activityId)
                if let previous = owner[w.syncKey] { #expect(previous == s, "key \(w.syncKey) planned for \(previous) and \(s)") }
                owner[w.syncKey] = s
            }
        }

        // No write to an excluded address: every Who written is a record whose email is not excluded.
        var checked = 0
        let planned = loop.events.flatMap { e -> [PlannedWrite] in if case .activityPlanned(let p) = e.event { return p.writes } else { return [] } }
        for write in planned {
            var whos: [String] = []
            if case .string(let w)? = write[field: "WhoId"] { whos.append(w) }
            if case .idList(let ids)? = write[field: "TaskWhoIds"] { whos += ids }
            for who in whos {
                guard let person = ws.records.people[who], let email = person.email else { continue }
                #expect(policy.exclusion(of: email) == nil, "write \(write.syncKey) to excluded \(email)")
                checked += 1
            }
        }
        #expect(checked > 1_000)

        // R5 re-plans happened, D2 and X rules fired.
        let rules = Set(ws.activityLog.entries.values.flatMap { $0.reasons.map(\.rule) })
        for rule in ["R1", "R2", "R4", "R5", "R6", "R7", "R8", "D2", "X1", "X2", "X3", "X5", "X6", "X7", "H3", "E1", "E3", "E5", "S16", "T3"] {
            #expect(rules.contains(rule), "no \(rule) in the scenario")
        }
        #expect(ws.activityLog.entries.values.contains { $0.planPositions.count > 1 })
    }

    @Test("updates of known records add events, not records, activities or writes: what the state grows with")
    func recordUpdatesAddOnlyEvents() {
        var shape = WorkspaceWorkload.Shape(seed: 77, users: 8, accounts: 60, contactsPerAccount: 4, leads: 80, customRecords: 20,
                                            activities: 2_000, meanGapMilliseconds: 60_000)
        let plain = SyncLoop.run(WorkspaceWorkload(shape))
        shape.recordUpdatesPer100Activities = 250
        let updated = SyncLoop.run(WorkspaceWorkload(shape))

        let renames = updated.events.filter { $0.id.rawValue.hasPrefix("sf/acme/rename/") }
        #expect(renames.count == 5_000)
        for e in renames {
            guard case .salesforceRecordChanged(let c) = e.event else { Issue.record("\(e.id) is not a record change"); continue }
            #expect(c.changeType == .update)
        }
        let a = plain.state.workspace("acme"), b = updated.state.workspace("acme")
        // The same activities, planned the same way, for the same records.
        #expect(b.activityLog.entries.keys == a.activityLog.entries.keys)
        #expect(b.activityLog.entries.values.map(\.plannedStatus) == a.activityLog.entries.values.map(\.plannedStatus))
        #expect(Set(b.outbox.entries.keys) == Set(a.outbox.entries.keys))
        #expect(b.records.people.count == a.records.people.count)
        #expect(b.records.accounts.count == a.records.accounts.count)
        // Every update was about a record already known.
        #expect(b.records.inconsistentObjects == a.records.inconsistentObjects)
        #expect(updated.lastPosition >= plain.lastPosition + 5_000)
    }
}
