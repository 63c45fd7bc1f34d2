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
}
