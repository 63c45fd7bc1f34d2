import SyncDomain
import SyncWorkloads
import Testing

func outcome(_ key: String, _ n: Int, _ event: DomainEvent, at time: Timestamp = Fixtures.start) -> EventEnvelope {
    EventEnvelope(id: EventID("outcome/\(key)/\(n)"), workspace: "acme", recordedAt: time, event: event)
}

@Suite("W: writing (planning side)")
struct WriteRuleTests {
    @Test("W1: the same activity planned on another replay gives the same sync keys and fields")
    func idempotentKeys() {
        var a = RuleWorld()
        var b = RuleWorld()
        #expect(a.run(sent()).plannedWrites == b.run(sent()).plannedWrites)
        // Same target, different activity: a different key.
        #expect(a.run(sent("act_2", message: "m2")).plannedWrites[0].syncKey != a.story("act_1").plannedWrites[0].syncKey)
    }

    @Test("W1: appending the same decision twice is a no-op (deterministic plan ids)")
    func decisionIds() {
        var world = RuleWorld()
        world.run(sent())
        let state = world.loop.state
        let envelope = Fixtures.envelope(sent())
        let again = Decider.decisions(after: envelope, at: 99, in: state)
        #expect(again.isEmpty, "an activity already planned is not planned again")
    }

    @Test("W2: transient failures are retried when due; after the last attempt the write fails and the log shows the error")
    func transient() {
        var world = RuleWorld()
        let key = world.run(sent()).plannedWrites[0].syncKey
        let now = Fixtures.start
        #expect(world.state.outbox.due(at: now).map(\.write.syncKey) == [key])
        world.add(outcome(key, 1, .writeDispatching(WriteDispatching(syncKey: key, attempt: 1))))
        #expect(world.state.outbox.inDoubt().map(\.write.syncKey) == [key])
        #expect(world.state.outbox.due(at: now).isEmpty)
        world.add(outcome(key, 2, .writeFailed(WriteFailed(syncKey: key, failureClass: .transient, errorCode: "UNABLE_TO_LOCK_ROW", message: "unable to obtain exclusive access", attempt: 1, nextAttemptAt: now.adding(milliseconds: 30_000)))))
        #expect(world.state.outbox.due(at: now).isEmpty)
        #expect(world.state.outbox.due(at: now.adding(milliseconds: 30_000)).map(\.write.syncKey) == [key])
        #expect(world.story("act_1").status == .pending)
        world.add(outcome(key, 3, .writeFailed(WriteFailed(syncKey: key, failureClass: .transient, errorCode: "UNABLE_TO_LOCK_ROW", message: "unable to obtain exclusive access", attempt: 5, nextAttemptAt: nil))))
        let story = world.story("act_1")
        #expect(story.status == .error && story.writes[0].attempts == 5 && story.writes[0].lastErrorCode == "UNABLE_TO_LOCK_ROW")
    }

    @Test("W3: after INVALID_SESSION_ID cannot be refreshed, writes wait and nothing is lost")
    func reauthorisation() {
        var world = RuleWorld()
        let key = world.run(sent()).plannedWrites[0].syncKey
        world.add(outcome(key, 1, .connectionNeedsReauthorisation(ConnectionNeedsReauthorisation(errorCode: "INVALID_SESSION_ID", message: "Session expired or invalid"))))
        #expect(world.state.outbox.due(at: Fixtures.start).isEmpty)
        #expect(world.state.outbox.entries[key]?.state == .planned)
        world.add(outcome(key, 3, .writesResumed(WritesResumed(reason: "re-authorised"))))
        #expect(world.state.outbox.due(at: Fixtures.start).count == 1)
        world.add(outcome(key, 2, .writeSucceeded(WriteSucceeded(syncKey: key, salesforceId: "00T000000000001AAA", created: true))))
        #expect(world.story("act_1").status == .synced)
        // Written writes are compacted in the outbox; explain still shows their fields (from the plan).
        #expect(world.state.outbox.entries[key]?.write.fields.isEmpty == true)
        #expect(world.story("act_1").writes[0].write.string("Subject") == "Sent (New): Pricing for 2027")
        // An identical re-plan of a written write is not sent again.
        world.add(Fixtures.contact(2, email: "other@globex.com", account: 1))
        #expect(world.state.outbox.due(at: Fixtures.start).isEmpty)
    }

    @Test("W4: writes pause until quota frees up, then resume")
    func quotaPause() {
        var world = RuleWorld()
        world.run(sent())
        let until = Fixtures.start.adding(milliseconds: 3_600_000)
        world.add(outcome("k", 1, .writesPaused(WritesPaused(reason: "REQUEST_LIMIT_EXCEEDED", until: until))))
        #expect(world.state.outbox.due(at: Fixtures.start).isEmpty)
        #expect(world.state.outbox.due(at: until).count == 1)
        world.add(outcome("k", 2, .writesResumed(WritesResumed(reason: "quota"))))
        #expect(world.state.outbox.due(at: Fixtures.start).count == 1)
    }

