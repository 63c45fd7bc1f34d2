import Foundation
import SyncDomain
import SyncStore
import Testing

@Suite("Catch-up: the planner's decisions appended in log order")
struct PlanningTests {
    @Test("every ingested activity gets one plan; catching up again appends nothing; a replay from position 1 equals the live state")
    func catchUpIsIdempotentAndReplayable() async throws {
        try await withTemporaryStore { store, _ in
            _ = try await store.configure(Array(configuration().utf8), source: "w.json", now: fixedNow)
            _ = try await store.ingestChanges(lines([contactChange()]), source: "c", workspace: "acme", now: fixedNow)
            let activities = (1...30).map { sentEmail(id: "act_\($0)") } + [sentEmail(id: "act_x", to: "nobody@unknown.example")]
            _ = try await store.ingestActivities(lines(activities), source: "a", now: fixedNow)

            let (live, report) = try await store.catchUp()
            #expect(report.decisionsAppended == 31)
            let again = try await store.catchUp()
            #expect(again.report.decisionsAppended == 0)
            #expect(again.state == live)

            let replayed = try store.replay(SyncState.self).state
            #expect(replayed == live)
            #expect(try store.verify(SyncState.self) == nil)

            let story = try #require(Audit.explain(activityId: "act_1", in: live))
            #expect(story.json().contains("\"activityId\":\"act_1\""))
            let unresolved = try #require(Audit.explain(activityId: "act_x", in: live))
            #expect(unresolved.json().contains("R5"))
        }
    }

    @Test("R5: a Contact that appears later makes the waiting activity planned again")
    func unresolvedActivityIsPlannedAgainWhenTheRecordAppears() async throws {
        try await withTemporaryStore { store, _ in
            _ = try await store.configure(Array(configuration().utf8), source: "w.json", now: fixedNow)
            _ = try await store.ingestActivities(lines([sentEmail(id: "act_1", to: "new@globex.com")]), source: "a", now: fixedNow)
            let before = try await store.catchUp().state
            #expect(Audit.activityLog(in: before).first?.status == .notSynced)
            _ = try await store.ingestChanges(
                lines([contactChange(id: "003000000000009AAA", email: "new@globex.com")]),
                source: "c", workspace: "acme", now: fixedNow)
            let after = try await store.catchUp()
            #expect(after.report.decisionsAppended == 1)
            #expect(Audit.activityLog(in: after.state).first?.status == .pending)
        }
    }

    /// A calendar event and its cancel in one delivery: both are folded before the event's plan is
    /// (plans land at the end of the log). The cancel must still delete the Event it planned.
    @Test("E5: a cancel that arrives with its calendar event waits for the event's plan, then deletes that Event")
    func cancelInTheSameDeliveryAsItsEventDeletesIt() async throws {
        try await withTemporaryStore { store, _ in
            _ = try await store.configure(Array(configuration().utf8), source: "w.json", now: fixedNow)
            _ = try await store.ingestChanges(lines([contactChange()]), source: "c", workspace: "acme", now: fixedNow)
            _ = try await store.ingestActivities(
                lines([calendarEvent(id: "act_c1", start: "2026-11-21T17:00:00Z"), calendarEvent(id: "act_c2", start: "2026-11-21T18:00:00Z"),
                       calendarCancel(id: "act_c3")]),
                source: "a", now: fixedNow)
            let (live, report) = try await store.catchUp()
            #expect(report.decisionsAppended == 3)

            let created = try #require(Audit.explain(activityId: "act_c1", in: live))
            let moved = try #require(Audit.explain(activityId: "act_c2", in: live))
            let canceled = try #require(Audit.explain(activityId: "act_c3", in: live))
            let key = try #require(created.writes.first?.write.syncKey)
            #expect(created.reasons.contains { $0.rule == "E1" && $0.text.contains("an Event") })
            #expect(moved.writes.map(\.write.syncKey) == [key], "the change updates the same Event")
            #expect(moved.reasons.contains { $0.rule == "E5" && $0.text.contains("act_c1") })
            #expect(canceled.writes.map(\.write.syncKey) == [key])
            #expect(canceled.writes.map(\.write.operation) == [.delete], "the cancel deletes the Event: \(canceled.reasons.map(\.text))")
            #expect(canceled.reasons.contains { $0.rule == "E5" && $0.text.contains("act_c2") })
            let order = live.workspace("acme").calendarOrder
            #expect(order.waiting.isEmpty && order.unplanned.isEmpty && order.meetingOfUnplanned.isEmpty, "nothing is left waiting")

            #expect(try await store.catchUp().report.decisionsAppended == 0)
            #expect(try store.replay(SyncState.self).state == live)
        }
    }

    /// R5 + E5: a calendar event waits for an unknown attendee and is canceled; when the attendee's
    /// Contact appears, the canceled event is not planned again (no Event for a canceled meeting).
    @Test("R5/E5: a Contact that appears after the meeting was canceled brings no Event back")
    func canceledMeetingIsNotPlannedAgainWhenItsAttendeeAppears() async throws {
        try await withTemporaryStore { store, _ in
            _ = try await store.configure(Array(configuration().utf8), source: "w.json", now: fixedNow)
            _ = try await store.ingestActivities(
                lines([calendarEvent(id: "act_c1", start: "2026-11-21T17:00:00Z", attendee: "nia@newco.example.com")]), source: "a", now: fixedNow)
            let waiting = try await store.catchUp().state
            #expect(try #require(Audit.explain(activityId: "act_c1", in: waiting)).reasons.contains { $0.rule == "R5" })
            _ = try await store.ingestActivities(lines([calendarCancel(id: "act_c2")]), source: "a", now: fixedNow)
            _ = try await store.catchUp()

            _ = try await store.ingestChanges(
                lines([contactChange(id: "003000000000009AAA", email: "nia@newco.example.com")]), source: "c", workspace: "acme", now: fixedNow)
            let after = try await store.catchUp()
            #expect(after.report.decisionsAppended == 0, "the canceled event was planned again")
            #expect(try #require(Audit.explain(activityId: "act_c1", in: after.state)).writes.isEmpty)
            #expect(after.state.workspace("acme").outbox.entries.isEmpty)
        }
    }
}
