import Foundation
import NIOHTTP1
import Salesforce
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorker
import SyncWorkloads
import Synchronization
import Testing

/// A small workspace: users 1 and 2, contacts with accounts, and `count` sent emails round-robin.
func scenario(emails count: Int, contacts: Int = 30, users: Int = 2) -> (events: [EventEnvelope], users: [UserMapping]) {
    let mappings = (1...users).map { Fixtures.user($0) }
    var events: [EventEnvelope] = [Fixtures.configured(Fixtures.configuration(users: mappings)), Fixtures.describe(syncKeyField: true)]
    for a in 1...max(1, contacts / 3) { events.append(Fixtures.account(a)) }
    for c in 1...contacts { events.append(Fixtures.contact(c, email: "person\(c)@globex.com", account: 1 + (c - 1) % max(1, contacts / 3))) }
    for i in 0..<count {
        let user = 1 + i % users
        let t = Fixtures.start.adding(milliseconds: Int64(i) * 1000)
        let message = Fixtures.message("msg_\(i)", subject: "Pricing \(i)", from: "user\(user)@acme.com", to: ["person\(1 + i % contacts)@globex.com"])
        events.append(Fixtures.envelope(Fixtures.activity("act_\(i)", .emailSent, user: "u_\(user)", at: t, message: message)))
    }
    return (events, mappings)
}

extension WorkspaceState {
    func entries(_ state: Outbox.State) -> [Outbox.Entry] { outbox.entries.values.filter { $0.state == state } }

    /// For failure messages: entries by state, with a sample error.
    var outboxSummary: String {
        var counts: [String: Int] = [:]
        var sample: [String: String] = [:]
        for e in outbox.entries.values {
            counts[e.state.rawValue, default: 0] += 1
            if let code = e.lastErrorCode { sample[e.state.rawValue] = "\(code): \(e.lastError ?? "") (attempts \(e.attempts))" }
        }
        return "\(counts.sorted { $0.key < $1.key }) \(sample)"
    }
}

@Suite("Outbox dispatcher against the emulator (W1-W7)", .serialized)
struct DispatcherTests {
    @Test("W1/W7: every planned Task is upserted once by its sync key, 200 per call", arguments: [true, false])
    func writesEverything(externalId: Bool) async throws {
        let (events, users) = scenario(emails: 450)
        let h = try await WorkerHarness.start(events: events, users: users, externalId: externalId)
        let report = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        let written = ws.entries(.written)
        #expect(written.count == 450)
        #expect(ws.outbox.open.isEmpty)
        let tasks = h.live("Task")
        #expect(tasks.count == 450)
        #expect(Set(tasks.map(\.id)) == Set(written.compactMap(\.salesforceId)))
        if externalId {
            #expect(Set(tasks.compactMap { $0.fields["Synclog_Key__c"]?.stringValue }) == Set(written.map(\.write.syncKey)))
        }
        #expect(report.writeCalls == 3)
        await h.stop()
    }

