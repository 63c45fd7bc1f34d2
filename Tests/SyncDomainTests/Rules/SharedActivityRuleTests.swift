import SyncDomain
import SyncWorkloads
import Testing

@Suite("H: shared activities")
struct SharedActivityRuleTests {
    static func contacts(_ n: Int) -> [EventEnvelope] {
        [Fixtures.account(1)] + (1...max(n, 1)).map { Fixtures.contact($0, email: "p\($0)@globex.com", account: 1) }
    }

    static func addresses(_ n: Int) -> [String] { (1...max(n, 1)).prefix(n).map { "p\($0)@globex.com" } }

    @Test("H1: shared activities are on when the Task describe has TaskWhoIds; off without it")
    func detection() {
        var on = RuleWorld(describe: Fixtures.describe(sharedActivities: true), records: Self.contacts(3))
        #expect(on.run(sent(to: Self.addresses(3))).writes.count == 1)
        var off = RuleWorld(describe: Fixtures.describe(sharedActivities: false), records: Self.contacts(3))
        #expect(off.run(sent(to: Self.addresses(3))).writes.count == 3)
    }

    @Test("H3: 0, 1, 50, 51 and 120 Contacts give 0, 1, 1, 2 and 3 Tasks of at most 50, primary first of each batch",
          arguments: [(0, [Int]()), (1, [1]), (50, [50]), (51, [50, 1]), (120, [50, 50, 20])])
    func batches(_ count: Int, _ sizes: [Int]) {
        var world = RuleWorld(describe: Fixtures.describe(sharedActivities: true), records: Self.contacts(count))
        let to = count == 0 ? ["nobody@nowhere.org"] : Self.addresses(count)
        let story = world.run(sent(to: to))
        let lists = story.plannedWrites.map { w -> [String] in
            if case .idList(let ids)? = w[field: "TaskWhoIds"] { return ids }
            return w.string("WhoId").map { [$0] } ?? []
        }
        #expect(lists.map(\.count) == sizes)
        var offset = 0
        for (i, list) in lists.enumerated() {
            #expect(story.plannedWrites[i].string("WhoId") == list.first)
            #expect(list == (offset..<(offset + list.count)).map { Fixtures.id("003", $0 + 1) }, "recipient order")
            offset += list.count
        }
        #expect(Set(story.plannedWrites.map(\.syncKey)).count == story.plannedWrites.count)
    }

    @Test("H2: only sent emails are shared: opens and replies stay one Task per person")
    func onlySent() {
        var world = RuleWorld(describe: Fixtures.describe(sharedActivities: true), records: Self.contacts(2))
        let open = world.run(engagement("act_1", .emailOpened, recipient: "p1@globex.com", to: Self.addresses(2)))
        #expect(open.plannedWrites.count == 1 && open.plannedWrites[0][field: "TaskWhoIds"] == nil)
        let reply = world.run(sent("act_2", to: Self.addresses(2), isReply: true, message: "msg_2"))
        #expect(reply.plannedWrites.count == 1 && reply.plannedWrites[0][field: "TaskWhoIds"] != nil)
    }

    @Test("H4: excluded addresses are left out of the batches")
    func exclusionsLeftOut() {
        var world = RuleWorld(describe: Fixtures.describe(sharedActivities: true),
                              records: Self.contacts(3) + [Fixtures.contact(9, email: "noreply@globex.com", account: 1)])
        let story = world.run(sent(to: ["noreply@globex.com", "p1@globex.com", "p2@globex.com", "colleague@acme.com", "p3@globex.com"]))
        #expect(story.plannedWrites.count == 1)
        #expect(story.plannedWrites[0][field: "TaskWhoIds"] == .idList([1, 2, 3].map { Fixtures.id("003", $0) }))
        #expect(story.has("X1") && story.has("X2"))
    }

    @Test("H5: the primary Contact's opportunities decide WhatId: one Task per Opportunity")
    func primaryOpportunities() {
        let records = Self.contacts(3) + [Fixtures.opportunity(1, account: 1), Fixtures.opportunity(2, account: 1),
                                          Fixtures.contactRole(1, contact: 1, opportunity: 1, primary: true), Fixtures.contactRole(2, contact: 1, opportunity: 2, primary: false),
                                          Fixtures.contactRole(3, contact: 2, opportunity: 2, primary: true)]
        var world = RuleWorld(describe: Fixtures.describe(sharedActivities: true), records: records)
        let story = world.run(sent(to: Self.addresses(3)))
        #expect(story.plannedWrites.map { $0.string("WhatId") } == [Fixtures.id("006", 1), Fixtures.id("006", 2)])
        #expect(story.plannedWrites.allSatisfy { $0[field: "TaskWhoIds"] == .idList([1, 2, 3].map { Fixtures.id("003", $0) }) })
    }

    @Test("H6: Leads are never shared, mixed in with Contacts")
    func leadsMixedIn() {
        var world = RuleWorld(describe: Fixtures.describe(sharedActivities: true),
                              records: Self.contacts(2) + [Fixtures.lead(1, email: "lee@prospect.io"), Fixtures.lead(2, email: "kim@prospect.io")])
        let story = world.run(sent(to: ["lee@prospect.io", "p1@globex.com", "kim@prospect.io", "p2@globex.com"]))
        #expect(story.plannedWrites.count == 3)
        #expect(story.plannedWrites[0][field: "TaskWhoIds"] == .idList([Fixtures.id("003", 1), Fixtures.id("003", 2)]))
        #expect(story.plannedWrites[1...].map { $0.string("WhoId") } == [Fixtures.id("00Q", 1), Fixtures.id("00Q", 2)])
        #expect(story.plannedWrites[1...].allSatisfy { $0[field: "TaskWhoIds"] == nil && $0[field: "WhatId"] == nil })
        #expect(story.has("H6"))
    }

    @Test("H7: calendar events and custom objects are never shared")
    func neverShared() {
        let role = Fixtures.role(custom: [CustomObjectLink(object: "Project__c", lookupFields: ["Contact__c"])])
        var world = RuleWorld(configuration: Fixtures.configuration(roles: ["sales": role]), describe: Fixtures.describe(sharedActivities: true),
                              records: Self.contacts(2) + [Fixtures.customRecord("Project__c", 1, lookups: [("Contact__c", Fixtures.id("003", 2))])])
        let story = world.run(sent(to: Self.addresses(2)))
        let custom = story.plannedWrites.filter { $0.string("WhatId") == Fixtures.id("a01", 1) }
        #expect(custom.count == 1 && custom[0][field: "TaskWhoIds"] == nil && custom[0].string("WhoId") == Fixtures.id("003", 2))
        let event = world.run(Fixtures.activity("act_2", .calendarUpserted, meeting: Fixtures.meeting(attendees: Self.addresses(2))))
        #expect(event.plannedWrites.allSatisfy { $0[field: "TaskWhoIds"] == nil && $0[field: "EventWhoIds"] == nil })
    }
}
