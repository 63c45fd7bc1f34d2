import Testing

@testable import Salesforce

@Suite("Response parsers: both error shapes, 200/201 upserts, 300, +0000 datetimes")
struct ResponseParserTests {
    func response(_ status: Int, _ body: String, headers: [(String, String)] = []) -> SalesforceResponse {
        SalesforceResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test("collections: statusCode per record, in request order, verbatim message")
    func collection() throws {
        let body = """
            [{"id":"00T000000000001AAA","success":true,"errors":[],"created":true},
             {"success":false,"errors":[{"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"Bounces are not logged here","fields":["Subject"]}]},
             {"id":"00T000000000003AAA","success":true,"errors":[],"created":false}]
            """
        let results = try SalesforceResponses.collectionResults(response(200, body), expected: 3)
        #expect(results[0].id == "00T000000000001AAA" && results[0].created == true && results[0].success)
        #expect(results[1].success == false)
        #expect(results[1].errors.first?.errorCode == "FIELD_CUSTOM_VALIDATION_EXCEPTION")
        #expect(results[1].errors.first?.message == "Bounces are not logged here")
        #expect(results[1].errors.first?.fields == ["Subject"])
        #expect(results[1].errors.first?.errorClass == .permanentRecord)
        #expect(results[2].created == false)
        #expect(throws: SalesforceError.self) { try SalesforceResponses.collectionResults(response(200, body), expected: 2) }
    }

    @Test("single-record errors: errorCode shape, classified")
    func singleErrors() {
        let f = SalesforceResponses.failure(of: response(400, #"[{"message":"No such column 'Type' on sobject of type Task","errorCode":"INVALID_FIELD"}]"#))
        #expect(f.errorCode == "INVALID_FIELD")
        #expect(f.message == "No such column 'Type' on sobject of type Task")
        #expect(f.errorClass == .permanentRecord)
        let session = SalesforceResponses.failure(of: response(401, #"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#))
        #expect(session.errorClass == .auth)
        let bare = SalesforceResponses.failure(of: response(502, ""))
        #expect(bare.errorCode == "HTTP_502" && bare.errorClass == .transient)
    }

    @Test("upsert: 201 created, 200 updated (v46+), 204 updated, 300 multiple matches")
    func upserts() throws {
        #expect(try SalesforceResponses.upsert(response(201, #"{"id":"00T000000000001AAA","success":true,"errors":[],"created":true}"#))
            == .written(id: "00T000000000001AAA", created: true))
        #expect(try SalesforceResponses.upsert(response(200, #"{"id":"00T000000000001AAA","success":true,"errors":[],"created":false}"#))
            == .written(id: "00T000000000001AAA", created: false))
        #expect(try SalesforceResponses.upsert(response(204, "")) == .written(id: "", created: false))
        #expect(try SalesforceResponses.upsert(response(300, #"["/services/data/v62.0/sobjects/Task/00T1","/services/data/v62.0/sobjects/Task/00T2"]"#))
            == .multipleMatches(urls: ["/services/data/v62.0/sobjects/Task/00T1", "/services/data/v62.0/sobjects/Task/00T2"]))
        #expect(throws: SalesforceError.self) {
            try SalesforceResponses.upsert(response(404, #"[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible"}]"#))
        }
    }

    @Test("query page with nextRecordsUrl; attributes stripped")
    func queryPage() throws {
        let page = try SalesforceResponses.queryPage(response(200, """
            {"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gX-2","records":[{"attributes":{"type":"Task","url":"/x"},"Id":"00T1","Subject":"a"}]}
            """))
        #expect(page.totalSize == 3 && !page.done && page.nextRecordsUrl == "/services/data/v62.0/query/01gX-2")
        #expect(page.records.first?.type == "Task")
        #expect(page.records.first?.fields.map(\.0) == ["Id", "Subject"])
    }

    @Test("limits, Sforce-Limit-Info, token answers")
    func limitsAndTokens() throws {
        let limits = try SalesforceResponses.limits(response(200, #"{"DailyApiRequests":{"Max":15000,"Remaining":14000}}"#))
        #expect(limits == OrgLimits(dailyApiMax: 15000, dailyApiRemaining: 14000))
        #expect(APIUsage(limitInfo: "api-usage=25/15000") == APIUsage(used: 25, max: 15000))
        #expect(APIUsage(limitInfo: "api-usage=25/15000, per-app-api-usage=17/250(appName=sample-app)") == APIUsage(used: 25, max: 15000))
        #expect(APIUsage(limitInfo: "nonsense") == nil)
        let good = OAuthRequests.parseToken(response(200, #"{"access_token":"tok","instance_url":"https://na1.salesforce.com","id":"x","issued_at":"1","signature":"s","token_type":"Bearer"}"#), generation: 2)
        #expect((try? good.get().0) == AccessToken(value: "tok", instanceURL: "https://na1.salesforce.com", generation: 2, userId: "x"))
        let bad = OAuthRequests.parseToken(response(400, #"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#), generation: 2)
        guard case .failure(let f) = bad else { Issue.record("expected a failure"); return }
        #expect(f.errorCode == "invalid_grant" && f.message == "expired access/refresh token" && f.errorClass == .auth)
    }

    @Test("Salesforce datetimes: +0000 without colon, with colon, Z, round trip")
    func datetimes() {
        #expect(SalesforceDateTime.parse("2024-05-07T22:07:19.000+0000") == 1_715_119_639_000)
        #expect(SalesforceDateTime.parse("2024-05-07T23:07:19.000+01:00") == 1_715_119_639_000)
        #expect(SalesforceDateTime.parse("2024-05-07T22:07:19Z") == 1_715_119_639_000)
        #expect(SalesforceDateTime.parse("2024-05-07T15:07:19.5-0700") == 1_715_119_639_500)
        #expect(SalesforceDateTime.parse("2024-05-07") == nil)
        #expect(SalesforceDateTime.parse("2024-13-07T22:07:19.000+0000") == nil)
        #expect(SalesforceDateTime.format(millisecondsSinceEpoch: 1_715_119_639_000) == "2024-05-07T22:07:19.000+0000")
    }

    @Test("JSON: strict parse, escapes, sorted serialisation")
    func json() {
        let value = SalesforceJSON.parse(Array(#"{"b":[1,2.5,true,null],"a":"x\"\u00e9\ud83d\ude00"}"#.utf8))
        #expect(value?["a"]?.stringValue == "x\"é😀")
        #expect(value?.text(sortedKeys: true) == #"{"a":"x\"é😀","b":[1,2.5,true,null]}"#)
        #expect(SalesforceJSON.parse(Array("{\"a\":1,}".utf8)) == nil)
        #expect(SalesforceJSON.parse(Array("[1] x".utf8)) == nil)
    }
}
