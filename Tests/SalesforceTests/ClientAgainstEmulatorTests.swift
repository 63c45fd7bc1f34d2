import Foundation
import Salesforce
import SalesforceEmulator
import Testing

func collect(_ client: SalesforceClient, _ request: SalesforceRequest, count: Int) async -> Result<[RecordResult], SalesforceError> {
    do { return .success(try await client.send(collection: request, count: count)) } catch { return .failure(error) }
}

func upsertResult(_ client: SalesforceClient, _ record: SObjectRecord) async -> Result<UpsertResult, SalesforceError> {
    let key = record["Synclog_Key__c"]?.stringValue ?? ""
    do { return .success(try await client.upsert(record, externalIdField: "Synclog_Key__c", value: key)) } catch { return .failure(error) }
}

@Suite("SalesforceClient against the emulator (real HTTP on loopback)")
struct ClientAgainstEmulatorTests {
    func task(_ key: String, subject: String = "Sent (New): Pricing") -> SObjectRecord {
        SObjectRecord(type: "Task", fields: [
            ("Synclog_Key__c", .string(key)), ("Subject", .string(subject)), ("Status", "Completed"), ("Priority", "Normal"),
            ("ActivityDate", "2026-11-20"), ("WhoId", "003000000000001AAA"), ("OwnerId", "005000000000002AAA"),
        ])
    }

