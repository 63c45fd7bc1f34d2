import Foundation
import HummingbirdTesting
import SyncDomain
import SyncStore
import Testing
import WorkerService

@Suite struct ActivitiesEndpointTests {
    @Test func storesOneObjectAnArrayAndJSONLines() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                let one = try await client.post("/activities", Samples.activity(id: "a1"), token: "ingest-acme-1234")
                #expect(one.status == 202)
                #expect(one.json?["accepted"] as? Int == 1)
                let array = "[\(Samples.activity(id: "a2")),\(Samples.activity(id: "a3"))]"
                let two = try await client.post("/activities", array, token: "ingest-acme-1234")
                #expect(two.json?["accepted"] as? Int == 2)
                let lines =
                    Samples.activity(id: "a4") + "\n\n" + Samples.activity(id: "a5") + "\n" + Samples.activity(id: "a1")
                    + "\n"
                let three = try await client.post("/activities", lines, token: "ingest-acme-1234")
                #expect(three.status == 202)
                #expect(three.json?["accepted"] as? Int == 2)
                #expect(three.json?["duplicates"] as? Int == 1)
                #expect(three.json?["rejected"] as? Int == 0)
            }
            let activities = try h.eventCount { if case .activity = $0 { return true } else { return false } }
            #expect(activities == 5)
            #expect(h.appended.workspaces == ["acme", "acme", "acme"])
        }
    }

    @Test func wrongOrMissingTokenIs401AndStoresNothing() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                let wrong = try await client.post("/activities", Samples.activity(id: "a1"), token: "ingest-acme-1235")
                #expect(wrong.status == 401)
                #expect(wrong.json?["error"] is String)
                #expect(!wrong.text.contains("ingest-acme"))
                let realtimeToken = try await client.post(
                    "/activities", Samples.activity(id: "a1"), token: "realtime-acme-5678")
                #expect(realtimeToken.status == 401)
                let none = try await client.post("/activities", Samples.activity(id: "a1"), token: nil)
                #expect(none.status == 401)
            }
            #expect(try h.store.lastPosition() == 0)
            #expect(try h.store.deadLetters().isEmpty)
            #expect(h.appended.workspaces.isEmpty)
        }
    }

    @Test func badLineIsADeadLetterAndTheRestGoIn() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                let bad =
                    #"{"id":"a9","workspace":"acme","type":"email.sent","occurredAt":"yesterday","userId":"u_alice"}"#
                let body = Samples.activity(id: "a1") + "\n" + bad + "\n" + "not json at all\n"
                let answer = try await client.post("/activities", body, token: "ingest-acme-1234")
                #expect(answer.status == 202)
                #expect(answer.json?["accepted"] as? Int == 1)
                #expect(answer.json?["rejected"] as? Int == 2)
                let errors = answer.json?["errors"] as? [[String: Any]] ?? []
                #expect(errors.map { $0["line"] as? Int } == [2, 3])
                #expect((errors.first?["reason"] as? String)?.contains("occurredAt") == true)
            }
            let letters = try h.store.deadLetters()
            #expect(letters.map(\.line) == [2, 3])
            #expect(letters.allSatisfy { $0.source == "POST /activities" && $0.kind == "activity" })
        }
    }

    @Test func aLineForAnotherWorkspaceIsRejected() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                let body = Samples.activity(id: "a1") + "\n" + Samples.activity(id: "g1", workspace: "globex") + "\n"
                let answer = try await client.post("/activities", body, token: "ingest-acme-1234")
                #expect(answer.json?["accepted"] as? Int == 1)
                #expect(answer.json?["rejected"] as? Int == 1)
                let errors = answer.json?["errors"] as? [[String: Any]] ?? []
                #expect(errors.first?["line"] as? Int == 2)
                #expect((errors.first?["reason"] as? String)?.contains("workspace") == true)
                // The same line with globex's token goes in.
                let globex = try await client.post(
                    "/activities", Samples.activity(id: "g1", workspace: "globex"), token: "ingest-globex-9999")
                #expect(globex.json?["accepted"] as? Int == 1)
            }
            let letters = try h.store.deadLetters()
            #expect(letters.count == 1)
            #expect(letters.first?.reason.contains("workspace") == true)
            var workspaces: [String] = []
            try h.store.scan { _, e in
                if case .activity = e.event { workspaces.append(e.workspace) }
                return true
            }
            #expect(workspaces == ["acme", "globex"])
        }
    }
}

