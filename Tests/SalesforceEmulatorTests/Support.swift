import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SalesforceEmulator
import Testing

/// The org most tests start from (contract.md section 5's example, plus a few records).
enum Fixtures {
    static let aliceId = "005000000000001AAA"
    static let accountId = "001000000000001AAA"
    static let contactId = "003000000000001AAA"

    static func orgJSON(shared: Bool = false, extraSettings: String = "", dailyLimit: Int = 15000) -> String {
        """
        {"settings":{"sharedActivities":\(shared),"dailyApiLimit":\(dailyLimit),
                     "activityFields":[{"name":"Synclog_Key__c","type":"string","externalId":true,"unique":true},
                                       {"name":"Other_Key__c","type":"string","externalId":true},
                                       {"name":"MixmaxActivityDateTime__c","type":"datetime"}],
                     "validationRules":[{"object":"Task","field":"Subject","pattern":"^(?!Bounced).*","message":"Bounces are not logged here"}],
                     "hiddenFields":{"Task":["Type"]},
                     "clientId":"client-1","refreshTokens":["refresh-1"],"accessTokenTTLSeconds":3600\(extraSettings)},
         "User":[{"Id":"005000000000001AAA","Username":"alice@acme.com","LastName":"Ng","IsActive":true},
                 {"Id":"005000000000002AAA","Username":"gone@acme.com","LastName":"Gone","IsActive":false}],
         "Account":[{"Id":"001000000000001AAA","Name":"Globex"}],
         "Contact":[{"Id":"003000000000001AAA","Email":"bob@globex.com","FirstName":"Bob","LastName":"Li","AccountId":"001000000000001AAA"}],
         "Lead":[{"Id":"00Q000000000001AAA","LastName":"Lee","Company":"Initech","Email":"lee@initech.com"}],
         "Opportunity":[{"Id":"006000000000001AAA","Name":"Globex renewal","StageName":"Prospecting","CloseDate":"2026-12-31","AccountId":"001000000000001AAA"}],
         "OpportunityContactRole":[]}
        """
    }

    static func fixture(shared: Bool = false, extraSettings: String = "", dailyLimit: Int = 15000) throws -> OrgFixture {
        try OrgFixture.parse(JSON.parse(orgJSON(shared: shared, extraSettings: extraSettings, dailyLimit: dailyLimit)))
    }
}

/// An emulator application and its org, with a token for the integration user.
struct Harness {
    let org: EmulatorOrg
    let token: String
    let configuration: EmulatorConfiguration

    init(shared: Bool = false, extraSettings: String = "", dailyLimit: Int = 15000) throws {
        let fixture = try Fixtures.fixture(shared: shared, extraSettings: extraSettings, dailyLimit: dailyLimit)
        configuration = EmulatorConfiguration(fixture: fixture)
        org = try EmulatorOrg(fixture: fixture)
        token = org.issueAccessToken()
    }

    func run(_ mode: TestingSetup = .router, _ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        let app = try buildEmulatorApplication(configuration: configuration, org: org)
        try await app.test(mode) { client in try await body(Client(client: client, token: token)) }
    }
}

/// A thin client over HummingbirdTesting's: JSON in, status/headers/JSON out.
struct Client {
    let client: any TestClientProtocol
    let token: String

    struct Answer {
        var status: Int
        var headers: HTTPFields
        var text: String
        var json: JSON? { try? JSON.parse(text) }
    }

    func call(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, headers extra: HTTPFields = [:],
              token: String? = nil, authorized: Bool = true) async throws -> Answer {
        var headers = extra
        if authorized { headers[.authorization] = "Bearer \(token ?? self.token)" }
        if body != nil { headers[.contentType] = "application/json" }
        let full = path.hasPrefix("/") ? path : "/services/data/v62.0/" + path
        return try await client.execute(uri: full, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { r in
            Answer(status: Int(r.status.code), headers: r.headers, text: String(buffer: r.body))
        }
    }

    func get(_ path: String) async throws -> Answer { try await call(.get, path) }
    func post(_ path: String, _ body: String) async throws -> Answer { try await call(.post, path, body) }
    func patch(_ path: String, _ body: String) async throws -> Answer { try await call(.patch, path, body) }
    func delete(_ path: String) async throws -> Answer { try await call(.delete, path) }
}

extension String {
    var urlQueryEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
