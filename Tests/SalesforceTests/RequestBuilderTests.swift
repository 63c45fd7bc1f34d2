import Testing

@testable import Salesforce

@Suite("Request builders: snapshots of what goes on the wire (sorted keys)")
struct RequestBuilderTests {
    let api = SalesforceAPI(version: "62.0")
    let task = SObjectRecord(type: "Task", fields: [
        ("Synclog_Key__c", "k1"), ("Subject", "Sent (New): Pricing"), ("ActivityDate", "2026-11-20"), ("Status", "Completed"),
        ("WhoId", "003000000000001AAA"),
    ])

    @Test("W7: collections upsert by the sync-key field, allOrNone false")
    func collectionsUpsert() throws {
        let request = try api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: [task])
        #expect(request.snapshot == """
            PATCH /services/data/v62.0/composite/sobjects/Task/Synclog_Key__c
            {"allOrNone":false,"records":[{"ActivityDate":"2026-11-20","Status":"Completed","Subject":"Sent (New): Pricing","Synclog_Key__c":"k1","WhoId":"003000000000001AAA","attributes":{"type":"Task"}}]}
            """)
    }

    @Test("collections create carries attributes.type on every record")
    func collectionsCreate() throws {
        let request = try api.collectionsCreate(records: [task, SObjectRecord(type: "Event", fields: [("Subject", "Demo")])])
        #expect(request.method == .POST)
        #expect(request.path == "/services/data/v62.0/composite/sobjects")
        let records = request.body?["records"]?.arrayValue ?? []
        #expect(records.map { $0["attributes"]?["type"]?.stringValue } == ["Task", "Event"])
    }

    @Test("collections delete puts the ids in the query")
    func collectionsDelete() throws {
        let request = try api.collectionsDelete(ids: ["00T000000000001AAA", "00T000000000002AAA"])
        #expect(request.snapshot == "DELETE /services/data/v62.0/composite/sobjects?ids=00T000000000001AAA%2C00T000000000002AAA&allOrNone=false")
    }

    @Test("collections take 1 to 200 records")
    func collectionLimits() throws {
        let many = Array(repeating: task, count: 201)
        #expect(throws: SalesforceError.self) { try api.collectionsCreate(records: many) }
        #expect(throws: SalesforceError.self) { try api.collectionsCreate(records: []) }
        #expect(throws: SalesforceError.self) {
            try api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c",
                                      records: [SObjectRecord(type: "Task", fields: [("Subject", "no key")])])
        }
    }

    @Test("single-record upsert puts the key in the path and not in the body")
    func upsert() {
        let request = api.upsert(task, externalIdField: "Synclog_Key__c", value: "k1/a b")
        #expect(request.snapshot == """
            PATCH /services/data/v62.0/sobjects/Task/Synclog_Key__c/k1%2Fa%20b
            {"ActivityDate":"2026-11-20","Status":"Completed","Subject":"Sent (New): Pricing","WhoId":"003000000000001AAA"}
            """)
    }

    @Test("create refuses a body with Id; update leaves Id out of the body")
    func createAndUpdate() throws {
        let withId = SObjectRecord(type: "Task", fields: [("Id", "00T000000000001AAA"), ("Subject", "x")])
        #expect(throws: SalesforceError.self) { try api.create(withId) }
        #expect(api.update(withId, id: "00T000000000001AAA").snapshot == """
            PATCH /services/data/v62.0/sobjects/Task/00T000000000001AAA
            {"Subject":"x"}
            """)
        #expect(try api.create(task).path == "/services/data/v62.0/sobjects/Task/")
    }

    @Test("query asks for a batch size within 200...2,000 and encodes the SOQL")
    func query() {
        let request = api.query("SELECT Id FROM Task WHERE Subject = 'a+b'", batchSize: 50)
        #expect(request.snapshot == """
            GET /services/data/v62.0/query?q=SELECT%20Id%20FROM%20Task%20WHERE%20Subject%20%3D%20%27a%2Bb%27
            Sforce-Query-Options: batchSize=200
            """)
        #expect(api.query("SELECT Id FROM Task", all: true).path == "/services/data/v62.0/queryAll")
        #expect(api.queryMore(nextRecordsUrl: "/services/data/v62.0/query/01g-2000").path == "/services/data/v62.0/query/01g-2000")
    }

    @Test("reading calls")
    func reading() {
        #expect(api.describe(object: "Task").path == "/services/data/v62.0/sobjects/Task/describe")
        #expect(api.globalDescribe().path == "/services/data/v62.0/sobjects")
        #expect(api.limits().path == "/services/data/v62.0/limits")
        #expect(api.updated(object: "Contact", start: "2026-11-01T00:00:00+00:00", end: "2026-11-02T00:00:00+00:00").pathAndQuery
            == "/services/data/v62.0/sobjects/Contact/updated/?start=2026-11-01T00%3A00%3A00%2B00%3A00&end=2026-11-02T00%3A00%3A00%2B00%3A00")
        #expect(api.deleted(object: "Contact", start: "a", end: "b").path == "/services/data/v62.0/sobjects/Contact/deleted/")
    }

    @Test("token requests: refresh-token and JWT bearer forms")
    func tokenForms() {
        let (url, body) = OAuthRequests.tokenRequest(
            loginHost: .sandbox, form: OAuthRequests.refreshTokenForm(clientId: "cid", clientSecret: nil, refreshToken: "5Aep/+x"))
        #expect(url == "https://test.salesforce.com/services/oauth2/token")
        #expect(body == "grant_type=refresh_token&client_id=cid&refresh_token=5Aep%2F%2Bx")
        #expect(LoginHost.production.url == "https://login.salesforce.com")
        #expect(LoginHost.myDomain("https://acme.my.salesforce.com/").url == "https://acme.my.salesforce.com")
        #expect(LoginHost.myDomain("https://acme--dev.sandbox.my.salesforce.com").jwtAudience(sandbox: true) == "https://test.salesforce.com")
        #expect(OAuthRequests.jwtBearerForm(assertion: "a.b.c").first?.1 == "urn:ietf:params:oauth:grant-type:jwt-bearer")
    }
}
