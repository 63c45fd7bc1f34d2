import Foundation
import HTTPTypes
import HummingbirdTesting
import SalesforceEmulator
import Testing

/// SOQL subset, pagination, queryAll, cursors, MALFORMED_QUERY.
@Suite struct QueryTests {
    static func q(_ soql: String, all: Bool = false) -> String { (all ? "queryAll" : "query") + "?q=" + soql.urlQueryEncoded }

    static func seedContacts(_ c: Client, _ n: Int) async throws {
        var i = 0
        while i < n {
            let count = min(200, n - i)
            let recs = (i..<(i + count)).map { #"{"attributes":{"type":"Contact"},"LastName":"C\#(String(format: "%05d", $0))","Email":"c\#($0)@x.com","AccountId":"001000000000001AAA"}"# }
            let r = try await c.post("composite/sobjects", #"{"records":[\#(recs.joined(separator: ","))]}"#)
            #expect(r.status == 200)
            i += count
        }
    }

    @Test func whereOrderByLimitAndRelationshipFields() async throws {
        try await Harness().run { c in
            try await Self.seedContacts(c, 30)
            let r = try await c.get(Self.q("SELECT Id, LastName, Account.Name FROM Contact WHERE (LastName LIKE 'C0001%' OR Email = 'C25@X.COM') AND AccountId != null ORDER BY LastName DESC LIMIT 5"))
            #expect(r.status == 200)
            let records = try #require(r.json?["records"]?.arrayValue)
            #expect(records.map { $0["LastName"]?.stringValue } == ["C00025", "C00019", "C00018", "C00017", "C00016"])
            #expect(r.json?["totalSize"] == 5 && r.json?["done"] == true)
            #expect(records[0]["Account"]?["Name"] == "Globex")
            #expect(records[0]["Account"]?["attributes"]?["type"] == "Account")
            #expect(records[0].serialized().hasPrefix(#"{"attributes":{"type":"Contact","url":"/services/data/v62.0/sobjects/Contact/003"#))
            let inList = try await c.get(Self.q("SELECT Id FROM Contact WHERE LastName IN ('C00001','C00002') AND IsDeleted = false"))
            #expect(inList.json?["totalSize"] == 2)
            let count = try await c.get(Self.q("SELECT COUNT() FROM Contact"))
            #expect(count.json?["totalSize"] == 31)
        }
    }

    @Test func datetimeComparisonsOnSystemModstampAndKeysetOrdering() async throws {
        let h = try Harness(extraSettings: #","now":"2026-11-20T09:00:00Z""#)
        try await h.run { c in
            _ = try h.org.withState { s in
                s.setClock(try JSON.parse(#"{"now":"2026-11-20T10:00:00Z","frozen":true}"#), real: EmulatorClock.realNow())
            }
            let t1 = h.org.issueAccessToken()
            _ = try await c.call(.post, "sobjects/Contact", #"{"LastName":"Early"}"#, token: t1)
            _ = h.org.withState { s in s.setClock(.object([("advanceSeconds", 3600)]), real: EmulatorClock.realNow()) }
            let t2 = h.org.issueAccessToken()
            _ = try await c.call(.post, "sobjects/Contact", #"{"LastName":"Late"}"#, token: t2)
            let r = try await c.call(.get, Self.q("SELECT Id, LastName, SystemModstamp FROM Contact WHERE SystemModstamp >= 2026-11-20T10:30:00Z ORDER BY SystemModstamp, Id"), token: t2)
            #expect(r.json?["records"]?.arrayValue?.map { $0["LastName"]?.stringValue } == ["Late"])
            #expect(r.json?["records"]?[0]?["SystemModstamp"] == "2026-11-20T11:00:00.000+0000")
            let quoted = try await c.call(.get, Self.q("SELECT Id FROM Contact WHERE SystemModstamp > '2026-11-20T10:30:00Z'"), token: t2)
            #expect(quoted.json?[0]?["errorCode"] == "MALFORMED_QUERY")
        }
    }

    @Test func paginationHonoursBatchSizeAndEachPageIsOneCall() async throws {
        let h = try Harness()
        try await h.run { c in
            try await Self.seedContacts(c, 450)
            let before = h.org.apiUsage()
            var page = try await c.call(.get, Self.q("SELECT Id, LastName FROM Contact ORDER BY LastName"), headers: [HTTPField.Name("Sforce-Query-Options")!: "batchSize=200"])
            var seen: [String] = []
            var pages = 0
            while true {
                pages += 1
                seen += page.json?["records"]?.arrayValue?.compactMap { $0["LastName"]?.stringValue } ?? []
                #expect(page.json?["totalSize"] == 451)
                guard page.json?["done"] == false, let next = page.json?["nextRecordsUrl"]?.stringValue else { break }
                #expect(next.hasPrefix("/services/data/v62.0/query/01g"))
                page = try await c.get(next)
            }
            #expect(pages == 3)
            #expect(seen.count == 451 && Set(seen).count == 451)
            #expect(h.org.apiUsage() == before + 3)
        }
    }

    @Test func atMostTenOpenCursorsTheOldestIsInvalidated() async throws {
        try await Harness().run { c in
            try await Self.seedContacts(c, 250)
            var firsts: [String] = []
            for _ in 0..<11 {
                let r = try await c.call(.get, Self.q("SELECT Id FROM Contact"), headers: [HTTPField.Name("Sforce-Query-Options")!: "batchSize=200"])
                firsts.append(try #require(r.json?["nextRecordsUrl"]?.stringValue))
            }
            let oldest = try await c.get(firsts[0])
            #expect(oldest.status == 400)
            #expect(oldest.text == #"[{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR","fields":[]}]"#)
            let newest = try await c.get(firsts[10])
            #expect(newest.status == 200 && newest.json?["done"] == true)
        }
    }

    @Test func queryAllSeesDeletedRowsAndQueryDoesNot() async throws {
        try await Harness().run { c in
            let made = try await c.post("sobjects/Contact", #"{"LastName":"Doomed"}"#)
            let id = made.json!["id"]!.stringValue!
            _ = try await c.delete("sobjects/Contact/\(id)")
            let live = try await c.get(Self.q("SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Doomed'"))
            #expect(live.json?["totalSize"] == 0)
            let all = try await c.get(Self.q("SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Doomed'", all: true))
            #expect(all.json?["records"]?[0]?["IsDeleted"] == true)
        }
    }

    @Test(arguments: [
        ("SELECT Id FROM", "unexpected end of query"),
        ("SELECT Id Contact", "expecting 'FROM'"),
        ("SELECT Id FROM Contact GROUP BY Id", "'GROUP'"),
        ("SELECT Id FROM Contact WHERE Name = ", "unexpected end of query"),
        ("SELECT Id FROM Contact WHERE CreatedDate > TODAY", "TODAY"),
        ("SELECT Id, (SELECT Id FROM Tasks) FROM Contact", "subqueries"),
    ])
    func malformedQueriesSayWhatWasNotUnderstood(soql: String, fragment: String) async throws {
        try await Harness().run { c in
            let r = try await c.get(Self.q(soql))
            #expect(r.status == 400)
            #expect(r.json?[0]?["errorCode"] == "MALFORMED_QUERY")
            #expect(r.json?[0]?["message"]?.stringValue?.contains(fragment) == true, "\(r.text)")
        }
    }

    @Test func unknownColumnsAndObjects() async throws {
        try await Harness().run { c in
            let col = try await c.get(Self.q("SELECT Nope FROM Contact"))
            #expect(col.json?[0]?["errorCode"] == "INVALID_FIELD")
            let obj = try await c.get(Self.q("SELECT Id FROM Nope"))
            #expect(obj.json?[0]?["errorCode"] == "INVALID_TYPE")
            let hidden = try await c.get(Self.q("SELECT Type FROM Task"))
            #expect(hidden.json?[0]?["errorCode"] == "INVALID_FIELD")
        }
    }
}