extension ActivitiesEndpointTests {
    @Test func arrayElementsAreStoredAsReceivedSoARedeliveryIsTheSameBody() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                // Spacing and an escape the writer would normalise: the stored body is the element as sent.
                let element = Samples.activity(id: "a1").replacingOccurrences(of: "Pricing", with: "Pric\\u0069ng")
                let array = "[ \(element) ,\n \(Samples.activity(id: "a2")) ]"
                #expect(
                    try await client.post("/activities", array, token: "ingest-acme-1234").json?["accepted"] as? Int
                        == 2)
                let again = try await client.post("/activities", element + "\n", token: "ingest-acme-1234")
                #expect(again.json?["duplicates"] as? Int == 1)
                // A pretty-printed single object is one activity, not lines.
                let pretty = Samples.activity(id: "a3").replacingOccurrences(of: ",\"", with: ",\n  \"")
                #expect(
                    try await client.post("/activities", pretty, token: "ingest-acme-1234").json?["accepted"] as? Int
                        == 1)
            }
            var differs: [Bool] = []
            try h.store.scan { _, e in
                if case .duplicateDelivery(let d) = e.event { differs.append(d.bodyDiffers) }
                return true
            }
            #expect(differs == [false])
        }
    }

    @Test func emptyAndOversizedBodiesAreRefusedAndNothingIsStored() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir, settings: EndpointSettings(maxActivitiesBodyBytes: 1024))
            defer { h.store.close() }
            try await h.run { client in
                let empty = try await client.post("/activities", " \n", token: "ingest-acme-1234")
                #expect(empty.status == 400)
                #expect((empty.json?["error"] as? String)?.contains("empty") == true)
                let big = (1...5).map { Samples.activity(id: "a\($0)") }.joined(separator: "\n")
                let tooLarge = try await client.post("/activities", big, token: "ingest-acme-1234")
                #expect(tooLarge.status == 413)
                #expect((tooLarge.json?["error"] as? String)?.contains("1024") == true)
            }
            #expect(try h.store.lastPosition() == 0)
            #expect(try h.store.deadLetters().isEmpty)
        }
    }
}

@Suite struct ChangesEndpointTests {
    @Test func wrongTokenIs401AndNothingIsStoredEvenWhenMalformed() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                #expect(try await client.post("/salesforce/changes", Samples.change(1), token: "nope").status == 401)
                #expect(
                    try await client.post("/salesforce/changes", Samples.change(1), token: "ingest-acme-1234").status
                        == 401)
                #expect(try await client.post("/salesforce/changes", "{not json", token: nil).status == 401)
                let malformed = try await client.post("/salesforce/changes", "{not json", token: "wrong")
                #expect(malformed.status == 401)
                #expect(malformed.json?["error"] is String)
            }
            #expect(try h.store.lastPosition() == 0)
            #expect(try h.store.deadLetters().isEmpty)
        }
    }

    @Test func oversizedBodyIs413AndNothingIsStored() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir, settings: EndpointSettings(maxChangesBodyBytes: 2048))
            defer { h.store.close() }
            try await h.run { client in
                let body = "[" + (1...20).map { Samples.change($0) }.joined(separator: ",") + "]"
                #expect(body.utf8.count > 2048)
                let answer = try await client.post("/salesforce/changes", body, token: "realtime-acme-5678")
                #expect(answer.status == 413)
                #expect((answer.json?["error"] as? String)?.contains("2048") == true)
                let small = try await client.post("/salesforce/changes", Samples.change(1), token: "realtime-acme-5678")
                #expect(small.status == 202)
            }
            #expect(try h.store.lastPosition() == 1)
            #expect(try h.store.deadLetters().isEmpty)
        }
    }

    @Test func malformedButAuthorisedIs400AndKeptAsADeadLetter() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                let broken = try await client.post(
                    "/salesforce/changes", "{\"object\":\"Contact\",", token: "realtime-acme-5678")
                #expect(broken.status == 400)
                #expect((broken.json?["error"] as? String)?.contains("not valid JSON") == true)
                // Valid JSON, invalid change: the second element has no record id; the whole body is refused.
                let invalid =
                    "[\(Samples.change(1)),{\"object\":\"Contact\",\"changeType\":\"UPDATE\",\"record\":{\"Email\":\"x@y.com\"},\"source\":\"realtime\"}]"
                let answer = try await client.post("/salesforce/changes", invalid, token: "realtime-acme-5678")
                #expect(answer.status == 400)
                let error = answer.json?["error"] as? String ?? ""
                #expect(error.contains("[1].record"))
                #expect(!error.contains("x@y.com"))
            }
            #expect(try h.store.lastPosition() == 0)
            let letters = try h.store.deadLetters()
            #expect(letters.count == 2)
            #expect(letters.allSatisfy { $0.kind == "salesforce-change" && $0.source == "POST /salesforce/changes" })
            #expect(letters.first?.bytes == Array("{\"object\":\"Contact\",".utf8))
            #expect(h.appended.workspaces.isEmpty)
        }
    }

    @Test func ownWritesAreIgnoredAndRepeatsAreDuplicates() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                let body =
                    "[\(Samples.change(1)),\(Samples.change(2, origin: "com/salesforce/api/rest/62.0;client=synclog")),\(Samples.change(3, origin: "client=someone-else"))]"
                let answer = try await client.post("/salesforce/changes", body, token: "realtime-acme-5678")
                #expect(answer.status == 202)
                #expect(answer.json?["accepted"] as? Int == 2)
                #expect(answer.json?["ignoredOwnWrites"] as? Int == 1)
                let again = try await client.post("/salesforce/changes", body, token: "realtime-acme-5678")
                #expect(again.json?["accepted"] as? Int == 0)
                #expect(again.json?["duplicates"] as? Int == 2)
                #expect(again.json?["ignoredOwnWrites"] as? Int == 1)
            }
            var ids: [String] = []
            try h.store.scan { _, e in
                if case .salesforceRecordChanged(let c) = e.event { ids.append(c.record.id ?? "") }
                #expect(e.workspace == "acme")
                return true
            }
            #expect(ids == ["003000000000001AAA", "003000000000003AAA"])
            #expect(h.appended.workspaces == ["acme"])
        }
    }

    @Test func aFloodOfTenThousandChangesIsStoredWithoutLoss() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run(.ahc(.http)) { client in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    var next = 0
                    func add() {
                        let request = next
                        next += 1
                        group.addTask {
                            let body =
                                "[" + (0..<100).map { Samples.change(request * 100 + $0) }.joined(separator: ",") + "]"
                            let answer = try await client.post("/salesforce/changes", body, token: "realtime-acme-5678")
                            #expect(answer.status == 202)
                            return answer.json?["accepted"] as? Int ?? -1
                        }
                    }
                    for _ in 0..<8 { add() }
                    var accepted = 0
                    while let n = try await group.next() {
                        accepted += n
                        if next < 100 { add() }
                    }
                    #expect(accepted == 10_000)
                }
            }
            let changes = try h.eventCount {
                if case .salesforceRecordChanged = $0 { return true } else { return false }
            }
            #expect(changes == 10_000)
            #expect(try h.store.lastPosition() == 10_000)
        }
    }
}