    @Test("W5: a permanent error fails that write only and shows Salesforce's message verbatim")
    func permanent() {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "carol@globex.com", account: 1)])
        let story = world.run(sent(to: [RuleWorld.bob, "carol@globex.com"]))
        let (k1, k2) = (story.plannedWrites[0].syncKey, story.plannedWrites[1].syncKey)
        let message = "Subject: Bounces are not logged here <weird & chars>"
        world.add(outcome(k1, 1, .writeFailed(WriteFailed(syncKey: k1, failureClass: .permanentRecord, errorCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION", message: message, attempt: 1))))
        world.add(outcome(k2, 1, .writeSucceeded(WriteSucceeded(syncKey: k2, salesforceId: "00T000000000002AAA", created: true))))
        let after = world.story("act_1")
        #expect(after.status == .error)
        #expect(after.writes[0].lastError == message && after.writes[0].state == .failedPermanent)
        #expect(after.writes[1].state == .written)
        let row = Audit.activityLog(in: world.loop.state)[0]
        #expect(row.rule == "FIELD_CUSTOM_VALIDATION_EXCEPTION" && row.detail == message)
    }

    @Test("W6: ENTITY_IS_DELETED on the What marks it deleted and plans again against what the rules pick now")
    func referenceGone() {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.opportunity(1, account: 1), Fixtures.contactRole(1, contact: 1, opportunity: 1, primary: true)])
        let first = world.run(sent())
        #expect(first.plannedWrites[0].string("WhatId") == Fixtures.id("006", 1))
        let key = first.plannedWrites[0].syncKey
        world.add(outcome(key, 1, .writeFailed(WriteFailed(syncKey: key, failureClass: .permanentRecord, errorCode: "ENTITY_IS_DELETED", message: "entity is deleted", attempt: 1))))
        let story = world.story("act_1")
        #expect(story.planPositions.count == 2)
        #expect(story.plannedWrites.map { $0.string("WhatId") } == [RuleWorld.globex])
        #expect(story.reasons.first?.rule == "W6")
        #expect(story.status == .pending)
        #expect(world.state.outbox.entries[key]?.state == .superseded)
    }

    @Test("W6: no endless loop: when the rules pick the same write again, nothing is re-planned")
    func noLoop() {
        var world = RuleWorld(records: [Fixtures.contact(1, email: RuleWorld.bob)])
        let key = world.run(sent()).plannedWrites[0].syncKey
        world.add(outcome(key, 1, .writeFailed(WriteFailed(syncKey: key, failureClass: .permanentRecord, errorCode: "INVALID_CROSS_REFERENCE_KEY", message: "invalid cross reference id on OwnerId", attempt: 1))))
        // The Who was marked deleted: the new plan has no target, it is a different plan.
        let story = world.story("act_1")
        #expect(story.planPositions.count <= 2)
    }

    @Test("W7: the outbox hands the dispatcher at most a batch at a time")
    func batches() {
        var world = RuleWorld(records: SharedActivityRuleTests.contacts(250))
        world.run(sent(to: SharedActivityRuleTests.addresses(250)))
        #expect(world.state.outbox.due(at: Fixtures.start).count == 250)
        #expect(world.state.outbox.due(at: Fixtures.start, limit: 200).count == 200)
    }
}

