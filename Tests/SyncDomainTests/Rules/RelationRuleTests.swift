import SyncDomain
import SyncWorkloads
import Testing

@Suite("R: related records")
struct RelationRuleTests {
    @Test("R1: only Email counts, case-insensitive and trimmed")
    func emailMatch() {
        var world = RuleWorld(records: [Fixtures.account(1), Fixtures.contact(1, email: "  Bob@Globex.COM ", account: 1)])
        let story = world.run(sent(to: ["BOB@globex.com"]))
        #expect(story.plannedWrites[0].string("WhoId") == RuleWorld.bobId)
        #expect(story.has("R1"))
        // A field other than Email (a secondary address) never matches.
        var other = RuleWorld(records: [Fixtures.change("Contact", [("Id", .string(Fixtures.id("003", 5))), ("Email", .string("x@globex.com")), ("Secondary_Email__c", .string("bob@globex.com"))])])
        #expect(other.run(sent()).writes.isEmpty)
    }

    @Test("R2: a Contact wins over a Lead; the loser is audited")
    func contactOverLead() {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.lead(1, email: RuleWorld.bob, at: Fixtures.start.adding(milliseconds: 1000))])
        let story = world.run(sent())
        #expect(story.plannedWrites.map { $0.string("WhoId") } == [RuleWorld.bobId])
        let r2 = story.reason("R2")!
        #expect(r2.text.contains("a Contact wins over a Lead"))
        #expect(r2.data.contains(.init("lost", Fixtures.id("00Q", 1))))
    }

    @Test("R2: among equals the most recently modified wins")
    func mostRecent() {
        let t0 = Fixtures.start
        var world = RuleWorld(records: [
            Fixtures.account(1),
            Fixtures.contact(1, email: RuleWorld.bob, account: 1, at: t0),
            Fixtures.contact(2, email: RuleWorld.bob, account: 1, at: t0.adding(milliseconds: 5_000)),
            Fixtures.contact(3, email: RuleWorld.bob, account: 1, at: t0.adding(milliseconds: 1_000)),
        ])
        let story = world.run(sent(at: t0.adding(milliseconds: 10_000)))
        #expect(story.plannedWrites.map { $0.string("WhoId") } == [Fixtures.id("003", 2)])
        #expect(story.reason("R2")?.text.contains("most recently modified") == true)
        #expect(story.reason("R2")?.data.filter { $0.key == "lost" }.count == 2)
    }

    @Test("R3: a converted Lead is never a target: its Contact is (conversion event and changed fields, C6)")
    func convertedLead() {
        var world = RuleWorld(records: [Fixtures.account(1), Fixtures.lead(1, email: "lee@globex.com"), Fixtures.contact(7, email: "lee.new@globex.com", account: 1),
                                        Fixtures.converted(lead: 1, contact: 7)])
        let story = world.run(sent(to: ["lee@globex.com"]))
        #expect(story.plannedWrites.map { $0.string("WhoId") } == [Fixtures.id("003", 7)])
        #expect(story.has("R3"))
        // C6: the same recognised from the Lead's changed fields.
        var fields = RuleWorld(records: [Fixtures.account(1), Fixtures.lead(1, email: "lee@globex.com"), Fixtures.contact(7, email: "lee.new@globex.com", account: 1),
                                         Fixtures.change("Lead", [("Id", .string(Fixtures.id("00Q", 1))), ("IsConverted", .bool(true)), ("ConvertedContactId", .string(Fixtures.id("003", 7)))], type: .update)])
        #expect(fields.run(sent(to: ["lee@globex.com"])).plannedWrites.map { $0.string("WhoId") } == [Fixtures.id("003", 7)])
    }

    @Test("R4: a merged-away Contact leads to the master; records merged away are gone")
    func mergedContact() {
        var world = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "bob.old@globex.com", account: 1),
                                                                    Fixtures.merged(master: RuleWorld.bobId, merged: [Fixtures.id("003", 2)])])
        let story = world.run(sent(to: ["bob.old@globex.com"]))
        #expect(story.plannedWrites.map { $0.string("WhoId") } == [RuleWorld.bobId])
        #expect(story.has("R4"))
        // C6: MasterRecordId on a deleted record is a merge too.
        var fields = RuleWorld(records: RuleWorld.standardRecords + [Fixtures.contact(2, email: "bob.old@globex.com", account: 1),
            Fixtures.change("Contact", [("Id", .string(Fixtures.id("003", 2))), ("IsDeleted", .bool(true)), ("MasterRecordId", .string(RuleWorld.bobId))], type: .delete)])
        #expect(fields.run(sent(to: ["bob.old@globex.com"])).plannedWrites.map { $0.string("WhoId") } == [RuleWorld.bobId])
    }

    @Test("R5: unresolved, setting off: audited, waits, and is planned again when the record appears within 15 days")
    func unresolvedWaits() {
        var world = RuleWorld()
        let story = world.run(sent(to: ["new@globex.com"]))
        #expect(story.writes.isEmpty && story.status == .notSynced && story.has("R5"))
        world.add(Fixtures.contact(2, email: "New@Globex.com", account: 1, at: Fixtures.start.adding(milliseconds: 14 * 86_400_000)))
        let later = world.story("act_1")
        #expect(later.planPositions.count == 2)
        #expect(later.plannedWrites.map { $0.string("WhoId") } == [Fixtures.id("003", 2)])
        #expect(later.status == .pending)
        #expect(later.reasons.first?.rule == "R5")
    }

    @Test("R5: a record appearing after 15 days does not re-plan (measured against the change's time)")
    func unresolvedTooOld() {
        var world = RuleWorld()
        world.run(sent(to: ["new@globex.com"]))
        world.add(Fixtures.contact(2, email: "new@globex.com", account: 1, at: Fixtures.start.adding(milliseconds: 16 * 86_400_000)))
        #expect(world.story("act_1").planPositions.count == 1)
    }

    @Test("R5: unresolved, setting on: logged without a Name, not re-planned")
    func unresolvedLogged() {
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(syncUnresolved: true)]))
        let story = world.run(sent(to: ["new@globex.com"]))
        #expect(story.writes.count == 1 && story.plannedWrites[0][field: "WhoId"] == nil)
        world.add(Fixtures.contact(2, email: "new@globex.com", account: 1))
        #expect(world.story("act_1").planPositions.count == 1)
    }

    @Test("R5: re-plan is deterministic: the plan event id is plan/{workspace}/{activity}/{revision}")
    func replanIds() {
        var world = RuleWorld()
        world.run(sent(to: ["new@globex.com"]))
        world.add(Fixtures.contact(2, email: "new@globex.com", account: 1))
        let ids = world.loop.events.compactMap { e -> String? in if case .activityPlanned = e.event { return e.id.rawValue } else { return nil } }
        #expect(ids == ["plan/acme/act_1/1", "plan/acme/act_1/2"])
    }

    // MARK: R6

    /// Globex with opportunities: 1 (Bob primary role), 2 (Bob role, closed), 3 (no role, owned by user 1), 4 (no role, owned by user 2).
    static var oppWorldRecords: [EventEnvelope] {
        RuleWorld.standardRecords + [
            Fixtures.opportunity(1, account: 1, owner: 2), Fixtures.opportunity(2, account: 1, owner: 1, closed: true),
            Fixtures.opportunity(3, account: 1, owner: 1), Fixtures.opportunity(4, account: 1, owner: 2),
            Fixtures.contactRole(1, contact: 1, opportunity: 1, primary: true), Fixtures.contactRole(2, contact: 1, opportunity: 2, primary: false),
        ]
    }

    struct OppCase: Sendable, CustomTestStringConvertible {
        var name: String
        var role: RoleSettings
        var expected: [Int?]
        var testDescription: String { name }
    }

    static let oppCases: [OppCase] = [
        OppCase(name: "contact role (open only)", role: Fixtures.role(), expected: [1]),
        OppCase(name: "contact role + closed", role: Fixtures.role(closed: true), expected: [1, 2]),
        OppCase(name: "all account opportunities (open)", role: Fixtures.role(allAccount: true), expected: [1, 3, 4]),
        OppCase(name: "all account + closed", role: Fixtures.role(allAccount: true, closed: true), expected: [1, 2, 3, 4]),
        OppCase(name: "all account + owner only", role: Fixtures.role(onlyOwned: true, allAccount: true), expected: [3]),
        OppCase(name: "contact role + owner only -> account", role: Fixtures.role(onlyOwned: true), expected: [nil]),
        OppCase(name: "contact role + closed + owner only", role: Fixtures.role(onlyOwned: true, closed: true), expected: [2]),
    ]

    @Test("R6: every opportunity option gives one Task per Opportunity", arguments: oppCases)
    func opportunities(_ c: OppCase) {
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": c.role]), records: Self.oppWorldRecords)
        let story = world.run(sent())
        let whats = story.plannedWrites.map { $0.string("WhatId") }
        let expected = c.expected.map { $0.map { Fixtures.id("006", $0) } ?? RuleWorld.globex }
        #expect(whats == expected)
        #expect(Set(story.plannedWrites.map(\.syncKey)).count == story.plannedWrites.count)
        #expect(story.has("R6"))
    }

    @Test("R6: the audit says how an opportunity was chosen")
    func opportunityReason() {
        var world = RuleWorld(records: Self.oppWorldRecords)
        let story = world.run(sent())
        #expect(story.reasons.contains { $0.rule == "R6" && $0.text == "opportunity \(Fixtures.id("006", 1)) via contact role (primary)" })
    }

    @Test("R6: no Opportunity: the Account; no Account: WhatId empty")
    func accountFallback() {
        var world = RuleWorld()
        #expect(world.run(sent()).plannedWrites[0].string("WhatId") == RuleWorld.globex)
        var noAccount = RuleWorld(records: [Fixtures.contact(1, email: RuleWorld.bob)])
        let story = noAccount.run(sent())
        #expect(story.plannedWrites[0][field: "WhatId"] == nil && story.has("R6"))
    }

    @Test("R6: a role that does not log to standard objects leaves WhatId empty")
    func standardOff() {
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(standard: false)]), records: Self.oppWorldRecords)
        #expect(world.run(sent()).plannedWrites.map { $0[field: "WhatId"] } == [nil])
    }

    @Test("R7: a Lead has no WhatId")
    func leadNoWhat() {
        var world = RuleWorld(records: [Fixtures.lead(1, email: "lee@prospect.io")])
        let story = world.run(sent(to: ["lee@prospect.io"]))
        #expect(story.plannedWrites.count == 1)
        #expect(story.plannedWrites[0].string("WhoId") == Fixtures.id("00Q", 1))
        #expect(story.plannedWrites[0][field: "WhatId"] == nil)
        #expect(story.has("R7"))
    }

    @Test("R8: one Task per custom record whose lookup points at the Who or What")
    func customObjects() {
        let role = Fixtures.role(custom: [CustomObjectLink(object: "Project__c", lookupFields: ["Contact__c", "Account__c"])])
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": role]), records: RuleWorld.standardRecords + [
            Fixtures.customRecord("Project__c", 1, lookups: [("Contact__c", RuleWorld.bobId)]),
            Fixtures.customRecord("Project__c", 2, lookups: [("Account__c", RuleWorld.globex)]),
            Fixtures.customRecord("Project__c", 3, lookups: [("Contact__c", Fixtures.id("003", 99))]),
            Fixtures.customRecord("Other__c", 4, lookups: [("Contact__c", RuleWorld.bobId)]),
        ])
        let story = world.run(sent())
        let whats = story.plannedWrites.compactMap { $0.string("WhatId") }
        #expect(whats == [RuleWorld.globex, Fixtures.id("a01", 1), Fixtures.id("a01", 2)])
        #expect(story.reasons.filter { $0.rule == "R8" }.count == 2)
    }

    @Test("R9: rollup to primary account: Opportunity when there is one, else the Account is left to Salesforce")
    func rollup() {
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(rollup: true)]), records: Self.oppWorldRecords)
        #expect(world.run(sent()).plannedWrites.map { $0.string("WhatId") } == [Fixtures.id("006", 1)])
        var noOpp = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": Fixtures.role(rollup: true)]))
        let story = noOpp.run(sent())
        #expect(story.plannedWrites[0][field: "WhatId"] == nil && story.has("R9"))
    }

    @Test("Known records: an update about a record never seen is recorded as an inconsistency (C3)")
    func inconsistency() {
        var world = RuleWorld()
        world.add(Fixtures.contact(42, email: "ghost@globex.com", type: .update))
        #expect(world.state.records.inconsistentObjects["Contact"] == 1)
        #expect(world.state.records.recentInconsistencies.last?.problem == "update about a record never seen")
    }

    @Test("Known records: a deleted Contact is not a target; 15-character ids are the same records")
    func deletions() {
        var world = RuleWorld()
        world.add(EventEnvelope(id: EventID("del/1"), workspace: "acme", recordedAt: Fixtures.start, event: .salesforceRecordDeleted(
            SalesforceRecordDeleted(object: "Contact", recordId: String(RuleWorld.bobId.prefix(15)), source: .sweep))))
        #expect(world.run(sent()).writes.isEmpty)
    }
}
