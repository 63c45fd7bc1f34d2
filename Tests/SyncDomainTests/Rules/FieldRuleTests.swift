import SyncDomain
import SyncWorkloads
import Testing

@Suite("T: Task and Event fields")
struct FieldRuleTests {
    @Test("T1: mapped fields of a sent email Task")
    func mappedFields() {
        var world = RuleWorld()
        let w = world.run(sent()).plannedWrites[0]
        #expect(w.object == .task && w.operation == .upsert)
        #expect(w.string("Subject") == "Sent (New): Pricing for 2027")
        #expect(w.string("WhoId") == RuleWorld.bobId)
        #expect(w.string("WhatId") == RuleWorld.globex)
        #expect(w.string("OwnerId") == RuleWorld.alice)
        #expect(w.string("Type") == "Email")
        #expect(w.string("TaskSubtype") == "Email")
        #expect(w.string("Status") == "Completed")
        #expect(w[field: "ActivityDate"] == .date(LocalDate(year: 2026, month: 11, day: 20)!))
        #expect(w.string("Synclog_Key__c") == w.syncKey)
    }

    @Test("T1: a user without a Salesforce mapping is not synced")
    func unmappedUser() {
        var world = RuleWorld()
        let story = world.run(sent(user: "u_unknown"))
        #expect(story.writes.isEmpty && story.status == .notSynced && story.has("T1"))
    }

    @Test("T1: a field hidden by field security is not sent, and the audit says so")
    func hiddenField() {
        var world = RuleWorld(describe: Fixtures.describe(hidden: ["Type"]))
        let story = world.run(sent())
        #expect(story.plannedWrites[0][field: "Type"] == nil)
        #expect(story.has("T1"))
    }

    @Test("T1: TaskSubtype is set on create only: a later update of the same Task leaves it out")
    func subtypeCreateOnly() {
        var world = RuleWorld()
        let task = ActivityTask(id: "t1", kind: .todo, subject: "Deck", status: .open, person: Fixtures.person(RuleWorld.bob))
        let first = world.run(Fixtures.activity("act_1", .taskUpserted, task: task)).plannedWrites[0]
        var done = task
        done.status = .completed
        let second = world.run(Fixtures.activity("act_2", .taskUpserted, task: done)).plannedWrites[0]
        #expect(first.string("TaskSubtype") == "Task")
        #expect(second[field: "TaskSubtype"] == nil)
        #expect(first.syncKey == second.syncKey)
    }

    struct TypeCase: Sendable, CustomTestStringConvertible {
        var activity: Activity
        var type: String?
        var subtype: String
        var testDescription: String { "\(activity.type.rawValue) -> \(type ?? "#N/A")" }
    }

    static let typeCases: [TypeCase] = [
        TypeCase(activity: sent(), type: "Email", subtype: "Email"),
        TypeCase(activity: Fixtures.activity("act_1", .emailReceived, message: Fixtures.message(from: RuleWorld.bob, to: ["user1@acme.com"])), type: "Email", subtype: "Email"),
        TypeCase(activity: engagement("act_1", .emailReplied), type: "Email", subtype: "Email"),
        TypeCase(activity: engagement("act_1", .emailBounced), type: "Email", subtype: "Email"),
        TypeCase(activity: engagement("act_1", .emailOpened), type: nil, subtype: "Email"),
        TypeCase(activity: engagement("act_1", .emailClicked, url: "https://x"), type: nil, subtype: "Email"),
        TypeCase(activity: engagement("act_1", .emailDownloaded, fileName: "f"), type: nil, subtype: "Email"),
        TypeCase(activity: Fixtures.activity("act_1", .callLogged, call: Call(id: "c", person: Fixtures.person(RuleWorld.bob))), type: "Call", subtype: "Call"),
        TypeCase(activity: Fixtures.activity("act_1", .taskUpserted, task: ActivityTask(id: "t", kind: .todo, subject: "x", status: .open)), type: "Task", subtype: "Task"),
        TypeCase(activity: Fixtures.activity("act_1", .taskUpserted, task: ActivityTask(id: "t", kind: .linkedinConnect, subject: "x", status: .open, stage: 1)), type: "Task", subtype: "Task"),
    ]

    @Test("T2: Type and TaskSubtype by activity type", arguments: typeCases)
    func types(_ c: TypeCase) {
        var world = RuleWorld()
        let w = world.run(c.activity).plannedWrites[0]
        #expect(w.string("Type") == c.type)
        #expect(w.string("TaskSubtype") == c.subtype)
    }

    @Test("T2: meetings become Events with Type Meeting")
    func meetingType() {
        var world = RuleWorld()
        let w = world.run(Fixtures.activity("act_1", .calendarUpserted, meeting: Fixtures.meeting(attendees: [RuleWorld.bob]))).plannedWrites[0]
        #expect(w.object == .event && w.string("Type") == "Meeting")
    }

    @Test("T3: to-do status follows the task; the same task id updates the same Task; email tasks do not sync")
    func taskLifecycle() {
        var world = RuleWorld()
        let open = ActivityTask(id: "t1", kind: .todo, subject: "Deck", status: .open, person: Fixtures.person(RuleWorld.bob))
        let a = world.run(Fixtures.activity("act_1", .taskUpserted, task: open))
        #expect(a.plannedWrites[0].string("Status") == "Not Started")
        var edited = open
        edited.subject = "Deck v2"
        let b = world.run(Fixtures.activity("act_2", .taskUpserted, task: edited))
        var done = edited
        done.status = .completed
        let c = world.run(Fixtures.activity("act_3", .taskUpserted, task: done))
        #expect(c.plannedWrites[0].string("Status") == "Completed")
        #expect(Set([a, b, c].map { $0.plannedWrites[0].syncKey }).count == 1)
        #expect(b.has("T3"))
        let email = world.run(Fixtures.activity("act_4", .taskUpserted, task: ActivityTask(id: "t2", kind: .email, subject: "Draft", status: .open)))
        #expect(email.writes.isEmpty && email.has("T3") && email.status == .notSynced)
    }