    @Test("W2: UNABLE_TO_LOCK_ROW twice, then success: retried with backoff on the injected clock")
    func transientRetried() async throws {
        let (events, users) = scenario(emails: 10)
        let h = try await WorkerHarness.start(events: events, users: users)
        try await h.fault(#"{"method":"PATCH","path":"/composite/sobjects","errorCode":"UNABLE_TO_LOCK_ROW","times":2}"#)
        let before = h.clock.now()
        let report = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        #expect(ws.entries(.written).count == 10)
        // Two failed attempts are on record (the outbox counts attempts from outcome events), then success.
        #expect(ws.entries(.written).allSatisfy { $0.attempts == 2 && $0.lastErrorCode == nil })
        #expect(report.failedTransient == 20)
        #expect(h.clock.now() > before)  // waited for the backoff
        #expect(h.live("Task").count == 10)
        await h.stop()
    }

    @Test("W2: a transient error that never ends fails for good after the configured attempts, message in the activity log")
    func transientExhausted() async throws {
        let (events, users) = scenario(emails: 3)
        let h = try await WorkerHarness.start(events: events, users: users)
        try await h.fault(#"{"method":"PATCH","path":"/composite/sobjects","errorCode":"SERVER_UNAVAILABLE","status":503,"message":"Server unavailable, try later"}"#)
        _ = try await h.dispatcher(retry: RetryPolicy(maxAttempts: 3)).dispatchUntilIdle()
        let ws = try await h.state()
        let failed = ws.entries(.failedPermanent)
        #expect(failed.count == 3)
        #expect(failed.allSatisfy { $0.attempts == 3 && $0.lastError == "Server unavailable, try later" && $0.lastErrorCode == "SERVER_UNAVAILABLE" })
        let entry = try #require(ws.activityLog.entries["act_0"])
        #expect(ws.status(of: entry) == .error)
        #expect(h.live("Task").isEmpty)
        await h.stop()
    }

    @Test("W5: a validation rule fails that record only, Salesforce's message verbatim")
    func validationRule() async throws {
        let (events, users) = scenario(emails: 4)
        let rule = #","validationRules":[{"object":"Task","field":"Subject","pattern":"^(?!Sent \\(New\\): Pricing 2).*","message":"No pricing 2 here, says the org"}]"#
        let h = try await WorkerHarness.start(events: events, users: users, extraSettings: rule)
        _ = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        #expect(ws.entries(.written).count == 3)
        let failed = try #require(ws.entries(.failedPermanent).first)
        #expect(failed.lastErrorCode == "FIELD_CUSTOM_VALIDATION_EXCEPTION")
        #expect(failed.lastError == "No pricing 2 here, says the org")
        #expect(failed.activityId == "act_2")
        await h.stop()
    }

    @Test("W6: ENTITY_IS_DELETED on the Who marks it deleted and the activity is planned again")
    func referenceDeleted() async throws {
        let (events, users) = scenario(emails: 2, contacts: 2)
        let h = try await WorkerHarness.start(events: events, users: users)
        let who = Fixtures.id("003", 1)
        try await h.admin(.DELETE, "records/Contact/\(who)")
        _ = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        let entry = try #require(ws.activityLog.entries["act_0"])
        #expect(entry.planPositions.count >= 2, "\(ws.outboxSummary)")  // planned again after the failure
        let failedKey = ws.outbox.entries.values.first { $0.activityId == "act_0" && $0.lastErrorCode != nil }
        #expect(failedKey?.lastErrorCode == "ENTITY_IS_DELETED")
        #expect(ws.entries(.written).contains { $0.activityId == "act_1" })
        #expect(!h.live("Task").contains { $0.fields["WhoId"]?.stringValue == who })
        await h.stop()
    }

    @Test("W5/T: INVALID_FIELD (Type hidden by field security) refreshes the describe and stops sending the field")
    func hiddenField() async throws {
        let (events, users) = scenario(emails: 5)
        let h = try await WorkerHarness.start(events: events, users: users, extraSettings: #","hiddenFields":{"Task":["Type"]}"#)
        _ = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        #expect(ws.entries(.written).count == 5, "\(ws.outboxSummary)")
        #expect(ws.org.isHidden("Type", on: "Task"))
        #expect(h.live("Task").count == 5)
        await h.stop()
    }

    @Test("INACTIVE_OWNER_OR_USER: written with the sync user as owner, and the failure stays in the audit")
    func inactiveOwner() async throws {
        let (events, users) = scenario(emails: 2, users: 2)
        let h = try await WorkerHarness.start(events: events, users: users)
        try await h.admin(.POST, "records", #"{"records":[{"attributes":{"type":"User"},"Id":"\#(Fixtures.id("005", 2))","IsActive":false}]}"#)
        _ = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        #expect(ws.entries(.written).count == 2, "\(ws.outboxSummary)")
        let tasks = h.live("Task")
        #expect(Set(tasks.compactMap { $0.fields["OwnerId"]?.stringValue }) == [Fixtures.id("005", 1), "005900000000001AAA"])
        let fallback = try #require(ws.outbox.entries.values.first { $0.activityId == "act_1" })
        #expect(fallback.attempts == 1)  // one failed attempt on record, then written as the sync user
        #expect(fallback.lastRequest?.contains("005900000000001AAA") == true)
        await h.stop()
    }

    @Test("W3: token expiry mid-run (emulator clock moved): one refresh, no write lost")
    func tokenExpiry() async throws {
        let (events, users) = scenario(emails: 300)
        let h = try await WorkerHarness.start(events: Array(events.dropLast(100)), users: users, ttlSeconds: 600)
        let client = h.client()
        _ = try await h.dispatcher(client: client).dispatchUntilIdle()
        try await h.advanceEmulatorClock(seconds: 3600)
        _ = try await h.store.append(Array(events.suffix(100)))
        _ = try await h.dispatcher(client: client).dispatchUntilIdle()
        let ws = try await h.state()
        #expect(ws.entries(.written).count == 300)
        #expect(h.live("Task").count == 300)
        #expect(await client.authenticator.refreshCount == 2)
        await h.stop()
    }

    @Test("W3: a refused refresh: the connection needs re-authorisation, writes wait, nothing lost")
    func reauthorisation() async throws {
        let (events, users) = scenario(emails: 5)
        let h = try await WorkerHarness.start(events: events, users: users)
        let revoked = SalesforceClient(configuration: SalesforceConfiguration(
            loginHost: .myDomain(h.emulator.baseURL), credentials: .refreshToken(clientId: "cid", clientSecret: nil, refreshToken: "revoked")))
        let report = try await h.dispatcher(client: revoked).dispatchUntilIdle()
        #expect(report.needsReauthorisation)
        var ws = try await h.state()
        #expect(ws.outbox.needsReauthorisation)
        #expect(ws.outbox.open.count == 5)
        // Re-authorised (an operator resumes): everything goes through.
        _ = try await h.store.append([EventEnvelope(id: EventID("resume/acme/test"), workspace: "acme", recordedAt: h.clock.now(),
                                                    event: .writesResumed(WritesResumed(reason: "W3 re-authorised")))])
        _ = try await h.dispatcher().dispatchUntilIdle()
        ws = try await h.state()
        #expect(ws.entries(.written).count == 5)
        await h.stop()
    }

    @Test("W4: a small daily limit: the sync stops at the reserve, never meets REQUEST_LIMIT_EXCEEDED, finishes when the window frees")
    func quota() async throws {
        let (events, users) = scenario(emails: 3000, contacts: 60)
        let h = try await WorkerHarness.start(events: events, users: users, dailyApiLimit: 10)
        let client = h.client(reservePercent: 20)
        let first = try await h.dispatcher(client: client).dispatchUntilIdle()
        #expect(first.paused)
        var ws = try await h.state()
        #expect(ws.outbox.paused)
        let writtenBefore = ws.entries(.written).count
        #expect(writtenBefore > 0 && writtenBefore < 3000)
        #expect(try await h.countedCalls() <= 8)
        // The window frees: the emulator's day passes, and the worker's clock reaches the pause's end.
        try await h.advanceEmulatorClock(seconds: 86_400 + 60)
        h.clock.advance(milliseconds: 86_400_000)
        var rounds = 0
        while rounds < 10 {
            rounds += 1
            let report = try await h.dispatcher(client: client).dispatchUntilIdle()
            ws = try await h.state()
            if !report.paused { break }
            try await h.advanceEmulatorClock(seconds: 86_400 + 60)
            h.clock.advance(milliseconds: 86_400_000)
        }
        #expect(ws.entries(.written).count == 3000)
        #expect(h.live("Task").count == 3000)
        let calls = try await h.admin(.GET, "calls")?["calls"]?.arrayValue ?? []
        #expect(!calls.contains { $0["status"]?.intValue == 403 })
        await h.stop()
    }

    @Test("W1: write applied, response dropped: no duplicate, with and without the external id", arguments: [true, false])
    func droppedResponse(externalId: Bool) async throws {
        let (events, users) = scenario(emails: 250)
        let h = try await WorkerHarness.start(events: events, users: users, externalId: externalId)
        let path = externalId ? "/composite/sobjects/Task" : "/composite/sobjects"
        try await h.fault(#"{"path":"\#(path)","action":"dropResponse","times":1}"#)
        _ = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        #expect(ws.entries(.written).count == 250, "\(ws.outboxSummary)")
        #expect(h.live("Task").count == 250)
        #expect(Set(h.live("Task").map(\.id)) == Set(ws.entries(.written).compactMap(\.salesforceId)))
        await h.stop()
    }

    @Test("E5: a changed calendar event updates the same Salesforce Events; a cancel deletes them (same sync keys)",
          arguments: [true, false])
    func calendarEventUpdatedThenCanceled(externalId: Bool) async throws {
        let (events, users) = scenario(emails: 0)
        // Organised by user 1, attended by user 2 and a known Contact: one Event per workspace user (E3).
        let meeting = Fixtures.meeting("cal_e5", title: "Renewal discussion", start: Fixtures.start.adding(milliseconds: 86_400_000),
                                       attendees: ["person1@globex.com", "user2@acme.com"])
        func calendar(_ id: String, _ m: Meeting, _ type: ActivityType, second: Int64) -> EventEnvelope {
            Fixtures.envelope(Fixtures.activity(id, type, at: Fixtures.start.adding(milliseconds: second * 1000), meeting: m))
        }
        let h = try await WorkerHarness.start(events: events + [calendar("act_cal_1", meeting, .calendarUpserted, second: 1)], users: users,
                                              externalId: externalId)
        _ = try await h.dispatcher().dispatchUntilIdle()
        let created = h.live("Event")
        let afterCreate = try await h.state()
        #expect(created.count == 2, "\(afterCreate.outboxSummary)")
        #expect(Set(created.compactMap { $0.fields["OwnerId"]?.stringValue }) == [Fixtures.id("005", 1), Fixtures.id("005", 2)])

        var moved = meeting
        moved.title = "Renewal discussion (moved)"
        moved.start = meeting.start!.adding(milliseconds: 3_600_000)
        moved.end = meeting.end!.adding(milliseconds: 3_600_000)
        _ = try await h.store.append([calendar("act_cal_2", moved, .calendarUpserted, second: 2)])
        _ = try await h.dispatcher().dispatchUntilIdle()
        let updated = h.live("Event")
        #expect(Set(updated.map(\.id)) == Set(created.map(\.id)), "the change created Events instead of updating them")
        #expect(updated.allSatisfy { $0.fields["Subject"]?.stringValue == "Renewal discussion (moved)" })
        let movedHour = String(moved.start!.rfc3339String.prefix(13))  // 2026-11-21T16
        #expect(updated.allSatisfy { $0.fields["StartDateTime"]?.stringValue?.hasPrefix(movedHour) == true },
                "\(updated.map { $0.fields["StartDateTime"]?.stringValue ?? "-" })")

        _ = try await h.store.append([calendar("act_cal_3", Meeting(id: meeting.id), .calendarDeleted, second: 3)])
        _ = try await h.dispatcher().dispatchUntilIdle()
        #expect(h.live("Event").isEmpty, "the canceled meeting's Events are still there")
        let all = h.emulator.org.records(of: "Event")
        #expect(all.count == 2 && all.allSatisfy(\.isDeleted), "only the two Events ever existed, both deleted")
        let ws = try await h.state()
        #expect(ws.outbox.open.isEmpty, "\(ws.outboxSummary)")
        await h.stop()
    }

    @Test("W1/W5: a sync key two Tasks in the org already carry (a copied Task) fails that write for good with Salesforce's message; the rest are written")
    func syncKeyMatchingTwoTasksInTheOrg() async throws {
        let (events, users) = scenario(emails: 3)
        let h = try await WorkerHarness.start(events: events, users: users, uniqueKey: false)
        let planned = try await h.state().outbox.entries.values.sorted { $0.write.syncKey < $1.write.syncKey }
        #expect(planned.count == 3)
        let doubled = planned[0].write.syncKey
        try await h.admin(.POST, "records", """
            {"records":[{"attributes":{"type":"Task"},"Subject":"copy 1","Status":"Completed","Synclog_Key__c":"\(doubled)"},
                        {"attributes":{"type":"Task"},"Subject":"copy 2","Status":"Completed","Synclog_Key__c":"\(doubled)"}]}
            """)
        _ = try await h.dispatcher().dispatchUntilIdle()
        let ws = try await h.state()
        let entry = try #require(ws.outbox.entries[doubled])
        #expect(entry.state == .failedPermanent, "\(ws.outboxSummary)")
        #expect(entry.lastErrorCode == "DUPLICATE_EXTERNAL_ID")
        #expect(entry.lastError?.contains("more than one record") == true, "Salesforce's message is kept verbatim")
        #expect(ws.entries(.written).count == 2)
        let tasks = h.live("Task")
        #expect(tasks.count == 4)
        #expect(Set(tasks.filter { $0.fields["Synclog_Key__c"]?.stringValue == doubled }.compactMap { $0.fields["Subject"]?.stringValue })
            == ["copy 1", "copy 2"], "a Task the key matched twice was changed")

        // The admin deletes one copy; `synclog outbox retry KEY` (SyncStore.requeue) re-queues the
        // write, and the next dispatch upserts onto the copy that is left.
        let copies = tasks.filter { $0.fields["Synclog_Key__c"]?.stringValue == doubled }
        try await h.admin(.DELETE, "records/Task/\(copies[0].id)")
        try await h.store.requeue(syncKey: doubled, workspace: "acme", now: h.clock.now())
        #expect(try await h.state().outbox.entries[doubled]?.state == .planned)
        _ = try await h.dispatcher().dispatchUntilIdle()
        let retried = try await h.state()
        #expect(retried.outbox.entries[doubled]?.state == .written, "\(retried.outboxSummary)")
        #expect(retried.outbox.entries[doubled]?.salesforceId == copies[1].id)
        #expect(h.live("Task").count == 3)
        guard case .string(let subject)? = planned[0].write[field: "Subject"] else { Issue.record("no Subject planned"); return }
        #expect(h.live("Task").first { $0.id == copies[1].id }?.fields["Subject"]?.stringValue == subject, "the copy left was not upserted")
        await h.stop()
    }

    @Test("W7 under a stream: fewer than a batch due wait up to the linger for more, then go in one call; a full batch goes at once")
    func lingerGathersATrickleIntoOneCall() async throws {
        let (events, users) = scenario(emails: 150)
        let firstActivity = events.count - 150
        let h = try await WorkerHarness.start(events: Array(events[..<(firstActivity + 50)]), users: users)
        // The other 100 activities arrive while the dispatcher waits (on its first sleep).
        let clock = ArrivingClock(base: h.clock, store: h.store, arrivals: Array(events[(firstActivity + 50)...]))
        var configuration = DispatcherConfiguration(workspace: "acme")
        configuration.batchLingerMilliseconds = 250
        let started = h.clock.now()
        let report = try await OutboxDispatcher(gate: h.gate, client: h.client(), configuration: configuration, clock: clock,
                                                random: FixedRandom(value: 0.5)).dispatchUntilIdle()
        #expect(report.writeCalls == 1, "the trickle was not gathered into one call")
        #expect(h.live("Task").count == 150)
        #expect(h.clock.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch >= 250)

        let (more, _) = scenario(emails: 400)
        _ = try await h.store.append(more.suffix(250).map { e in  // act_150..399: 250 due at once
            guard case .activity(var a) = e.event else { return e }
            a.id = "more_" + a.id
            return Fixtures.envelope(a)
        })
        let before = h.clock.now()
        let full = try await OutboxDispatcher(gate: h.gate, client: h.client(), configuration: configuration, clock: h.clock,
                                              random: FixedRandom(value: 0.5)).dispatchUntilIdle()
        #expect(full.writeCalls == 2)
        #expect(h.clock.now() == before, "a full batch waited")
        #expect(h.live("Task").count == 400)
        await h.stop()
    }

    @Test("one dispatcher per workspace: a second one for the same workspace is refused while the first runs")
    func onePerWorkspace() async throws {
        let (events, users) = scenario(emails: 400)
        let h = try await WorkerHarness.start(events: events, users: users)
        try await h.fault(#"{"path":"/composite/sobjects","action":"delay","delayMs":300,"times":1}"#)
        let first = h.dispatcher()
        async let running = first.dispatchUntilIdle()
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: SyncWorkerError.self) { _ = try await h.dispatcher().dispatchUntilIdle() }
        _ = try await running
        await h.stop()
    }
}

/// A virtual clock that delivers more events to the store the first time the dispatcher sleeps.
final class ArrivingClock: WorkerClock {
    let base: ManualClock
    let store: SyncStore
    let arrivals: Mutex<[EventEnvelope]?>

    init(base: ManualClock, store: SyncStore, arrivals: [EventEnvelope]) {
        self.base = base
        self.store = store
        self.arrivals = Mutex(arrivals)
    }

    func now() -> SyncDomain.Timestamp { base.now() }

    func sleep(until deadline: SyncDomain.Timestamp) async throws {
        if let batch = arrivals.withLock({ $0.take() }) { _ = try await store.append(batch) }
        try await base.sleep(until: deadline)
    }
}
