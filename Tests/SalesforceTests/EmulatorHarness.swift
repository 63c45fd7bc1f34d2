import AsyncHTTPClient
import NIOHTTP1
import Foundation
import NIOCore
import Salesforce
import SalesforceEmulator

/// An in-process emulator on a loopback port, with its admin endpoints over real HTTP.
struct EmulatorHarness {
    let emulator: RunningEmulator
    var baseURL: String { emulator.baseURL }

    static let refreshToken = "5Aep861test.refresh"
    static let clientId = "3MVG9test.client"

    static func fixtureJSON(dailyApiLimit: Int = 15000, externalId: Bool = true, ttlSeconds: Int = 7200, extraSettings: String = "",
                            records: String = "") -> String {
        let fields = externalId
            ? #"[{"name":"Synclog_Key__c","type":"string","externalId":true,"unique":true}]"# : "[]"
        return """
            {"settings":{"sharedActivities":false,"dailyApiLimit":\(dailyApiLimit),"activityFields":\(fields),
              "clientId":"\(clientId)","refreshTokens":["\(refreshToken)"],"accessTokenTTLSeconds":\(ttlSeconds)\(extraSettings)},
             "User":[{"Id":"005000000000001AAA","Username":"sync@acme.com","IsActive":true},
                     {"Id":"005000000000002AAA","Username":"alice@acme.com","IsActive":true}],
             "Account":[{"Id":"001000000000001AAA","Name":"Globex"}],
             "Contact":[{"Id":"003000000000001AAA","Email":"bob@globex.com","FirstName":"Bob","LastName":"Li","AccountId":"001000000000001AAA"}]
             \(records)}
            """
    }

    static func start(fixture: String = fixtureJSON()) async throws -> EmulatorHarness {
        let parsed = try OrgFixture.parse(try JSON.parse(fixture))
        let emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(fixture: parsed))
        return EmulatorHarness(emulator: emulator)
    }

    func stop() async { await emulator.stop() }

    func client(reservePercent: Int = 20, credentials: SalesforceCredentials? = nil) -> SalesforceClient {
        SalesforceClient(configuration: SalesforceConfiguration(
            loginHost: .myDomain(baseURL),
            credentials: credentials ?? .refreshToken(clientId: Self.clientId, clientSecret: nil, refreshToken: Self.refreshToken),
            apiReservePercent: reservePercent, timeout: .seconds(10)))
    }

    @discardableResult
    func admin(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> SalesforceJSON? {
        var request = HTTPClientRequest(url: "\(baseURL)/__emulator/\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return SalesforceJSON.parse(Array(bytes.readableBytesView))
    }

    func fault(_ json: String) async throws { try await admin(.POST, "faults", json) }
    func advanceClock(seconds: Int) async throws { try await admin(.POST, "clock", #"{"advanceSeconds":\#(seconds)}"#) }

    /// Counted API calls so far (as Salesforce would count them).
    func countedCalls() async throws -> Int { try await admin(.GET, "calls")?["counted"]?.intValue ?? -1 }

    /// Live (not deleted) records of `object` from the admin state.
    func records(_ object: String) -> [StoredRecord] { emulator.org.records(of: object).filter { !$0.isDeleted } }
}
