import Foundation
import HTTPTypes
import HummingbirdTesting
import SalesforceEmulator
import Testing

/// sObject create/read/update/delete/upsert and their error bodies, byte for byte as salesforce.md shapes them.
@Suite struct SObjectTests {
    @Test(arguments: [TestingSetup.router, .live])
    func createReturns201WithAnEighteenCharacterIdWithTheTaskPrefixAndChecksum(mode: TestingSetup) async throws {
        let h = try Harness()
        try await h.run(mode) { c in
            let r = try await c.post("sobjects/Task/", #"{"Subject":"Call","WhoId":"003000000000001AAA","Status":"Completed"}"#)
            #expect(r.status == 201)
            let id = try #require(r.json?["id"]?.stringValue)
            #expect(r.text == #"{"id":"\#(id)","success":true,"errors":[]}"#)
            #expect(id.count == 18 && id.hasPrefix("00T"))
            #expect(SalesforceId.normalized(String(id.prefix(15))) == id)
            #expect(r.headers[.location] == "/services/data/v62.0/sobjects/Task/\(id)")
            let got = try await c.get("sobjects/Task/\(id)")
            #expect(got.status == 200)
            #expect(got.json?["Subject"]?.stringValue == "Call")
            #expect(got.json?["IsClosed"]?.boolValue == true)
            #expect(got.json?["Priority"]?.stringValue == "Normal")
            #expect(got.json?["AccountId"]?.stringValue == Fixtures.accountId)
            #expect(got.json?["OwnerId"]?.stringValue == Fixtures.aliceId)
            #expect(got.json?["attributes"]?["type"]?.stringValue == "Task")
            let stamp = try #require(got.json?["SystemModstamp"]?.stringValue)
            #expect(stamp.hasSuffix(".000+0000") && stamp.count == 28)
        }
    }

    @Test func aTaskCanBeRelatedToARecordOfACustomObject() async throws {
        let h = try Harness(extraSettings: #","customObjects":[{"name":"Project__c","keyPrefix":"a01","fields":[{"name":"Contact__c","type":"reference","referenceTo":["Contact"]}]}]"#)
        try await h.run { c in
            let project = try await c.post("sobjects/Project__c/", #"{"Name":"Rollout","Contact__c":"003000000000001AAA"}"#)
            #expect(project.status == 201)
            let projectId = try #require(project.json?["id"]?.stringValue)
            let task = try await c.post("sobjects/Task/", #"{"Subject":"Sent (New): Plan","WhoId":"003000000000001AAA","WhatId":"\#(projectId)","Status":"Completed"}"#)
            #expect(task.status == 201, "custom objects allow activities: a WhatId target (R8)")
            let describe = try await c.get("sobjects/Task/describe")
            let whatId = describe.json?["fields"]?.arrayValue?.first { $0["name"]?.stringValue == "WhatId" }
            #expect(whatId?["referenceTo"]?.arrayValue?.contains(.string("Project__c")) == true)
        }
    }

    @Test func checksumMatchesSalesforceForKnownIds() {
        // The well-known pair 001A0000006Vm9r / 001A0000006Vm9rIAC, and a hand-computed one.
        #expect(SalesforceId.normalized("001A0000006Vm9r") == "001A0000006Vm9rIAC")
        #expect(SalesforceId.normalized("001000000000001") == "001000000000001AAA")
        #expect(SalesforceId.normalized("00Q5e00000AbCdE") == "00Q5e00000AbCdEEAV")
        #expect(SalesforceId.normalized("00Q5e00000AbCdEeav") == "00Q5e00000AbCdEEAV")
        #expect(SalesforceId.normalized("00Q5e00000AbCdEAAA") == nil)
        #expect(SalesforceId.normalized("short") == nil)
    }

    @Test func bodyWithIdIsRejectedOnCreate() async throws {
        try await Harness().run { c in
            let r = try await c.post("sobjects/Task", #"{"Id":"00T000000000001AAA","Subject":"x"}"#)
            #expect(r.status == 400)
            #expect(r.text == #"[{"message":"Record ID: cannot specify Id in an insert call","errorCode":"INVALID_FIELD_FOR_INSERT_UPDATE","fields":[]}]"#)
        }
    }

    @Test func hiddenAndUnknownFieldsAreInvalidField() async throws {
        try await Harness().run { c in
            let hidden = try await c.post("sobjects/Task", #"{"Subject":"x","Type":"Email"}"#)
            #expect(hidden.status == 400)
            #expect(hidden.text == #"[{"message":"No such column 'Type' on sobject of type Task","errorCode":"INVALID_FIELD","fields":[]}]"#)
            let unknown = try await c.post("sobjects/Contact", #"{"LastName":"x","Nope__c":1}"#)
            #expect(unknown.text == #"[{"message":"No such column 'Nope__c' on sobject of type Contact","errorCode":"INVALID_FIELD","fields":[]}]"#)
        }
    }

    @Test func subjectOver255IsStringTooLong() async throws {
        try await Harness().run { c in
            let subject = String(repeating: "a", count: 256)
            let r = try await c.post("sobjects/Task", #"{"Subject":"\#(subject)"}"#)
            #expect(r.status == 400)
            #expect(r.json?[0]?["errorCode"] == "STRING_TOO_LONG")
            #expect(r.json?[0]?["fields"] == ["Subject"])
            #expect(r.json?[0]?["message"]?.stringValue?.hasSuffix("(max length=255)") == true)
            let ok = try await c.post("sobjects/Task", #"{"Subject":"\#(String(subject.dropLast()))"}"#)
            #expect(ok.status == 201)
        }
    }

    @Test func whatIdWithALeadWhoIdIsRefused() async throws {
        try await Harness().run { c in
            let r = try await c.post("sobjects/Task", #"{"Subject":"x","WhoId":"00Q000000000001EAA","WhatId":"006000000000001AAA"}"#)
            #expect(r.status == 400)
            #expect(r.json?[0]?["errorCode"] == "FIELD_INTEGRITY_EXCEPTION")
            #expect(r.json?[0]?["fields"] == ["WhoId"])
            let leadOnly = try await c.post("sobjects/Task", #"{"Subject":"x","WhoId":"00Q000000000001EAA"}"#)
            #expect(leadOnly.status == 201)
        }
    }

    @Test func badIdsAreMalformedAndDeletedReferencesAreEntityIsDeleted() async throws {
        try await Harness().run { c in
            let bad = try await c.post("sobjects/Task", #"{"Subject":"x","WhoId":"003-not-an-id"}"#)
            #expect(bad.text == #"[{"message":"Name ID: id value of incorrect type: 003-not-an-id","errorCode":"MALFORMED_ID","fields":["WhoId"]}]"#)
            let badChecksum = try await c.patch("sobjects/Task/00T000000000001ZZZ", #"{"Subject":"x"}"#)
            #expect(badChecksum.status == 400)
            #expect(badChecksum.json?[0]?["errorCode"] == "MALFORMED_ID")
            let made = try await c.post("sobjects/Contact", #"{"LastName":"Temp"}"#)
            let id = try #require(made.json?["id"]?.stringValue)
            #expect(try await c.delete("sobjects/Contact/\(id)").status == 204)
            let r = try await c.post("sobjects/Task", #"{"Subject":"x","WhoId":"\#(id)"}"#)
            #expect(r.text == #"[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":["WhoId"]}]"#)
            let gone = try await c.get("sobjects/Contact/\(id)")
            #expect(gone.status == 404)
            #expect(gone.text == #"[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]"#)
        }
    }

    @Test func eventWithoutDurationOrEndIsRequiredFieldMissing() async throws {
        try await Harness().run { c in
            let r = try await c.post("sobjects/Event", #"{"Subject":"Meet","StartDateTime":"2026-11-20T15:00:00Z"}"#)
            #expect(r.status == 400)
            #expect(r.text == #"[{"message":"Required fields are missing: [DurationInMinutes]","errorCode":"REQUIRED_FIELD_MISSING","fields":["DurationInMinutes"]}]"#)
            let ok = try await c.post("sobjects/Event", #"{"Subject":"Meet","StartDateTime":"2026-11-20T15:00:00Z","EndDateTime":"2026-11-20T15:30:00.000+0000"}"#)
            #expect(ok.status == 201)
            let got = try await c.get("sobjects/Event/\(ok.json!["id"]!.stringValue!)")
            #expect(got.json?["DurationInMinutes"] == 30)
            #expect(got.json?["ActivityDate"] == "2026-11-20")
            let allDay = try await c.post("sobjects/Event", #"{"Subject":"Offsite","IsAllDayEvent":true,"ActivityDate":"2026-11-21"}"#)
            #expect(allDay.status == 201)
        }
    }

    @Test func validationRulesGiveTheRulesMessage() async throws {
        try await Harness().run { c in
            let r = try await c.post("sobjects/Task", #"{"Subject":"Bounced: hello"}"#)
            #expect(r.status == 400)
            #expect(r.text == #"[{"message":"Bounces are not logged here","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":[]}]"#)
        }
    }

    @Test func taskSubtypeIsSettableOnCreateOnly() async throws {
        try await Harness().run { c in
            let made = try await c.post("sobjects/Task", #"{"Subject":"x","TaskSubtype":"Email"}"#)
            #expect(made.status == 201)
            let id = made.json!["id"]!.stringValue!
            let r = try await c.patch("sobjects/Task/\(id)", #"{"TaskSubtype":"Call"}"#)
            #expect(r.status == 400)
            #expect(r.json?[0]?["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE")
            #expect(r.json?[0]?["fields"] == ["TaskSubtype"])
            let update = try await c.patch("sobjects/Task/\(id)", #"{"Subject":"y"}"#)
            #expect(update.status == 204 && update.text.isEmpty)
        }
    }

    @Test func inactiveOwnerIsRefused() async throws {
        try await Harness().run { c in
            let r = try await c.post("sobjects/Task", #"{"Subject":"x","OwnerId":"005000000000002AAA"}"#)
            #expect(r.json?[0]?["errorCode"] == "INACTIVE_OWNER_OR_USER")
        }
    }

    @Test func upsertByExternalIdCreatesThenUpdatesAnd300OnSeveralMatches() async throws {
        try await Harness().run { c in
            let first = try await c.patch("sobjects/Task/Synclog_Key__c/k-1", #"{"Subject":"one"}"#)
            #expect(first.status == 201)
            let id = try #require(first.json?["id"]?.stringValue)
            #expect(first.text == #"{"id":"\#(id)","success":true,"errors":[],"created":true}"#)
            let second = try await c.patch("sobjects/Task/Synclog_Key__c/k-1", #"{"Subject":"two"}"#)
            #expect(second.status == 200)
            #expect(second.text == #"{"id":"\#(id)","success":true,"errors":[],"created":false}"#)
            #expect(try await c.get("sobjects/Task/\(id)").json?["Subject"] == "two")
            // Other_Key__c is an external id that is not unique: two records can share a value.
            _ = try await c.post("sobjects/Task", #"{"Subject":"a","Other_Key__c":"dup"}"#)
            _ = try await c.post("sobjects/Task", #"{"Subject":"b","Other_Key__c":"dup"}"#)
            let many = try await c.patch("sobjects/Task/Other_Key__c/dup", #"{"Subject":"c"}"#)
            #expect(many.status == 300)
            #expect(many.json?.arrayValue?.count == 2)
            #expect(many.json?[0]?.stringValue?.hasPrefix("/services/data/v62.0/sobjects/Task/00T") == true)
            let unknown = try await c.patch("sobjects/Task/Nope__c/x", #"{"Subject":"c"}"#)
            #expect(unknown.status == 404)
            #expect(unknown.text == #"[{"message":"Provided external ID field does not exist or is not accessible: Nope__c","errorCode":"NOT_FOUND","fields":[]}]"#)
            // A unique external id cannot be taken twice.
            let dup = try await c.post("sobjects/Task", #"{"Subject":"z","Synclog_Key__c":"K-1"}"#)
            #expect(dup.json?[0]?["errorCode"] == "DUPLICATE_VALUE")
        }
    }

    @Test func unknownObjectIsNotFound() async throws {
        try await Harness().run { c in
            let r = try await c.get("sobjects/Nope__c/describe")
            #expect(r.status == 404)
            #expect(r.text == #"[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND","fields":[]}]"#)
        }
    }
}

extension JSON {
    subscript(index: Int) -> JSON? {
        guard case .array(let a) = self, index < a.count else { return nil }
        return a[index]
    }
}

@Test func fixtureIdsWithAMadeUpSuffixGetTheirRealChecksum() throws {
    let org = try EmulatorOrg(fixture: Fixtures.fixture())
    #expect(org.record(id: "00Q000000000001EAA")?.fields["LastName"] == "Lee")
    #expect(org.records(of: "Lead").map(\.id) == ["00Q000000000001EAA"])
}
