import Foundation
import HTTPTypes
import HummingbirdTesting
import SalesforceEmulator
import Synchronization
import Testing

/// Admin endpoints (state, records, faults, calls, clock), updated/deleted windows, conversion and merge.
@Suite struct AdminAndReplicationTests {
    static let iso = "2026-11-20T10:00:00Z"

    func freeze(_ c: Client, _ at: String) async throws {
        let r = try await c.call(.post, "/__emulator/clock", #"{"now":"\#(at)","frozen":true}"#, authorized: false)
        #expect(r.status == 200)
        #expect(r.json?["now"]?.stringValue?.hasPrefix(String(at.prefix(19))) == true)
    }

    @Test func updatedAndDeletedWindowsTruncateToTheMinuteAndKeepTheirDays() async throws {
        try await Harness().run { c in
            try await freeze(c, "2026-11-20T10:00:30Z")
            let made = try await c.post("sobjects/Contact", #"{"LastName":"W"}"#)
            let id = made.json!["id"]!.stringValue!
            try await freeze(c, "2026-11-20T10:05:00Z")
            _ = try await c.delete("sobjects/Contact/\(id)")
            try await freeze(c, "2026-11-20T12:00:00Z")
            let updated = try await c.get("sobjects/Contact/updated/?start=2026-11-20T10:00:59%2B00:00&end=2026-11-20T11:30:45Z")
            #expect(updated.status == 200)
            // Deleted records are not in updated/; the window starts at 10:00 (seconds ignored).
            #expect(updated.text == #"{"ids":[],"latestDateCovered":"2026-11-20T11:30:00.000+0000"}"#)
            let live = try await c.post("sobjects/Contact", #"{"LastName":"Live"}"#)
            let liveId = live.json!["id"]!.stringValue!
            try await freeze(c, "2026-11-20T12:10:00Z")
            let u2 = try await c.get("sobjects/Contact/updated/?start=2026-11-20T11:59:00Z&end=2026-11-20T12:10:00Z")
            #expect(u2.json?["ids"] == [.string(liveId)])
            let deleted = try await c.get("sobjects/Contact/deleted/?start=2026-11-20T10:00:00Z&end=2026-11-20T12:00:00Z")
            #expect(deleted.json?["deletedRecords"]?[0]?.serialized() == #"{"id":"\#(id)","deletedDate":"2026-11-20T10:05:00.000+0000"}"#)
            #expect(deleted.json?["earliestDateAvailable"] == "2026-11-05T12:10:00.000+0000")
            // 16 days later the deletion has left the 15-day window; updated/ refuses starts older than 30 days.
            try await freeze(c, "2026-12-06T12:00:00Z")
            let fresh = try await c.call(.post, "/__emulator/token", "{}", authorized: false)
            let token = fresh.json!["access_token"]!.stringValue!
            let old = try await c.call(.get, "sobjects/Contact/deleted/?start=2026-11-20T10:00:00Z&end=2026-12-06T12:00:00Z", token: token)
            #expect(old.json?["deletedRecords"] == [])
            try await freeze(c, "2026-12-21T12:00:00Z")
            let token2 = try await c.call(.post, "/__emulator/token", "{}", authorized: false).json!["access_token"]!.stringValue!
            let tooOld = try await c.call(.get, "sobjects/Contact/updated/?start=2026-11-20T10:00:00Z&end=2026-12-21T12:00:00Z", token: token2)
            #expect(tooOld.status == 400)
            #expect(tooOld.json?[0]?["errorCode"] == "INVALID_REPLICATION_DATE")
        }
    }

    @Test func adminRecordsChangeTheOrgAsAPersonAndStateShowsDeletedOnes() async throws {
        let h = try Harness()
        try await h.run { c in
            let r = try await c.call(.post, "/__emulator/records",
                                     #"{"records":[{"attributes":{"type":"Contact"},"LastName":"Person","Email":"p@x.com"},{"Id":"003000000000001AAA","Email":"bob2@globex.com"}]}"#,
                                     authorized: false)
            #expect(r.status == 200)
            #expect(r.json?[0]?["created"] == true && r.json?[1]?["created"] == false)
            #expect(h.org.record(id: Fixtures.contactId)?.fields["Email"] == "bob2@globex.com")
            let id = r.json![0]!["id"]!.stringValue!
            #expect(try await c.call(.delete, "/__emulator/records/Contact/\(id)", authorized: false).status == 204)
            let state = try await c.call(.get, "/__emulator/state", authorized: false)
            let contacts = try #require(state.json?["Contact"]?.arrayValue)
            #expect(contacts.contains { $0["Id"]?.stringValue == id && $0["IsDeleted"] == true })
            // Admin changes are not API calls.
            #expect(h.org.apiUsage() == 0)
        }
    }

    @Test func faultsFireForNCallsThenStop() async throws {
        let h = try Harness()
        try await h.run { c in
            let add = try await c.call(.post, "/__emulator/faults",
                                       #"{"rules":[{"method":"PATCH","path":"/composite/sobjects","object":"Task","errorCode":"UNABLE_TO_LOCK_ROW","times":1}]}"#,
                                       authorized: false)
            #expect(add.status == 200)
            let body = #"{"records":[\#(CollectionsTests.tasks(2))]}"#
            let locked = try await c.patch("composite/sobjects/Task/Synclog_Key__c", body)
            #expect(locked.status == 200)
            #expect(locked.json?[0]?["errors"]?[0]?["statusCode"] == "UNABLE_TO_LOCK_ROW")
            #expect(locked.json?.arrayValue?.count == 2)
            #expect(h.org.records(of: "Task").isEmpty)
            let ok = try await c.patch("composite/sobjects/Task/Synclog_Key__c", body)
            #expect(ok.json?[0]?["success"] == true)
            _ = try await c.call(.post, "/__emulator/faults", #"{"path":"/limits","errorCode":"SERVER_UNAVAILABLE","status":503,"times":1}"#, authorized: false)
            let unavailable = try await c.get("limits")
            #expect(unavailable.status == 503)
            #expect(unavailable.json?[0]?["errorCode"] == "SERVER_UNAVAILABLE")
            _ = try await c.call(.post, "/__emulator/faults", #"{"path":"/limits","errorCode":"INVALID_SESSION_ID","times":1}"#, authorized: false)
            #expect(try await c.get("limits").status == 401)
            #expect(try await c.get("limits").status == 200)
            #expect(h.org.calls().compactMap(\.fault) == ["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "INVALID_SESSION_ID"])
        }
    }

    @Test func probabilisticFaultsRepeatWithTheSameSeed() async throws {
        func run() async throws -> [Int] {
            let h = try Harness()
            let statuses = Mutex<[Int]>([])
            try await h.run { c in
                _ = try await c.call(.post, "/__emulator/faults", #"{"path":"/limits","errorCode":"UNABLE_TO_LOCK_ROW","probability":0.5,"seed":42}"#, authorized: false)
                for _ in 0..<20 {
                    let s = try await c.get("limits").status
                    statuses.withLock { $0.append(s) }
                }
            }
            return statuses.withLock { $0 }
        }
        let a = try await run()
        let b = try await run()
        #expect(a == b)
        #expect(a.contains(400) && a.contains(200))
    }

    @Test func aDroppedResponseStillAppliesTheWrite() async throws {
        let h = try Harness()
        try await h.run(.live) { c in
            _ = try await c.call(.post, "/__emulator/faults", #"{"path":"/sobjects/Task","action":"dropResponse","times":1}"#, authorized: false)
            await #expect(throws: (any Error).self) {
                let r = try await c.patch("sobjects/Task/Synclog_Key__c/dropped-1", #"{"Subject":"x"}"#)
                if r.status == 200 && r.text.isEmpty { throw CancellationError() }  // some clients see an empty 200
            }
            #expect(h.org.records(of: "Task").count == 1)
        }
    }

    @Test func aSlowResponseIsDelayed() async throws {
        let h = try Harness()
        try await h.run(.live) { c in
            _ = try await c.call(.post, "/__emulator/faults", #"{"path":"/limits","action":"delay","delayMs":400,"times":1}"#, authorized: false)
            let start = ContinuousClock.now
            #expect(try await c.get("limits").status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(400))
        }
    }

    @Test func leadConversionMovesActivitiesAndSetsConvertedFields() async throws {
        let h = try Harness()
        try await h.run { c in
            let task = try await c.post("sobjects/Task", #"{"Subject":"Called","WhoId":"00Q000000000001EAA"}"#)
            let taskId = task.json!["id"]!.stringValue!
            let r = try await c.call(.post, "/__emulator/convertLead", #"{"leadId":"00Q000000000001EAA"}"#, authorized: false)
            #expect(r.status == 200)
            let contactId = try #require(r.json?["contactId"]?.stringValue)
            let oppId = try #require(r.json?["opportunityId"]?.stringValue)
            let lead = try #require(h.org.record(id: "00Q000000000001EAA"))
            #expect(lead.fields["IsConverted"] == true)
            #expect(lead.fields["ConvertedContactId"]?.stringValue == contactId)
            #expect(lead.fields["ConvertedOpportunityId"]?.stringValue == oppId)
            let moved = try #require(h.org.record(id: taskId))
            #expect(moved.fields["WhoId"]?.stringValue == contactId)
            #expect(moved.fields["WhatId"]?.stringValue == oppId)
            let write = try await c.patch("sobjects/Lead/00Q000000000001EAA", #"{"Title":"x"}"#)
            #expect(write.json?[0]?["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD")
            let ref = try await c.post("sobjects/Task", #"{"Subject":"x","WhoId":"00Q000000000001EAA"}"#)
            #expect(ref.json?[0]?["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD")
        }
    }

    @Test func mergeDeletesLosersWithMasterRecordIdAndMovesActivities() async throws {
        let h = try Harness()
        try await h.run { c in
            let loser = try await c.post("sobjects/Contact", #"{"LastName":"Dup"}"#).json!["id"]!.stringValue!
            let task = try await c.post("sobjects/Task", #"{"Subject":"x","WhoId":"\#(loser)"}"#).json!["id"]!.stringValue!
            let r = try await c.call(.post, "/__emulator/merge", #"{"masterId":"003000000000001AAA","mergeIds":["\#(loser)"]}"#, authorized: false)
            #expect(r.status == 200)
            let gone = try #require(h.org.record(id: loser))
            #expect(gone.isDeleted && gone.fields["MasterRecordId"]?.stringValue == Fixtures.contactId)
            #expect(h.org.record(id: task)?.fields["WhoId"]?.stringValue == Fixtures.contactId)
            let all = try await c.get("queryAll?q=" + "SELECT Id, MasterRecordId FROM Contact WHERE IsDeleted = true".urlQueryEncoded)
            #expect(all.json?["records"]?[0]?["MasterRecordId"] == .string(Fixtures.contactId))
        }
    }
}
