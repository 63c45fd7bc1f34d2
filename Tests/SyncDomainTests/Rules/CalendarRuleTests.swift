import SyncDomain
import SyncWorkloads
import Testing

@Suite("E: calendar events")
struct CalendarRuleTests {
    static func calendar(_ id: String, _ meeting: Meeting, type: ActivityType = .calendarUpserted, user: String = "u_1") -> Activity {
        Fixtures.activity(id, type, user: user, meeting: meeting)
    }

    @Test("E1: a calendar event with a known attendee becomes an Event with start and end; none known: not synced, waits")
    func becomesEvent() {
        var world = RuleWorld()
        let m = Fixtures.meeting(attendees: [RuleWorld.bob])
        let w = world.run(Self.calendar("act_1", m)).plannedWrites[0]
        #expect(w.object == .event)
        #expect(w[field: "StartDateTime"] == .dateTime(m.start!))
        #expect(w[field: "EndDateTime"] == .dateTime(m.end!))
        #expect(w[field: "IsAllDayEvent"] == .bool(false))
        let none = world.run(Self.calendar("act_2", Fixtures.meeting("cal_2", attendees: ["stranger@else.org"])))
        #expect(none.writes.isEmpty && none.has("R5"))
    }

    @Test("E1: all-day events are all-day")
    func allDay() {
        var world = RuleWorld()
        let start = Timestamp(rfc3339: "2026-11-24T00:00:00Z")!
        let w = world.run(Self.calendar("act_1", Fixtures.meeting(start: start, minutes: 2 * 1440, allDay: true, attendees: [RuleWorld.bob]))).plannedWrites[0]
        #expect(w[field: "IsAllDayEvent"] == .bool(true))
        #expect(w[field: "ActivityDate"] == .date(LocalDate(year: 2026, month: 11, day: 24)!))
        #expect(w[field: "DurationInMinutes"] == .int(2880))
        #expect(w[field: "StartDateTime"] == nil)
    }

    @Test("E2: related to the Opportunity where the Contact is the primary contact role, else the Account")
    func related() {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.opportunity(1, account: 1), Fixtures.opportunity(2, account: 1),
                                                                    Fixtures.contactRole(1, contact: 1, opportunity: 1, primary: false),
                                                                    Fixtures.contactRole(2, contact: 1, opportunity: 2, primary: true)])
        #expect(world.run(Self.calendar("act_1", Fixtures.meeting(attendees: [RuleWorld.bob]))).plannedWrites[0].string("WhatId") == Fixtures.id("006", 2))
        var noRole = RuleWorld()
        #expect(noRole.run(Self.calendar("act_1", Fixtures.meeting(attendees: [RuleWorld.bob]))).plannedWrites[0].string("WhatId") == RuleWorld.globex)
    }

    @Test("E3: one Event per workspace user attending, each owned by that user")
    func perUser() {
        var world = RuleWorld(configuration: Fixtures.configuration(users: [Fixtures.user(1), Fixtures.user(2), Fixtures.user(3)]))
        let story = world.run(Self.calendar("act_1", Fixtures.meeting(attendees: [RuleWorld.bob, "user2@acme.com", "user3@acme.com"])))
        #expect(story.plannedWrites.compactMap { $0.string("OwnerId") } == [1, 2, 3].map { Fixtures.id("005", $0) })
        #expect(Set(story.plannedWrites.map(\.syncKey)).count == 3)
        #expect(story.has("E3"))
    }

    @Test("E4: several known attendees: an external organizer is the Name; an internal organizer gives the first known attendee")
    func name() {
        let records = RuleWorld.standardRecords + [Fixtures.contact(2, email: "carol@globex.com", account: 1)]
        var external = RuleWorld(records: records)
        let e = external.run(Self.calendar("act_1", Fixtures.meeting(organizer: "carol@globex.com", attendees: [RuleWorld.bob, "carol@globex.com", "user1@acme.com"])))
        #expect(e.plannedWrites[0].string("WhoId") == Fixtures.id("003", 2))
        var internalOrganizer = RuleWorld(records: records)
        let i = internalOrganizer.run(Self.calendar("act_1", Fixtures.meeting(organizer: "user1@acme.com", attendees: ["carol@globex.com", RuleWorld.bob])))
        #expect(i.plannedWrites[0].string("WhoId") == Fixtures.id("003", 2))
        #expect(i.has("E4") && e.has("E4"))
    }

    @Test("E5: a change updates the same Event (same sync key); a cancel deletes it")
    func updateAndCancel() {
        var world = RuleWorld(configuration: Fixtures.configuration(users: [Fixtures.user(1), Fixtures.user(2)]))
        let m = Fixtures.meeting(attendees: [RuleWorld.bob, "user2@acme.com"])
        let first = world.run(Self.calendar("act_1", m))
        var moved = m
        moved.start = m.start!.adding(milliseconds: 3_600_000)
        moved.end = m.end!.adding(milliseconds: 3_600_000)
        let update = world.run(Self.calendar("act_2", moved))
        #expect(first.plannedWrites.map(\.syncKey) == update.plannedWrites.map(\.syncKey))
        #expect(update.plannedWrites[0][field: "StartDateTime"] == .dateTime(moved.start!))
        #expect(update.has("E5"))
        let cancel = world.run(Self.calendar("act_3", Meeting(id: m.id), type: .calendarDeleted))
        #expect(cancel.plannedWrites.map(\.operation) == [.delete, .delete])
        #expect(Set(cancel.plannedWrites.map(\.syncKey)) == Set(first.plannedWrites.map(\.syncKey)))
        // In the outbox the key is now a pending delete.
        #expect(world.state.outbox.entries[first.plannedWrites[0].syncKey]?.write.operation == .delete)
    }

    @Test("E5: a meeting scheduled through the product also writes the S9/S10 Task")
    func scheduledThroughProduct() {
        var world = RuleWorld()
        let m = Fixtures.meeting(attendees: [RuleWorld.bob], scheduledWithProduct: true)
        let event = world.run(Self.calendar("act_1", m))
        let confirmed = world.run(Fixtures.activity("act_2", .meetingConfirmed, meeting: m))
        let canceled = world.run(Fixtures.activity("act_3", .meetingCanceled, meeting: m))
        #expect(event.plannedWrites[0].object == .event)
        #expect(confirmed.subjects == ["Meeting Confirmed: Renewal discussion"])
        #expect(canceled.subjects == ["Meeting Canceled: Renewal discussion"])
        #expect(confirmed.plannedWrites[0].object == .task)
    }

    @Test("E: recurring series: the first occurrence syncs, the others are audited (X7)")
    func recurring() {
        var world = RuleWorld()
        let results = (1...3).map { i in
            world.run(Self.calendar("act_\(i)", Fixtures.meeting("occ_\(i)", start: Fixtures.start.adding(milliseconds: Int64(i) * 7 * 86_400_000), attendees: [RuleWorld.bob], recurringEventId: "weekly")))
        }
        #expect(results.map(\.writes.count) == [1, 0, 0])
    }
}
