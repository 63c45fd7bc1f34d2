import Foundation
import HTTPTypes
import SalesforceEmulator
import Testing

/// sObject Collections: create, update, upsert by external id, delete; 200 cap; allOrNone; one call each.
@Suite struct CollectionsTests {
    static func tasks(_ n: Int, from start: Int = 0, prefix: String = "key") -> String {
        (start..<(start + n)).map { #"{"attributes":{"type":"Task"},"Synclog_Key__c":"\#(prefix)-\#($0)","Subject":"Sent \#($0)","WhoId":"003000000000001AAA","Status":"Completed"}"# }
            .joined(separator: ",")
    }

    @Test func upsertOf200TasksCreatesThenUpdatesSharingOneStampAndCountsOneCall() async throws {
        let h = try Harness()
        try await h.run { c in
            let before = h.org.apiUsage()
            let r = try await c.patch("composite/sobjects/Task/Synclog_Key__c", #"{"allOrNone":false,"records":[\#(Self.tasks(200))]}"#)
            #expect(r.status == 200)
            let items = try #require(r.json?.arrayValue)
            #expect(items.count == 200)
            #expect(items.allSatisfy { $0["success"] == true && $0["created"] == true && $0["errors"] == [] })
            #expect(h.org.apiUsage() == before + 1)
            let stamps = Set(h.org.records(of: "Task").compactMap { $0.fields["SystemModstamp"]?.stringValue })
            #expect(stamps.count == 1)
            let again = try await c.patch("composite/sobjects/Task/Synclog_Key__c", #"{"allOrNone":false,"records":[\#(Self.tasks(200))]}"#)
            #expect(again.json?.arrayValue?.allSatisfy { $0["created"] == false } == true)
            #expect(h.org.records(of: "Task").count == 200)
            #expect(items[0].serialized().hasPrefix(#"{"id":"00T"#))
        }
    }

    @Test func moreThan200RecordsIsRefused() async throws {
        try await Harness().run { c in
            let r = try await c.patch("composite/sobjects/Task/Synclog_Key__c", #"{"records":[\#(Self.tasks(201))]}"#)
            #expect(r.status == 400)
            #expect(r.json?[0]?["errorCode"] == "EXCEEDED_ID_LIMIT")
        }
    }

    @Test func perRecordErrorsUseStatusCodeAndAllOrNoneRollsBackTheInnocent() async throws {
        let h = try Harness()
        try await h.run { c in
            let body = #"{"attributes":{"type":"Task"},"Subject":"ok"},{"attributes":{"type":"Task"},"Subject":"Bounced x"}"#
            let partial = try await c.post("composite/sobjects", #"{"allOrNone":false,"records":[\#(body)]}"#)
            #expect(partial.status == 200)
            #expect(partial.json?[0]?["success"] == true)
            #expect(partial.json?[1]?.serialized() == #"{"success":false,"errors":[{"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"Bounces are not logged here","fields":[]}]}"#)
            #expect(h.org.records(of: "Task").count == 1)
            let all = try await c.post("composite/sobjects", #"{"allOrNone":true,"records":[\#(body)]}"#)
            #expect(all.json?[0]?.serialized() == #"{"success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]}"#)
            #expect(all.json?[1]?["errors"]?[0]?["statusCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION")
            #expect(h.org.records(of: "Task").count == 1)
        }
    }

    @Test func updateAndDeleteCollections() async throws {
        let h = try Harness()
        try await h.run { c in
            let made = try await c.post("composite/sobjects", #"{"records":[{"attributes":{"type":"Contact"},"LastName":"A"},{"attributes":{"type":"Contact"},"LastName":"B"}]}"#)
            let ids = try #require(made.json?.arrayValue?.compactMap { $0["id"]?.stringValue })
            #expect(ids.count == 2)
            let upd = try await c.patch("composite/sobjects", #"{"records":[{"attributes":{"type":"Contact"},"Id":"\#(ids[0])","Email":"a@x.com"},{"attributes":{"type":"Contact"},"Id":"003000000000009AAA","Email":"b@x.com"}]}"#)
            #expect(upd.json?[0]?["success"] == true)
            #expect(upd.json?[1]?["errors"]?[0]?["statusCode"] == "INVALID_CROSS_REFERENCE_KEY")
            #expect(h.org.record(id: ids[0])?.fields["Email"] == "a@x.com")
            let del = try await c.delete("composite/sobjects?ids=\(ids[0]),\(ids[1])&allOrNone=false")
            #expect(del.json?.arrayValue?.count == 2)
            #expect(del.json?[0]?.serialized() == #"{"id":"\#(ids[0])","success":true,"errors":[]}"#)
            let again = try await c.delete("composite/sobjects?ids=\(ids[0])")
            #expect(again.json?[0]?["errors"]?[0]?["statusCode"] == "ENTITY_IS_DELETED")
        }
    }

    @Test func duplicateKeysInOneUpsertFailTheLaterRecord() async throws {
        try await Harness().run { c in
            let r = try await c.patch("composite/sobjects/Task/Synclog_Key__c",
                                      #"{"records":[\#(Self.tasks(1)),\#(Self.tasks(1))]}"#)
            #expect(r.json?[0]?["success"] == true)
            #expect(r.json?[1]?["errors"]?[0]?["statusCode"] == "DUPLICATE_EXTERNAL_ID")
        }
    }

    @Test func compositeResolvesReferencesAndCountsOneCall() async throws {
        let h = try Harness()
        try await h.run { c in
            let before = h.org.apiUsage()
            let body = """
                {"allOrNone":true,"compositeRequest":[
                 {"method":"POST","url":"/services/data/v62.0/sobjects/Account","referenceId":"acc","body":{"Name":"Initrode"}},
                 {"method":"POST","url":"/services/data/v62.0/sobjects/Contact","referenceId":"con","body":{"LastName":"Wu","AccountId":"@{acc.id}"}},
                 {"method":"GET","url":"/services/data/v62.0/sobjects/Contact/@{con.id}","referenceId":"read"}]}
                """
            let r = try await c.post("composite", body)
            #expect(r.status == 200)
            let subs = try #require(r.json?["compositeResponse"]?.arrayValue)
            #expect(subs.map { $0["httpStatusCode"]?.intValue } == [201, 201, 200])
            #expect(subs[2]["body"]?["AccountId"] == subs[0]["body"]?["id"])
            #expect(h.org.apiUsage() == before + 1)
            let failing = """
                {"allOrNone":true,"compositeRequest":[
                 {"method":"POST","url":"/services/data/v62.0/sobjects/Account","referenceId":"acc","body":{"Name":"Rolled back"}},
                 {"method":"POST","url":"/services/data/v62.0/sobjects/Contact","referenceId":"con","body":{"Nope__c":"x"}}]}
                """
            let f = try await c.post("composite", failing)
            let fsubs = try #require(f.json?["compositeResponse"]?.arrayValue)
            #expect(fsubs[0]["body"]?[0]?["errorCode"] == "PROCESSING_HALTED")
            #expect(fsubs[1]["body"]?[0]?["errorCode"] == "INVALID_FIELD")
            #expect(!h.org.records(of: "Account").contains { $0.fields["Name"] == "Rolled back" })
            let tooMany = "{\"compositeRequest\":[" + (0..<26).map { #"{"method":"GET","url":"/services/data/v62.0/limits","referenceId":"r\#($0)"}"# }.joined(separator: ",") + "]}"
            #expect(try await c.post("composite", tooMany).status == 400)
            let queries = "{\"compositeRequest\":[" + (0..<6).map { #"{"method":"GET","url":"/services/data/v62.0/query?q=SELECT+Id+FROM+Account","referenceId":"q\#($0)"}"# }.joined(separator: ",") + "]}"
            #expect(try await c.post("composite", queries).status == 400)
        }
    }
}
