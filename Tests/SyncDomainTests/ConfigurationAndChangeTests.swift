import Foundation
import PropertyBased
import Testing

@testable import SyncDomain

let contractConfiguration = #"""
    {"workspace":"acme",
     "internalDomains":["acme.com"],
     "excludedAddresses":["ceo-personal@gmail.com"], "excludedDomains":["partner-agency.com"],
     "systemLocalParts":null,
     "defaultRole":"sales",
     "roles":{"sales":{"log":{"sent":true,"received":true,"opened":true,"replied":true,"clicked":true,"downloaded":true,
                              "bounced":true,"meetings":true,"tasks":true},
                       "firstOnly":true, "syncUnresolved":false, "syncAllMessages":false,
                       "relatedObjects":{"standard":true,"onlyOwnedOpportunities":false,"allAccountOpportunities":false,
                                         "closedOpportunities":false,"rollupToPrimaryAccount":false,
                                         "custom":[{"object":"Project__c","lookupFields":["Contact__c"]}]},
                       "membersManageOwnSettings":false}},
     "users":[{"id":"u_alice","email":"alice@acme.com","salesforceUserId":"005000000000001AAA","role":"sales",
               "timeZone":"America/Los_Angeles","settings":null}],
     "salesforce":{"instanceUrl":"https://127.0.0.1:8443","loginUrl":"https://127.0.0.1:8443","sandbox":false,
                   "apiVersion":"62.0","auth":{"kind":"refreshToken","clientId":"…","refreshTokenFile":"…"},
                   "syncKeyField":"Synclog_Key__c","activityDateTimeField":"MixmaxActivityDateTime__c",
                   "apiReservePercent":20},
     "schedule":{"pollMinutes":30,"sweepDays":7,"describeAt":"00:00 America/Los_Angeles"},
     "server":{"listen":"127.0.0.1:8080","ingestTokenFile":"…","realtimeTokenFile":"…"}}
    """#

let contractChange = #"""
    {"object":"Contact","changeType":"UPDATE","record":{"Id":"003000000000001AAA","Email":"bob@globex.com",
     "AccountId":"001000000000001AAA","SystemModstamp":"2026-11-20T15:00:00.000+0000"},
     "source":"realtime","commitTimestamp":"2026-11-20T15:00:00Z"}
    """#

@Suite("Workspace configuration JSON and its diff")
struct ConfigurationTests {
    @Test("the contract's example decodes")
    func contractExample() throws {
        let configs = try WorkspaceConfigurationJSON.decode(contractConfiguration).get()
        let c = try #require(configs.first)
        #expect(configs.count == 1)
        #expect(c.workspace == "acme")
        #expect(c.internalDomains == ["acme.com"])
        #expect(c.systemLocalParts == nil)
        #expect(c.effectiveSystemLocalParts.contains("mailer-daemon"))
        let sales = try #require(c.role(named: "sales"))
        #expect(sales.firstOnly)
        #expect(sales.relatedObjects.custom == [CustomObjectLink(object: "Project__c", lookupFields: ["Contact__c"])])
        #expect(c.user(id: "u_alice")?.salesforceUserId == "005000000000001AAA")
        #expect(c.salesforce?.auth.kind == .refreshToken)
        #expect(c.salesforce?.apiReservePercent == 20)
        #expect(c.schedule?.pollMinutes == 30)
        #expect(c.server?.listen == "127.0.0.1:8080")
    }

    @Test("an array of workspaces decodes; the same workspace twice is refused")
    func arrayOfWorkspaces() throws {
        let two = "[\(contractConfiguration),\(contractConfiguration.replacingFirst("\"acme\"", with: "\"globex\""))]"
        #expect(try WorkspaceConfigurationJSON.decode(two).get().map(\.workspace) == ["acme", "globex"])
        let dup = "[\(contractConfiguration),\(contractConfiguration)]"
        #expect(WorkspaceConfigurationJSON.decode(dup).rejectionText == "[1].workspace: workspace configured twice")
    }

    @Test("configurations round-trip through JSON and the binary log")
    func roundTrip() async {
        await propertyCheck(count: 300, input: ModelGen.configuration) { c in
            let json = WorkspaceConfigurationJSON.jsonValue(c).jsonBytes()
            let back = WorkspaceConfigurationJSON.decode(json)
            #expect(throws: Never.self) { try back.get() }
            #expect((try? back.get())?.first == c)
            let e = EventEnvelope(
                id: EventID("configuration/x"), workspace: c.workspace, recordedAt: Timestamp(millisecondsSinceEpoch: 0),
                event: .workspaceConfigured(WorkspaceConfigured(configuration: c)))
            #expect((try? EventEnvelope(binary: e.binaryEncoded())) == e)
        }
    }

    static let rejections: [(String, String, String)] = [
        ("\"roles\":{\"sales\":{", "\"roles\":{\"sales\":{\"syncUnresolvd\":true,", #"roles.sales: unknown field "syncUnresolvd""#),
        ("\"refreshTokenFile\":\"…\"", "\"refreshToken\":\"5Aep861\"",
         "salesforce.auth.refreshToken: secrets are not accepted in the configuration; name a file (refreshTokenFile) or an environment variable (refreshTokenEnv)"),
        ("\"defaultRole\":\"sales\"", "\"defaultRole\":\"ops\"", "defaultRole: names no role in roles"),
        ("\"role\":\"sales\"", "\"role\":\"ops\"", "users[0].role: names no role in roles"),
        ("\"005000000000001AAA\"", "\"005-bad\"", "users[0].salesforceUserId: not a Salesforce id (15 or 18 letters and digits)"),
        ("\"America/Los_Angeles\",\"settings\"", "\"Pacific Time\",\"settings\"",
         "users[0].timeZone: not an IANA time zone name (e.g. America/Los_Angeles)"),
        ("\"apiReservePercent\":20", "\"apiReservePercent\":120", "salesforce.apiReservePercent: must be between 0 and 100"),
        ("[\"acme.com\"]", "[\"acme com\"]", "internalDomains[0]: not a domain name"),
        ("\"ceo-personal@gmail.com\"", "\"ceo-personal\"", "excludedAddresses[0]: not an email address"),
        ("\"pollMinutes\":30", "\"pollMinutes\":0", "schedule.pollMinutes: must be between 1 and 1440"),
        ("\"listen\":\"127.0.0.1:8080\"", "\"listen\":\"127.0.0.1\"", "server.listen: must be host:port (e.g. 127.0.0.1:8080)"),
        ("\"ingestTokenFile\":\"…\"", "\"ingestToken\":\"abc\"",
         "server.ingestToken: secrets are not accepted in the configuration; name a file (ingestTokenFile) or an environment variable (ingestTokenEnv)"),
    ]

    @Test("a bad configuration is refused with the path and the problem", arguments: rejections)
    func rejected(find: String, replace: String, expected: String) {
        let text = contractConfiguration.replacingFirst(find, with: replace)
        #expect(text != contractConfiguration)
        #expect(WorkspaceConfigurationJSON.decode(text).rejectionText == expected)
    }

    @Test("what changed between two configurations, setting by setting")
    func changes() throws {
        let old = try #require(try WorkspaceConfigurationJSON.decode(contractConfiguration).get().first)
        #expect(old.changes(from: old).isEmpty)
        var new = old
        new.roles[0].settings.firstOnly = false
        new.excludedDomains.append("spam.example")
        new.users.append(UserMapping(id: "u_bob", email: "bob@acme.com", salesforceUserId: "005000000000002AAA", timeZone: "UTC"))
        new.users[0].timeZone = "Europe/Paris"
        let text = new.changes(from: old).map(\.description)
        #expect(
            text == [
                #"excludedDomains: added "spam.example""#,
                "roles.sales.firstOnly: true -> false",
                #"users[u_alice].timeZone: "America/Los_Angeles" -> "Europe/Paris""#,
                #"users[u_bob]: added {"id":"u_bob","email":"bob@acme.com","salesforceUserId":"005000000000002AAA","role":null,"timeZone":"UTC","settings":null}"#,
            ])
        #expect(new.changes(from: nil).map(\.description) == ["workspace acme: added configured"])
    }

    @Test("user overrides apply over the role (X4 per user)")
    func overrides() {
        let role = RoleSettings()
        let mine = role.applying(RoleOverrides(log: LogOverrides(opened: false), syncUnresolved: true))
        #expect(mine.log.opened == false)
        #expect(mine.log.sent)
        #expect(mine.syncUnresolved)
        #expect(role.applying(nil) == role)
    }
}

@Suite("Salesforce change JSON")
struct SalesforceChangeTests {
    @Test("the contract's example decodes; fields keep their order and types")
    func contractExample() throws {
        let c = try SalesforceChangeJSON.decode(contractChange).get()
        #expect(c.object == "Contact")
        #expect(c.changeType == .update)
        #expect(c.source == .realtime)
        #expect(c.record.id == "003000000000001AAA")
        #expect(c.record.fields.map(\.name) == ["Id", "Email", "AccountId", "SystemModstamp"])
        #expect(c.record.string("Email") == "bob@globex.com")
        #expect(c.record.systemModstamp == Timestamp(rfc3339: "2026-11-20T15:00:00Z"))
        #expect(c.commitTimestamp == Timestamp(rfc3339: "2026-11-20T15:00:00Z"))
    }

    @Test("one change or an array of them (the real-time endpoint's body)")
    func oneOrMany() throws {
        #expect(try SalesforceChangeJSON.decodeOneOrMany(Array(contractChange.utf8)).get().count == 1)
        #expect(try SalesforceChangeJSON.decodeOneOrMany(Array("[\(contractChange),\(contractChange)]".utf8)).get().count == 2)
        let bad = "[\(contractChange),\(contractChange.replacingFirst("\"UPDATE\"", with: "\"UPSERT\""))]"
        #expect(SalesforceChangeJSON.decodeOneOrMany(Array(bad.utf8)).rejectionText == #"[1].changeType: unknown change type "UPSERT""#)
    }

    @Test("changes round-trip through JSON and the binary log")
    func roundTrip() async {
        await propertyCheck(count: 500, input: ModelGen.change) { c in
            let back = SalesforceChangeJSON.decode(SalesforceChangeJSON.encode(c))
            #expect((try? back.get()) == c)
            let e = EventEnvelope(
                id: EventID("change/x"), workspace: "acme", recordedAt: Timestamp(millisecondsSinceEpoch: 0),
                event: .salesforceRecordChanged(c))
            #expect((try? EventEnvelope(binary: e.binaryEncoded())) == e)
        }
    }

    static let rejections: [(String, String, String)] = [
        ("\"003000000000001AAA\"", "\"003\"", "record.Id: not a Salesforce id (15 or 18 letters and digits)"),
        ("\"Id\":\"003000000000001AAA\",", "", "record: missing field Id"),
        ("\"realtime\"", "\"carrier-pigeon\"", #"source: unknown change source "carrier-pigeon""#),
        ("\"Email\":\"bob@globex.com\"", "\"Email\":{\"nested\":1}", "record.Email: must be a string, number, boolean or null, not an object"),
        ("\"Contact\"", "\"Con tact\"", "object: not an sObject API name"),
        ("\"2026-11-20T15:00:00Z\"", "\"yesterday\"", "commitTimestamp: not an RFC 3339 date-time (e.g. 2026-11-20T15:04:05Z)"),
    ]

    @Test("a bad change is refused with the path and the problem", arguments: rejections)
    func rejected(find: String, replace: String, expected: String) {
        let text = contractChange.replacingFirst(find, with: replace)
        #expect(text != contractChange)
        #expect(SalesforceChangeJSON.decode(text).rejectionText == expected)
    }
}

@Suite("Timestamps and dates (RFC 3339, T4)")
struct TimestampTests {
    @Test("RFC 3339 with Z, offsets and fractions")
    func parse() {
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z")?.millisecondsSinceEpoch == 0)
        #expect(Timestamp(rfc3339: "2026-11-20T07:04:05.250-08:00") == Timestamp(rfc3339: "2026-11-20T15:04:05.250Z"))
        #expect(Timestamp(rfc3339: "2026-11-20T15:04:05.123456789Z")?.millisecondsSinceEpoch == 1_795_187_045_123)
        #expect(Timestamp(rfc3339: "2026-11-20T15:04:05.250Z")?.rfc3339String == "2026-11-20T15:04:05.250Z")
        #expect(Timestamp(rfc3339: "2026-11-20T15:04:05+0000") == nil)
        #expect(Timestamp(salesforceDateTime: "2026-11-20T15:04:05.000+0000") == Timestamp(rfc3339: "2026-11-20T15:04:05Z"))
        #expect(Timestamp(rfc3339: "2026-11-20") == nil)
        #expect(Timestamp(rfc3339: "1969-12-31T23:59:59Z")?.millisecondsSinceEpoch == -1000)
        #expect(Timestamp(millisecondsSinceEpoch: -1).rfc3339String == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2023-02-29T00:00:00Z") == nil)
    }

    @Test("formatting then parsing gives the same instant, at any offset")
    func roundTrip() async {
        await propertyCheck(
            count: 2000, input: Gen.int64(in: -2_000_000_000_000...4_000_000_000_000), Gen.int(in: -720...840)
        ) { ms, offset in
            let t = Timestamp(millisecondsSinceEpoch: ms)
            #expect(Timestamp(rfc3339: t.rfc3339String) == t)
            #expect(Timestamp(rfc3339: t.rfc3339String(offsetMinutes: offset)) == t)
        }
    }

    @Test("LocalDate and days since epoch agree")
    func localDates() async {
        await propertyCheck(count: 2000, input: Gen.int(in: -700_000...2_900_000)) { days in
            let d = LocalDate(daysSinceEpoch: days)
            #expect(d.daysSinceEpoch == days)
            #expect(LocalDate(iso: d.isoString) == d)
        }
        #expect(LocalDate(iso: "2026-11-20")?.daysSinceEpoch == 20_777)
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}