    @Test("W1/W7: collections upsert creates, then updates the same records (created false); one call each")
    func collectionsUpsert() async throws {
        let org = try await EmulatorHarness.start()
        let client = org.client()
        let records = (0..<150).map { task("key-\($0)") }
        let request = try client.api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: records)
        let before = try await org.countedCalls()
        let first = try await client.send(collection: request, count: records.count)
        #expect(first.allSatisfy { $0.success && $0.created == true && $0.id?.count == 18 })
        let second = try await client.send(collection: request, count: records.count)
        #expect(second.allSatisfy { $0.success && $0.created == false })
        #expect(second.map(\.id) == first.map(\.id))
        #expect(try await org.countedCalls() - before == 2)
        #expect(org.records("Task").count == 150)
        #expect(client.budget.usage?.max == 15000)
        await org.stop()
    }

    @Test("INVALID_QUERY_LOCATOR while paging restarts the query: every record once")
    func queryRestartsOnInvalidLocator() async throws {
        let org = try await EmulatorHarness.start()
        let client = org.client()
        let many = (0..<450).map { task("loc-\($0)") }
        for chunk in stride(from: 0, to: many.count, by: 200) {
            let slice = Array(many[chunk..<min(chunk + 200, many.count)])
            _ = try await client.send(collection: try client.api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: slice),
                                      count: slice.count)
        }
        // The second page's cursor is gone (as when more than 10 cursors are open, or after 15 minutes).
        try await org.fault(#"{"method":"GET","path":"/query/","errorCode":"INVALID_QUERY_LOCATOR","status":400,"message":"invalid query locator","times":1}"#)
        let all = try await client.query("SELECT Id FROM Task WHERE Synclog_Key__c LIKE 'loc-%'", batchSize: 200)
        #expect(all.count == 450)
        #expect(Set(all.compactMap { $0["Id"]?.stringValue }).count == 450)
        // A cursor that keeps failing is an error, not a loop.
        try await org.fault(#"{"method":"GET","path":"/query/","errorCode":"INVALID_QUERY_LOCATOR","status":400,"message":"invalid query locator","times":10}"#)
        await #expect(throws: SalesforceError.self) {
            _ = try await client.query("SELECT Id FROM Task WHERE Synclog_Key__c LIKE 'loc-%'", batchSize: 200)
        }
        await org.stop()
    }

    @Test("single-record upsert: 201 then 200 with created false; create, update, delete; query paging")
    func singleRecordCalls() async throws {
        let org = try await EmulatorHarness.start()
        let client = org.client()
        let record = task("single-1")
        guard case .written(let id, true) = try await client.upsert(record, externalIdField: "Synclog_Key__c", value: "single-1") else {
            Issue.record("expected created"); return
        }
        #expect(try await client.upsert(record, externalIdField: "Synclog_Key__c", value: "single-1") == .written(id: id, created: false))
        let plain = SObjectRecord(type: "Task", fields: [("Subject", "Call: Bob"), ("Status", "Completed"), ("Priority", "Normal")])
        let created = try await client.create(plain)
        try await client.update(SObjectRecord(type: "Task", fields: [("Subject", "Call: Bob Li")]), id: created)
        let found = try await client.query("SELECT Id, Subject FROM Task WHERE Id = '\(created)'")
        #expect(found.first?["Subject"]?.stringValue == "Call: Bob Li")
        try await client.delete(object: "Task", id: created)
        #expect(try await client.query("SELECT Id FROM Task WHERE Id = '\(created)'").isEmpty)
        #expect(try await client.query("SELECT Id FROM Task WHERE Id = '\(created)'", all: true).count == 1)

        let many = (0..<450).map { task("page-\($0)") }
        for chunk in stride(from: 0, to: many.count, by: 200) {
            let slice = Array(many[chunk..<min(chunk + 200, many.count)])
            _ = try await client.send(collection: try client.api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: slice),
                                      count: slice.count)
        }
        let first = try await client.queryPage("SELECT Id FROM Task WHERE Synclog_Key__c LIKE 'page-%'", batchSize: 200)
        #expect(first.records.count == 200 && !first.done && first.nextRecordsUrl != nil)
        let all = try await client.query("SELECT Id FROM Task WHERE Synclog_Key__c LIKE 'page-%'", batchSize: 200)
        #expect(all.count == 450)
        await org.stop()
    }

    /// An admin copied a Task and the copy kept its sync key (the field is an external id but not
    /// unique): Salesforce cannot tell which record the key means, so it writes nothing.
    @Test("W1: an external id matching two records: single upsert 300 with both URLs; in a collection DUPLICATE_EXTERNAL_ID, a permanent failure of that record only")
    func externalIdMatchingTwoRecords() async throws {
        let copiesJSON = #","Task":[{"Subject":"Sent (New): Pricing","Status":"Completed","Synclog_Key__c":"twice"},"#
            + #"{"Subject":"Sent (New): Pricing (copy)","Status":"Completed","Synclog_Key__c":"twice"}]"#
        let withCopies = EmulatorHarness.fixtureJSON(externalId: false, records: copiesJSON)
            .replacingOccurrences(of: #""activityFields":[]"#,
                                  with: #""activityFields":[{"name":"Synclog_Key__c","type":"string","externalId":true,"unique":false}]"#)
        let org = try await EmulatorHarness.start(fixture: withCopies)
        let client = org.client()
        let copies = org.emulator.org.records(of: "Task").map(\.id)
        #expect(copies.count == 2)
        guard case .multipleMatches(let urls) = try await client.upsert(task("twice"), externalIdField: "Synclog_Key__c", value: "twice") else {
            Issue.record("expected 300 multiple matches"); await org.stop(); return
        }
        #expect(Set(urls.compactMap { $0.split(separator: "/").last.map(String.init) }) == Set(copies))

        let results = try await client.send(
            collection: try client.api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: [task("twice"), task("once")]),
            count: 2)
        #expect(!results[0].success)
        #expect(results[0].errors.first?.errorCode == "DUPLICATE_EXTERNAL_ID")
        #expect(results[0].errors.first?.errorClass == .permanentRecord)
        #expect(results[1].success && results[1].created == true, "the other record of the call is written")
        let tasks = org.emulator.org.records(of: "Task")
        #expect(tasks.count == 3)
        #expect(tasks.filter { $0.fields["Synclog_Key__c"]?.stringValue == "twice" }.map { $0.fields["Subject"]?.stringValue }
            == ["Sent (New): Pricing", "Sent (New): Pricing (copy)"], "a record the key matched twice was changed")
        await org.stop()
    }

    @Test("describe, global describe, limits")
    func reading() async throws {
        let org = try await EmulatorHarness.start()
        let client = org.client()
        let describe = try await client.describe("Task")
        #expect(describe.field(named: "synclog_key__c")?.externalId == true)
        #expect(describe.field(named: "Subject") != nil)
        #expect(try await client.globalDescribe().contains("Task"))
        let limits = try await client.limits()
        #expect(limits.dailyApiMax == 15000 && limits.dailyApiRemaining < 15000)
        await org.stop()
    }

    @Test("W3: the token expires mid-run (emulator clock moved): one refresh, the call replayed, nothing lost")
    func tokenExpiry() async throws {
        let org = try await EmulatorHarness.start(fixture: EmulatorHarness.fixtureJSON(ttlSeconds: 600))
        let client = org.client()
        _ = try await client.send(collection: try client.api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c",
                                                                                records: [task("t-1")]), count: 1)
        #expect(await client.authenticator.refreshCount == 1)
        try await org.advanceClock(seconds: 3600)
        let results = try await withThrowingTaskGroup(of: [RecordResult].self) { group in
            for i in 0..<8 {
                group.addTask {
                    try await client.send(collection: try client.api.collectionsUpsert(
                        object: "Task", externalIdField: "Synclog_Key__c", records: [task("t-2-\(i)")]), count: 1)
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.count == 8 && results.allSatisfy(\.success))
        #expect(await client.authenticator.refreshCount == 2)
        #expect(org.records("Task").count == 9)
        await org.stop()
    }

    @Test("W3: a refused refresh: the connection needs re-authorisation, nothing is sent")
    func refusedRefresh() async throws {
        let org = try await EmulatorHarness.start()
        let client = org.client(credentials: .refreshToken(clientId: EmulatorHarness.clientId, clientSecret: nil, refreshToken: "revoked"))
        await #expect {
            _ = try await client.describe("Task")
        } throws: { error in
            (error as? SalesforceError)?.code == .authentication && (error as? SalesforceError)?.failure?.errorCode == "invalid_grant"
        }
        guard case .needsReauthorisation = await client.authenticator.state else { Issue.record("expected needsReauthorisation"); return }
        #expect(client.callsMade == 0)
        await org.stop()
    }

    @Test("JWT bearer grant: RS256 assertion signed with the key from a file")
    func jwtBearer() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sf-jwt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = "\(dir)/key.pem", pub = "\(dir)/pub.pem"
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        gen.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", "\(dir)/cert.pem", "-days", "1", "-subj", "/CN=synclog"]
        gen.standardError = FileHandle.nullDevice
        try gen.run(); gen.waitUntilExit()
        let extract = Process()
        extract.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        extract.arguments = ["rsa", "-in", key, "-pubout", "-out", pub]
        extract.standardError = FileHandle.nullDevice
        try extract.run(); extract.waitUntilExit()
        let org = try await EmulatorHarness.start(fixture: EmulatorHarness.fixtureJSON(extraSettings: #","jwtPublicKeyFile":"\#(pub)""#))
        let credentials = try SalesforceCredentials.jwtBearer(clientId: EmulatorHarness.clientId, username: "sync@acme.com", privateKeyFile: key)
        let client = org.client(credentials: credentials)
        #expect(try await client.describe("Task").name == "Task")
        #expect(await client.authenticator.refreshCount == 1)
        #expect(throws: SalesforceError.self) {
            try SalesforceCredentials.jwtBearer(clientId: "x", username: "y", privateKeyFile: "\(dir)/missing.pem")
        }
        await org.stop()
    }

    @Test("errors come back classified, Salesforce's message verbatim; both shapes", arguments: [
        ("UNABLE_TO_LOCK_ROW", 400, ErrorClass.transient),
        ("SERVER_UNAVAILABLE", 503, .transient),
        ("UNKNOWN_EXCEPTION", 500, .transient),
        ("FIELD_CUSTOM_VALIDATION_EXCEPTION", 400, .permanentRecord),
        ("INVALID_CROSS_REFERENCE_KEY", 400, .permanentRecord),
    ])
    func injectedErrors(code: String, status: Int, expected: ErrorClass) async throws {
        let org = try await EmulatorHarness.start()
        let client = org.client()
        try await org.fault(#"{"method":"PATCH","path":"/composite/sobjects","errorCode":"\#(code)","status":\#(status),"message":"injected: \#(code)","times":1}"#)
        let request = try client.api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: [task("e-1"), task("e-2")])
        switch await collect(client, request, count: 2) {
        case .success(let results):
            #expect(results.allSatisfy { !$0.success && $0.errors.first?.errorCode == code && $0.errors.first?.message == "injected: \(code)" })
            #expect(results.first?.errors.first?.errorClass == expected)
        case .failure(let error):
            #expect(error.failure?.errorCode == code)
            #expect(error.failure?.message == "injected: \(code)")
            #expect(error.failure?.errorClass == expected)
        }
        // The rule fired once: the retry goes through.
        #expect(try await client.send(collection: request, count: 2).allSatisfy(\.success))
        await org.stop()
    }

    @Test("W4: the client stops at the reserve without ever meeting REQUEST_LIMIT_EXCEEDED")
    func reserve() async throws {
        let org = try await EmulatorHarness.start(fixture: EmulatorHarness.fixtureJSON(dailyApiLimit: 50))
        let client = org.client(reservePercent: 20)
        var made = 0
        var stoppedBy: SalesforceError.Code?
        for i in 0..<100 {
            switch await upsertResult(client, task("q-\(i)")) {
            case .success: made += 1
            case .failure(let error): stoppedBy = error.code
            }
            if stoppedBy != nil { break }
        }
        #expect(stoppedBy == .budgetReserved)
        #expect(made == 40)
        #expect(try await org.countedCalls() == 40)
        try await org.advanceClock(seconds: 86_400 + 60)
        let limits = try await client.limits()
        #expect(limits.dailyApiRemaining >= 49)
        #expect(client.budget.allows(calls: 1))
        await org.stop()
    }

    @Test("every call carries Sforce-Call-Options: client=synclog and the bearer token")
    func callOptions() async throws {
        let recorder = try RecordingServer(answers: [
            (200, #"{"access_token":"tok-1","instance_url":"INSTANCE","id":"x","token_type":"Bearer","issued_at":"1","signature":"s"}"#),
            (200, #"{"DailyApiRequests":{"Max":1000,"Remaining":990}}"#),
        ])
        let client = SalesforceClient(configuration: SalesforceConfiguration(
            loginHost: .myDomain(recorder.url), credentials: .refreshToken(clientId: "c", clientSecret: "s", refreshToken: "r")))
        let limits = try await client.limits()
        #expect(limits.dailyApiRemaining == 990)
        let requests = recorder.finish()
        #expect(requests.count == 2)
        #expect(requests.first?.hasPrefix("POST /services/oauth2/token") == true)
        let call = requests.last?.lowercased() ?? ""
        #expect(call.hasPrefix("get /services/data/v62.0/limits"))
        #expect(call.contains("\r\nsforce-call-options: client=synclog\r\n"))
        #expect(call.contains("\r\nauthorization: bearer tok-1\r\n"))
    }
}