    @Test("T4: ActivityDate is the local date in the user's time zone (an evening activity is not the next UTC day)")
    func localDate() {
        var world = RuleWorld()
        // 03:30 UTC on the 21st is 19:30 on the 20th in Los Angeles (PST).
        let w = world.run(sent(at: Timestamp(rfc3339: "2026-11-21T03:30:00Z")!)).plannedWrites[0]
        #expect(w[field: "ActivityDate"] == .date(LocalDate(year: 2026, month: 11, day: 20)!))
        // Summer time: 06:30 UTC on 1 July is 23:30 on 30 June in Los Angeles (PDT, -7).
        #expect(TimeZoneRules.localDate(zone: "America/Los_Angeles", at: Timestamp(rfc3339: "2026-07-01T06:30:00Z")!) == LocalDate(year: 2026, month: 6, day: 30))
        #expect(TimeZoneRules.localDate(zone: "Europe/Paris", at: Timestamp(rfc3339: "2026-07-01T22:30:00Z")!) == LocalDate(year: 2026, month: 7, day: 2))
        #expect(TimeZoneRules.localDate(zone: "Asia/Tokyo", at: Timestamp(rfc3339: "2026-11-20T15:30:00Z")!) == LocalDate(year: 2026, month: 11, day: 21))
        #expect(TimeZoneRules.offsetMinutes(zone: "Australia/Sydney", at: Timestamp(rfc3339: "2026-01-10T00:00:00Z")!) == 660)
        #expect(TimeZoneRules.offsetMinutes(zone: "America/New_York", at: Timestamp(rfc3339: "2026-03-08T06:59:00Z")!) == -300)
        #expect(TimeZoneRules.offsetMinutes(zone: "America/New_York", at: Timestamp(rfc3339: "2026-03-08T07:00:00Z")!) == -240)
    }

    @Test("T4: an unknown time zone falls back to the activity's own offset, audited")
    func unknownZone() {
        var world = RuleWorld(configuration: Fixtures.configuration(users: [Fixtures.user(1, timeZone: "Mars/Olympus")]))
        var a = sent(at: Timestamp(rfc3339: "2026-11-21T03:30:00Z")!)
        a.occurredAtOffsetMinutes = -300
        let story = world.run(a)
        #expect(story.plannedWrites[0][field: "ActivityDate"] == .date(LocalDate(year: 2026, month: 11, day: 20)!))
        #expect(story.has("T4"))
    }

    @Test("T5: the activity date/time field is written only for activities appended after it was first seen")
    func activityDateTimeField() {
        var world = RuleWorld()
        let before = world.run(sent("act_1"))
        #expect(before.plannedWrites[0][field: "MixmaxActivityDateTime__c"] == nil)
        world.add(Fixtures.describe(activityDateTime: true, revision: 2))
        let after = world.run(sent("act_2", message: "msg_2"))
        #expect(after.plannedWrites[0][field: "MixmaxActivityDateTime__c"] == .dateTime(Fixtures.start))
        // Never retroactive: a re-plan of the old activity (R5) does not add it.
        #expect(world.story("act_1").plannedWrites[0][field: "MixmaxActivityDateTime__c"] == nil)
    }

    @Test("T5: not retroactive on a re-plan of an older activity")
    func notRetroactiveOnReplan() {
        var world = RuleWorld(describe: Fixtures.describe(activityDateTime: false))
        world.run(sent("act_1", to: ["late@globex.com"]))
        world.add(Fixtures.describe(activityDateTime: true, revision: 2))
        world.add(Fixtures.contact(2, email: "late@globex.com", account: 1, at: Fixtures.start.adding(milliseconds: 60_000)))
        let story = world.story("act_1")
        #expect(story.planPositions.count == 2)
        #expect(story.plannedWrites.count == 1)
        #expect(story.plannedWrites[0][field: "MixmaxActivityDateTime__c"] == nil)
        #expect(story.has("T5"))
    }

    @Test("T6: template-variable field write-back is beyond the first release: no write to the Contact")
    func noWriteBack() {
        var world = RuleWorld()
        #expect(world.run(sent()).plannedWrites.allSatisfy { $0.object == .task })
    }

    @Test("T7: Event Subject is the calendar title exactly, cut by S19 when too long")
    func eventSubject() {
        var world = RuleWorld()
        let w = world.run(Fixtures.activity("act_1", .calendarUpserted, meeting: Fixtures.meeting(title: "Renewal discussion", attendees: [RuleWorld.bob]))).plannedWrites[0]
        #expect(w.string("Subject") == "Renewal discussion")
        let long = String(repeating: "é", count: 300)
        let w2 = world.run(Fixtures.activity("act_2", .calendarUpserted, meeting: Fixtures.meeting("cal_2", title: long, attendees: [RuleWorld.bob]))).plannedWrites[0]
        #expect(w2.string("Subject")?.utf16.count == 255)
        #expect(w2.string("Description") == long)
    }
}
