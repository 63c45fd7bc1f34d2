import Foundation
import HTTPTypes
import SalesforceEmulator
import Testing

/// Describes (from the recorded fixtures) and Shared Activities.
@Suite struct DescribeAndSharedActivityTests {
    @Test func globalDescribeListsEveryObjectAndTaskRelationOnlyWithSharedActivities() async throws {
        try await Harness().run { c in
            let g = try await c.get("sobjects")
            let names = Set(g.json?["sobjects"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
            for name in ["User", "Account", "Contact", "Lead", "Opportunity", "OpportunityContactRole", "Task", "Event", "Custom__c"] {
                #expect(names.contains(name), "\(name)")
            }
            #expect(!names.contains("TaskRelation"))
            #expect(g.json?["maxBatchSize"] == 200)
            let task = try await c.get("sobjects/Task/describe")
            let fields = task.json?["fields"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(fields.contains("Synclog_Key__c") && fields.contains("TaskSubtype") && !fields.contains("Type"))
            #expect(!fields.contains("TaskWhoIds"))
            #expect(task.json?["keyPrefix"] == "00T")
            let key = task.json?["fields"]?.arrayValue?.first { $0["name"] == "Synclog_Key__c" }
            #expect(key?["externalId"] == true && key?["unique"] == true)
            let event = try await c.get("sobjects/Event/describe")
            #expect(event.json?["fields"]?.arrayValue?.contains { $0["name"] == "MixmaxActivityDateTime__c" } == true)
            // Recorded describes are served as recorded (keys sorted, fields from the org).
            let account = try await c.get("sobjects/Account/describe")
            #expect(account.json?["fields"]?.arrayValue?.count == 68)
            #expect(account.json?["urls"]?["describe"] == "/services/data/v62.0/sobjects/Account/describe")
        }
    }

    @Test func sharedActivitiesAddWhoIdListsAndTaskRelationRows() async throws {
        let h = try Harness(shared: true)
        try await h.run { c in
            let g = try await c.get("sobjects")
            #expect(g.json?["sobjects"]?.arrayValue?.contains { $0["name"] == "TaskRelation" } == true)
            let describe = try await c.get("sobjects/Task/describe")
            #expect(describe.json?["fields"]?.arrayValue?.contains { $0["name"] == "TaskWhoIds" && $0["type"] == "junctionidlist" } == true)
            let second = try await c.post("sobjects/Contact", #"{"LastName":"Two"}"#).json!["id"]!.stringValue!
            let made = try await c.post("sobjects/Task", #"{"Subject":"Meeting notes","TaskWhoIds":["003000000000001AAA","\#(second)"],"WhatId":"006000000000001AAA"}"#)
            #expect(made.status == 201)
            let id = made.json!["id"]!.stringValue!
            #expect(h.org.record(id: id)?.fields["WhoId"]?.stringValue == Fixtures.contactId)
            let rel = try await c.get("query?q=" + "SELECT RelationId, IsWhat FROM TaskRelation WHERE TaskId = '\(id)' ORDER BY IsWhat, RelationId".urlQueryEncoded)
            let rows = rel.json?["records"]?.arrayValue ?? []
            #expect(rows.count == 3)
            #expect(rows.filter { $0["IsWhat"] == false }.count == 2)
            let mixed = try await c.post("sobjects/Task", #"{"Subject":"x","TaskWhoIds":["003000000000001AAA","00Q000000000001EAA"]}"#)
            #expect(mixed.json?[0]?["errorCode"] == "FIELD_INTEGRITY_EXCEPTION")
            let contacts = (0..<51).map { #"{"attributes":{"type":"Contact"},"LastName":"P\#($0)"}"# }
            var ids: [String] = []
            for chunk in [Array(contacts[0..<51])] {
                let r = try await c.post("composite/sobjects", #"{"records":[\#(chunk.joined(separator: ","))]}"#)
                ids += r.json?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            }
            let list = ids.map { "\"\($0)\"" }.joined(separator: ",")
            let tooMany = try await c.post("sobjects/Task", #"{"Subject":"x","TaskWhoIds":[\#(list)]}"#)
            #expect(tooMany.json?[0]?["errorCode"] == "FIELD_INTEGRITY_EXCEPTION")
            let fifty = ids.prefix(50).map { "\"\($0)\"" }.joined(separator: ",")
            #expect(try await c.post("sobjects/Task", #"{"Subject":"x","TaskWhoIds":[\#(fifty)]}"#).status == 201)
        }
    }

    @Test func withoutSharedActivitiesTaskWhoIdsIsAnInvalidField() async throws {
        try await Harness().run { c in
            let r = try await c.post("sobjects/Task", #"{"Subject":"x","TaskWhoIds":["003000000000001AAA"]}"#)
            #expect(r.text == #"[{"message":"No such column 'TaskWhoIds' on sobject of type Task","errorCode":"INVALID_FIELD","fields":[]}]"#)
        }
    }
}
