import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SalesforceEmulator

/// The emulator's two hot paths, through real loopback HTTP and (as the baseline) straight into the org:
/// a collections upsert of 200 Tasks, and a paginated query of every Contact.
final class EmulatorWorkload: Sendable {
    let emulator: RunningEmulator
    let client: HTTPClient
    let token: String
    let contacts: Int

    static func fixture(contacts: Int) -> OrgFixture {
        var settings = OrgSettings()
        settings.dailyApiLimit = 100_000_000
        settings.accessTokenTTLSeconds = 86_400
        settings.activityFields = [CustomFieldSpec(name: "Synclog_Key__c", type: "string", externalId: true, unique: true)]
        var records: [(object: String, fields: [(String, JSON)])] = [
            ("User", [("Id", "005000000000001AAA"), ("Username", "sync@acme.com"), ("LastName", "Sync"), ("IsActive", true)]),
            ("Account", [("Id", "001000000000001AAA"), ("Name", "Globex")]),
        ]
        for i in 0..<contacts {
            records.append(("Contact", [("LastName", .string("Contact \(i)")), ("Email", .string("c\(i)@globex.com")),
                                        ("AccountId", "001000000000001AAA")]))
        }
        return OrgFixture(settings: settings, records: records)
    }

    init(contacts: Int) async throws {
        self.contacts = contacts
        emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(fixture: Self.fixture(contacts: contacts)))
        client = HTTPClient(eventLoopGroupProvider: .singleton)
        token = emulator.org.issueAccessToken()
    }

    func shutdown() async {
        try? await client.shutdown()
        await emulator.stop()
    }

    /// The body of one collections upsert of `size` Tasks with keys `round-i`.
    static func upsertBody(round: Int, size: Int = 200) -> [UInt8] {
        var s = #"{"allOrNone":false,"records":["#
        for i in 0..<size {
            if i > 0 { s += "," }
            s += #"{"attributes":{"type":"Task"},"Synclog_Key__c":"r\#(round)-\#(i)","Subject":"Sent (New): Pricing for 2027","#
            s += #""WhoId":"003000000000001AAA","Status":"Completed","Priority":"Normal","TaskSubtype":"Email","ActivityDate":"2026-11-20","#
            s += #""Description":"Hello Bob, here is the pricing we discussed."}"#
        }
        return Array((s + "]}").utf8)
    }

    /// One upsert of 200 Tasks over HTTP; returns the records written.
    func upsertOverHTTP(round: Int) async throws -> Int {
        var request = HTTPClientRequest(url: "\(emulator.baseURL)/services/data/v62.0/composite/sobjects/Task/Synclog_Key__c")
        request.method = .PATCH
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: Self.upsertBody(round: round)))
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        guard response.status == .ok else { throw EmulatorError(.server, "upsert answered \(response.status.code)") }
        return try JSON.parse(Array(body.readableBytesView)).arrayValue?.count ?? 0
    }

    /// The same upsert straight into the org (no HTTP): the baseline.
    func upsertInProcess(round: Int) -> Int {
        let answer = emulator.org.handle(APIRequest(
            method: "PATCH", path: "/services/data/v62.0/composite/sobjects/Task/Synclog_Key__c",
            headers: ["authorization": "Bearer \(token)"], body: Self.upsertBody(round: round)))
        return answer.status == 200 ? 200 : 0
    }

    /// Reads every Contact, page by page (2,000 per page); returns the records read and pages.
    func queryOverHTTP() async throws -> (records: Int, pages: Int) {
        var next: String? = "/services/data/v62.0/query?q=SELECT+Id,LastName,Email,AccountId,SystemModstamp+FROM+Contact+ORDER+BY+SystemModstamp,Id"
        var records = 0
        var pages = 0
        while let path = next {
            var request = HTTPClientRequest(url: emulator.baseURL + path)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 64 << 20)
            let json = try JSON.parse(Array(body.readableBytesView))
            records += json["records"]?.arrayValue?.count ?? 0
            pages += 1
            next = json["nextRecordsUrl"]?.stringValue
        }
        return (records, pages)
    }

    func queryInProcess() -> Int {
        var next: String? = "/services/data/v62.0/query"
        var query = ["q": "SELECT Id,LastName,Email,AccountId,SystemModstamp FROM Contact ORDER BY SystemModstamp,Id"]
        var records = 0
        while let path = next {
            let answer = emulator.org.handle(APIRequest(method: "GET", path: path, query: query, headers: ["authorization": "Bearer \(token)"]))
            guard let json = try? JSON.parse(answer.body) else { return records }
            records += json["records"]?.arrayValue?.count ?? 0
            next = json["nextRecordsUrl"]?.stringValue
            query = [:]
        }
        return records
    }
}