@Suite("L: the activity log")
struct LogRuleTests {
    static func world() -> RuleWorld {
        var w = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(), "managers": Fixtures.role(firstOnly: false)],
                                                                users: [Fixtures.user(1), Fixtures.user(2, role: "managers")]),
                          records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "carol@globex.com", account: 1)])
        let synced = w.run(sent("act_1"))
        w.add(outcome(synced.plannedWrites[0].syncKey, 1, .writeSucceeded(WriteSucceeded(syncKey: synced.plannedWrites[0].syncKey, salesforceId: "00T000000000001AAA", created: true, request: "{\"Subject\":\"Sent (New): Pricing for 2027\"}", response: "{\"success\":true}"))))
        w.run(sent("act_2", to: ["noreply@globex.com"], message: "m2", at: Fixtures.start.adding(milliseconds: 60_000)))
        let error = w.run(sent("act_3", to: ["carol@globex.com"], message: "m3", at: Fixtures.start.adding(milliseconds: 120_000), user: "u_2"))
        w.add(outcome(error.plannedWrites[0].syncKey, 1, .writeFailed(WriteFailed(syncKey: error.plannedWrites[0].syncKey, failureClass: .permanentRecord, errorCode: "STRING_TOO_LONG", message: "Description: data value too large", attempt: 1))))
        w.run(sent("act_4", to: ["carol@globex.com"], message: "m4", at: Fixtures.start.adding(milliseconds: 180_000), user: "u_2"))
        return w
    }

    @Test("L1: every activity has a status: Synced, Not Synced (with the rule), Error (with the message), Pending")
    func statuses() {
        let w = Self.world()
        let rows = Audit.activityLog(in: w.loop.state)
        #expect(rows.map(\.status) == [.synced, .notSynced, .error, .pending])
        #expect(rows[1].rule == "X1")
        #expect(rows[2].detail == "Description: data value too large")
    }

    @Test("L2: an entry shows time, type, object, recipient, Salesforce ids, request and response")
    func entryContents() {
        let row = Audit.activityLog(in: Self.world().loop.state)[0]
        #expect(row.occurredAt == Fixtures.start && row.type == .emailSent && row.object == "Task" && row.recipient == RuleWorld.bob)
        #expect(row.salesforceIds == ["00T000000000001AAA"])
        #expect(row.lastRequest?.contains("Sent (New)") == true && row.lastResponse == "{\"success\":true}")
    }

    @Test("L3: filters by status, user, recipient and time")
    func filters() {
        let state = Self.world().loop.state
        #expect(Audit.activityLog(ActivityLogFilter(status: .error), in: state).map(\.activityId) == ["act_3"])
        #expect(Audit.activityLog(ActivityLogFilter(user: "u_2"), in: state).map(\.activityId) == ["act_3", "act_4"])
        #expect(Audit.activityLog(ActivityLogFilter(recipient: " Carol@Globex.com"), in: state).map(\.activityId) == ["act_3", "act_4"])
        #expect(Audit.activityLog(ActivityLogFilter(since: Fixtures.start.adding(milliseconds: 90_000)), in: state).map(\.activityId) == ["act_3", "act_4"])
        #expect(Audit.activityLog(ActivityLogFilter(limit: 1), in: state).count == 1)
        let table = Audit.table(Audit.activityLog(in: state))
        #expect(table.split(separator: "\n").count == 5 && table.hasPrefix("TIME"))
        let json = Audit.json(Audit.activityLog(in: state))
        #expect(json.hasPrefix("[{\"activityId\":\"act_1\""))
    }

    @Test("L4: per-role counts of synced, not synced, errored (and pending)")
    func summary() {
        let s = Audit.summary(in: Self.world().loop.state)
        #expect(s.map(\.role) == ["managers", "sales"])
        #expect((s[0].synced, s[0].notSynced, s[0].error, s[0].pending) == (0, 0, 1, 1))
        #expect((s[1].synced, s[1].notSynced, s[1].error, s[1].pending) == (1, 1, 0, 0))
        #expect(Audit.table(s).contains("managers"))
        #expect(Audit.json(s).contains("\"Not Synced\":1"))
    }

    @Test("L5: explain --json has the contract's keys, sorted, and the rule of every decision")
    func explainJSON() throws {
        var w = RuleWorld(records: RelationRuleTests.oppWorldRecords)
        let story = w.run(sent())
        let json = story.json()
        for key in ["\"activityId\":\"act_1\"", "\"workspace\":\"acme\"", "\"type\":\"email.sent\"", "\"status\":\"Pending\"",
                    "\"rule\":\"R6\"", "\"syncKey\":", "\"object\":\"Task\"", "\"operation\":\"upsert\"", "\"state\":\"planned\"",
                    "\"salesforceId\":null", "\"attempts\":0", "\"lastError\":null", "\"Subject\":\"Sent (New): Pricing for 2027\"",
                    "\"ActivityDate\":\"2026-11-20\""] {
            #expect(json.contains(key), "\(key)")
        }
        // Keys sorted: activityId before workspace at the top level, fields sorted inside.
        #expect(json.firstRange(of: "\"activityId\"")!.lowerBound < json.firstRange(of: "\"workspace\"")!.lowerBound)
        #expect(story.reasons.allSatisfy { !$0.rule.isEmpty })
        let text = story.text()
        #expect(text.contains("R6") && text.contains("Sent (New): Pricing for 2027"))
        // Unknown activity: no story.
        #expect(Audit.explain(activityId: "nope", in: w.loop.state) == nil)
    }
}

@Suite("L: plans kept in the log only")
struct PlansInLogTests {
    @Test("L5: with plans kept in the log only, explain and the activity log read them back and tell the same story")
    func sameStory() {
        let shape = WorkspaceWorkload.Shape(seed: 3, users: 4, accounts: 20, contactsPerAccount: 3, leads: 20, customRecords: 5, activities: 300)
        var memory = SyncLoop()
        var logOnly = SyncLoop(auditPlansInMemory: false)
        for e in WorkspaceWorkload(shape) {
            memory.append(e)
            logOnly.append(e)
        }
        let events = logOnly.events
        let planAt: (UInt64) -> ActivityPlanned? = { p in
            if case .activityPlanned(let plan) = events[Int(p) - 1].event { return plan } else { return nil }
        }
        #expect(logOnly.state.workspace("acme").activityLog.entries.values.allSatisfy { $0.latestPlan == nil })
        for id in ["act_1", "act_50", "act_150", "act_299"] {
            #expect(Audit.explain(activityId: id, in: memory.state)?.json() == Audit.explain(activityId: id, in: logOnly.state, planAt: planAt)?.json())
        }
        #expect(Audit.activityLog(in: memory.state) == Audit.activityLog(in: logOnly.state, planAt: planAt))
        #expect(Audit.summary(in: memory.state) == Audit.summary(in: logOnly.state, planAt: planAt))
    }
}
