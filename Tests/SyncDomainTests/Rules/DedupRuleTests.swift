import SyncDomain
import SyncWorkloads
import Testing

@Suite("D: dedup")
struct DedupRuleTests {
    @Test("D1: the same activity delivered twice is stored once and changes nothing")
    func duplicateDelivery() {
        var world = RuleWorld()
        world.run(sent())
        let before = world.loop.state
        let again = world.loop.append(Fixtures.envelope(sent(subject: "A different body")))
        #expect(again == false)
        #expect(world.loop.state == before)
        #expect(world.loop.duplicates == 1)
    }

    @Test("D1: a recorded duplicate delivery is counted in the audit and changes no plan")
    func duplicateRecorded() {
        var world = RuleWorld()
        let story = world.run(sent())
        world.add(EventEnvelope(id: EventID("dup/acme/act_1/1"), workspace: "acme", recordedAt: Fixtures.start,
                                event: .duplicateDelivery(DuplicateDelivery(activityId: "act_1", bodyDiffers: true))))
        let after = world.story("act_1")
        #expect(after.duplicateDeliveries == 1)
        #expect(after.writes == story.writes)
    }

    @Test("D2: first-only on: only the first open, click and download of a message sync", arguments: [ActivityType.emailOpened, .emailClicked, .emailDownloaded])
    func firstOnly(_ type: ActivityType) {
        var world = RuleWorld()
        let first = world.run(engagement("act_1", type, url: "https://x", fileName: "f.pdf"))
        let second = world.run(engagement("act_2", type, url: "https://x", fileName: "f.pdf"))
        #expect(first.writes.count == 1)
        #expect(second.writes.isEmpty && second.status == .notSynced)
        #expect(second.reason("D2")?.text.hasPrefix("not the first") == true)
        #expect(second.reason("D2")?.text.contains("msg_1 (first: act_1)") == true)
        // Another message is its own first.
        #expect(world.run(engagement("act_3", type, message: "msg_2", url: "https://x", fileName: "f.pdf")).writes.count == 1)
    }

    @Test("D2: first-only off: every open syncs")
    func firstOnlyOff() {
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(firstOnly: false)]))
        #expect(world.run(engagement("act_1", .emailOpened)).writes.count == 1)
        #expect(world.run(engagement("act_2", .emailOpened)).writes.count == 1)
    }

    @Test("D2: first-only is per type: the first click after an open still syncs")
    func perType() {
        var world = RuleWorld()
        world.run(engagement("act_1", .emailOpened))
        #expect(world.run(engagement("act_2", .emailClicked, url: "https://x")).writes.count == 1)
    }

    @Test("D3: shared activities: one Task for many Contacts")
    func shared() {
        let others = (2...4).map { Fixtures.contact($0, email: "c\($0)@globex.com", account: 1) }
        var world = RuleWorld(describe: Fixtures.describe(sharedActivities: true), records: RuleWorld.standardRecords + others)
        let story = world.run(sent(to: [RuleWorld.bob] + (2...4).map { "c\($0)@globex.com" }))
        #expect(story.writes.count == 1)
        #expect(story.has("D3") || story.has("H1"))
    }

    @Test("D4: two workspace users in one meeting: one Event per user, not one per attendee")
    func twoUsers() {
        let config = Fixtures.configuration(users: [Fixtures.user(1), Fixtures.user(2)])
        var world = RuleWorld(configuration: config, records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "carol@globex.com", account: 1)])
        let story = world.run(Fixtures.activity("act_1", .calendarUpserted, meeting: Fixtures.meeting(attendees: [RuleWorld.bob, "carol@globex.com", "user2@acme.com"])))
        #expect(story.plannedWrites.count == 2)
        #expect(Set(story.plannedWrites.compactMap { $0.string("OwnerId") }) == [Fixtures.id("005", 1), Fixtures.id("005", 2)])
    }
}
