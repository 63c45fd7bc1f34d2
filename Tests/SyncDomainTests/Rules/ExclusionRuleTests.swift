import SyncDomain
import SyncWorkloads
import Testing

@Suite("X: exclusions")
struct ExclusionRuleTests {
    @Test("X1: system local parts, case-insensitive, +tags ignored, named in the audit",
          arguments: ["notifications", "noreply", "no-reply", "info", "system", "mailer-daemon", "support", "alerts", "newsletter", "notify"])
    func systemAddresses(_ local: String) {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.contact(9, email: "\(local)@globex.com", account: 1)])
        let story = world.run(sent(to: ["\(local.uppercased())+billing@globex.com"]))
        #expect(story.writes.isEmpty && story.status == .notSynced)
        #expect(story.reason("X1")?.text == "system address: \(local)+billing@globex.com")
    }

    @Test("X1: the list is data, replaceable per workspace")
    func replaceableList() {
        var world = RuleWorld(configuration: Fixtures.configuration(systemLocalParts: ["robot"]),
                              records: RuleWorld.standardRecords + [Fixtures.contact(9, email: "info@globex.com", account: 1), Fixtures.contact(8, email: "robot@globex.com", account: 1)])
        #expect(world.run(sent("act_1", to: ["info@globex.com"])).writes.count == 1)
        #expect(world.run(sent("act_2", to: ["robot@globex.com"], message: "m2")).has("X1"))
    }

    @Test("X2: internal domains, excluded domains and excluded addresses")
    func internalActivity() {
        var world = RuleWorld(configuration: Fixtures.configuration(excludedAddresses: ["ceo-personal@gmail.com"], excludedDomains: ["partner-agency.com"]),
                              records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "ceo-personal@gmail.com"), Fixtures.contact(3, email: "pat@partner-agency.com"), Fixtures.contact(4, email: "colleague@acme.com")])
        for (i, address) in ["ceo-personal@gmail.com", "PAT@partner-agency.com", "colleague@acme.com"].enumerated() {
            let story = world.run(sent("act_\(i)", to: [address], message: "m\(i)"))
            #expect(story.writes.isEmpty, "\(address)")
            #expect(story.has("X2"))
        }
    }

    @Test("X3: a BCC-only recipient is not logged; To and CC are")
    func bcc() {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "carol@globex.com", account: 1), Fixtures.contact(3, email: "dan@globex.com", account: 1)])
        let story = world.run(sent(to: [RuleWorld.bob], cc: ["carol@globex.com"], bcc: ["dan@globex.com"]))
        let whos = Set(story.plannedWrites.compactMap { $0.string("WhoId") })
        #expect(whos == [RuleWorld.bobId, Fixtures.id("003", 2)])
        #expect(story.reason("X3")?.text.contains("dan@globex.com") == true)
    }

    @Test("X4: a type whose logging is off in the effective role is not synced")
    func roleLogging() {
        var log = LogSettings()
        log.opened = false
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(log: log)]))
        let story = world.run(engagement("act_1", .emailOpened))
        #expect(story.writes.isEmpty && story.has("X4"))
        #expect(world.run(sent("act_2")).writes.count == 1)
    }

    @Test("X4: a member's own settings apply only when the role lets members manage their own")
    func userOverrides() {
        let overrides = RoleOverrides(log: LogOverrides(sent: false))
        var locked = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role()], users: [Fixtures.user(1, settings: overrides)]))
        #expect(locked.run(sent()).writes.count == 1)
        var open = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(membersManageOwnSettings: true)], users: [Fixtures.user(1, settings: overrides)]))
        let story = open.run(sent())
        #expect(story.writes.isEmpty && story.has("X4"))
    }

    @Test("X5: a message not sent through the product syncs only with sync all messages")
    func syncAllMessages() {
        var off = RuleWorld()
        #expect(off.run(sent(sentWithProduct: false)).has("X5"))
        var on = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(syncAllMessages: true)]))
        #expect(on.run(sent(sentWithProduct: false)).writes.count == 1)
    }

    @Test("X6: Outlook opens and clicks without a recipient go to the first To recipient only")
    func outlookAttribution() {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "carol@globex.com", account: 1)])
        for (i, type) in [ActivityType.emailOpened, .emailClicked].enumerated() {
            let story = world.run(engagement("act_\(i)", type, recipient: nil, to: [RuleWorld.bob, "carol@globex.com"], message: "m\(i)", url: "https://x", client: "outlook"))
            #expect(story.plannedWrites.count == 1)
            #expect(story.plannedWrites[0].string("WhoId") == RuleWorld.bobId)
            #expect(story.has("X6"))
        }
    }

    @Test("X7: only the primary calendar; a recurring series syncs its first occurrence only")
    func calendars() {
        var world = RuleWorld()
        let team = world.run(Fixtures.activity("act_1", .calendarUpserted, meeting: Fixtures.meeting(attendees: [RuleWorld.bob], calendar: "team")))
        #expect(team.writes.isEmpty && team.has("X7"))
        let first = world.run(Fixtures.activity("act_2", .calendarUpserted, meeting: Fixtures.meeting("occ_1", attendees: [RuleWorld.bob], recurringEventId: "series_1")))
        #expect(first.writes.count == 1)
        let second = world.run(Fixtures.activity("act_3", .calendarUpserted, meeting: Fixtures.meeting("occ_2", attendees: [RuleWorld.bob], recurringEventId: "series_1")))
        #expect(second.writes.isEmpty && second.reason("X7")?.text.contains("occ_1") == true)
        // An update of the first occurrence still syncs (E5).
        let update = world.run(Fixtures.activity("act_4", .calendarUpserted, meeting: Fixtures.meeting("occ_1", title: "Moved", attendees: [RuleWorld.bob], recurringEventId: "series_1")))
        #expect(update.writes.count == 1)
    }

    @Test("X: every excluded activity has an audit entry naming the rule")
    func auditEntry() {
        var world = RuleWorld()
        let story = world.run(sent(to: ["noreply@globex.com"]))
        let json = story.json()
        #expect(json.contains("\"rule\":\"X1\""))
        #expect(json.contains("noreply@globex.com"))
    }
}