@Suite struct OperationsEndpointTests {
    @Test func healthAndReadiness() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                #expect(try await client.get("/health").status == 200)
                let waiting = try await client.get("/ready")
                #expect(waiting.status == 503)
                #expect(waiting.text.contains("acme: first audit not done"))
                h.readiness.markReady(workspace: "acme")
                h.readiness.mark(.storeOpen, workspace: "globex")
                h.readiness.mark(.configurationAppended, workspace: "globex")
                let one = try await client.get("/ready")
                #expect(one.status == 503)
                #expect(!one.text.contains("acme"))
                #expect(one.text.contains("globex: first audit not done"))
                h.readiness.mark(.firstAuditDone, workspace: "globex")
                #expect(try await client.get("/ready").status == 200)
                h.readiness.beginDraining()
                let draining = try await client.get("/ready")
                #expect(draining.status == 503)
                #expect(draining.text.contains("draining"))
                #expect(try await client.get("/health").status == 200)
            }
        }
    }

    @Test func metricsShowCountersAfterRequests() async throws {
        try await withTemporaryDirectory { dir in
            let h = try EndpointHarness(directory: dir)
            defer { h.store.close() }
            try await h.run { client in
                _ = try await client.post(
                    "/activities", Samples.activity(id: "a1") + "\n" + Samples.activity(id: "a2"),
                    token: "ingest-acme-1234")
                _ = try await client.post("/activities", Samples.activity(id: "a3"), token: "bad")
                _ = try await client.post("/salesforce/changes", Samples.change(1), token: "realtime-globex-0000")
                h.metrics.observeOutbox(workspace: "acme", depth: 3, oldestAgeSeconds: 12.5)
                h.metrics.dispatchLatency(.milliseconds(250))
                let page = try await client.get("/metrics")
                #expect(page.status == 200)
                #expect(page.contentType?.hasPrefix("text/plain") == true)
                let lines = page.text.split(separator: "\n").map(String.init)
                func value(_ prefix: String, _ labels: [String]) -> String? {
                    lines.first { $0.hasPrefix(prefix + "{") && labels.allSatisfy($0.contains) }?.split(separator: " ")
                        .last.map(String.init)
                }
                #expect(value("synclog_events_appended_total", [#"workspace="acme""#, #"source="activities""#]) == "2")
                #expect(value("synclog_events_appended_total", [#"workspace="globex""#, #"source="realtime""#]) == "1")
                #expect(value("synclog_ingest_requests_total", [#"endpoint="/activities""#, #"status="202""#]) == "1")
                #expect(value("synclog_ingest_requests_total", [#"endpoint="/activities""#, #"status="401""#]) == "1")
                #expect(
                    value("synclog_ingest_requests_total", [#"endpoint="/salesforce/changes""#, #"status="202""#])
                        == "1")
                #expect(value("synclog_outbox_depth", [#"workspace="acme""#]) == "3.0")
                #expect(
                    lines.contains {
                        $0.hasPrefix("synclog_realtime_lag_seconds{") && $0.contains(#"workspace="globex""#)
                    })
                #expect(lines.contains { $0.hasPrefix("synclog_dispatch_latency_seconds_count") && $0.hasSuffix(" 1") })
            }
        }
    }
}
