import Foundation
import HTTPTypes
import HummingbirdTesting
import SalesforceEmulator
import Testing

/// Sforce-Limit-Info, call counting, the daily limit, sessions, the OAuth token endpoint.
@Suite struct LimitsAndAuthTests {
    @Test func everyResponseCarriesLimitInfoAndLimitsReportsRemaining() async throws {
        let h = try Harness(dailyLimit: 100)
        try await h.run { c in
            let a = try await c.get("sobjects/Contact/describe")
            #expect(a.headers[HTTPField.Name("Sforce-Limit-Info")!] == "api-usage=1/100")
            let err = try await c.post("sobjects/Task", #"{"Nope__c":1}"#)
            #expect(err.headers[HTTPField.Name("Sforce-Limit-Info")!] == "api-usage=2/100")
            let limits = try await c.get("limits")
            #expect(limits.json?["DailyApiRequests"]?["Max"] == 100)
            #expect(limits.json?["DailyApiRequests"]?["Remaining"] == 97)
            #expect(limits.headers[HTTPField.Name("Sforce-Limit-Info")!] == "api-usage=3/100")
        }
    }

    @Test func pastTheDailyLimitCallsGet403RequestLimitExceeded() async throws {
        let h = try Harness(dailyLimit: 3)
        try await h.run { c in
            for _ in 0..<3 { #expect(try await c.get("limits").status == 200) }
            let r = try await c.get("limits")
            #expect(r.status == 403)
            #expect(r.text == #"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED","fields":[]}]"#)
            // The rolling 24 hours free up.
            _ = h.org.withState { $0.setClock(.object([("advanceSeconds", 86_401)]), real: EmulatorClock.realNow()) }
            let fresh = h.org.issueAccessToken()
            #expect(try await c.call(.get, "limits", token: fresh).status == 200)
        }
    }

    @Test func noTokenOrAnExpiredOneIsInvalidSessionId() async throws {
        let h = try Harness()
        try await h.run { c in
            let none = try await c.call(.get, "limits", authorized: false)
            #expect(none.status == 401)
            #expect(none.text == #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID","fields":[]}]"#)
            #expect(try await c.get("limits").status == 200)
            _ = h.org.withState { $0.setClock(.object([("advanceSeconds", 3601)]), real: EmulatorClock.realNow()) }
            #expect(try await c.get("limits").status == 401)
        }
    }

    @Test func refreshTokenGrantAnswersLikeSalesforceAndRejectsUnknownTokens() async throws {
        let h = try Harness()
        try await h.run { c in
            let form = "grant_type=refresh_token&client_id=client-1&refresh_token=refresh-1"
            let ok = try await c.call(.post, "/services/oauth2/token", form,
                                      headers: [.contentType: "application/x-www-form-urlencoded"], authorized: false)
            #expect(ok.status == 200)
            let json = try #require(ok.json)
            #expect(json.objectValue?.map(\.0) == ["access_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at"])
            #expect(json["expires_in"] == nil && json["refresh_token"] == nil)
            #expect(json["token_type"] == "Bearer")
            let token = try #require(json["access_token"]?.stringValue)
            #expect(try await c.call(.get, "limits", token: token).status == 200)
            let bad = try await c.call(.post, "/services/oauth2/token", "grant_type=refresh_token&client_id=client-1&refresh_token=nope", authorized: false)
            #expect(bad.status == 400)
            #expect(bad.text == #"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#)
            let client = try await c.call(.post, "/services/oauth2/token", "grant_type=refresh_token&client_id=other&refresh_token=refresh-1", authorized: false)
            #expect(client.text == #"{"error":"invalid_client_id","error_description":"client identifier invalid"}"#)
            let grant = try await c.call(.post, "/services/oauth2/token", "grant_type=password", authorized: false)
            #expect(grant.text == #"{"error":"unsupported_grant_type","error_description":"grant type not supported"}"#)
        }
    }

    @Test func callsAreLoggedAsSalesforceCountsThem() async throws {
        let h = try Harness()
        try await h.run { c in
            _ = try await c.get("limits")
            _ = try await c.call(.get, "limits", authorized: false)
            let calls = h.org.calls()
            #expect(calls.count == 2)
            #expect(calls[0].counted && !calls[1].counted)
            #expect(calls[1].status == 401)
            let admin = try await c.call(.get, "/__emulator/calls", authorized: false)
            #expect(admin.json?["counted"] == 1)
            #expect(admin.json?["calls"]?[0]?["path"] == "/services/data/v62.0/limits")
        }
    }
}
