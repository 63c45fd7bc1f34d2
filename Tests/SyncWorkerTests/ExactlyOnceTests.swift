import Foundation
import NIOHTTP1
import Salesforce
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorker
import SyncWorkloads
import Testing

/// W1 proven against the emulator on a generated workspace. The worker is stopped at random moments
/// (in-process: its task is cancelled mid-flight, which abandons HTTP calls whose writes the emulator
/// may already have applied, and appends that may or may not have committed), while the emulator
/// also drops responses after applying writes; a fresh dispatcher and client are started each time.
/// At the end the org must hold every planned Task/Event exactly once, with the planned fields.
///
/// - Note: the issue asks for SIGKILL of a child worker process; that needs an executable target
///   (coordinated with the lead); this in-process version with cancellation stands in for it.
@Suite("W1 exactly once under random stops and dropped responses", .serialized)
struct ExactlyOnceTests {
    // No custom records: the emulator does not relate Tasks to custom objects yet (see the report).
    static let shape = WorkspaceWorkload.Shape(seed: 7, users: 6, accounts: 80, contactsPerAccount: 4, leads: 120, customRecords: 0,
                                               activities: 2_500, activityDateTimeField: true)

    @Test("every planned Task/Event exists exactly once after 25 stops", arguments: [true, false])
    func exactlyOnce(externalId: Bool) async throws {
        let workload = WorkspaceWorkload(Self.shape)
        let events = Array(workload)
        let h = try await WorkerHarness.start(events: events, users: workload.configuration.users, externalId: externalId)
        // The plans as the worker will see them (all input is in the log already).
        let planned = try await h.state()
        var finalWrites: [String: PlannedWrite] = [:]
        for (key, e) in planned.outbox.entries where e.state == .planned { finalWrites[key] = e.write }
        #expect(finalWrites.count > 500)

        try await h.fault(#"{"path":"/composite/sobjects","action":"dropResponse","probability":0.2,"seed":11}"#)
        var random = SeededRandom(seed: externalId ? 1 : 2)
        var stops = 0
        for _ in 0..<25 {
            // Retries are generous here: with one response in five dropped, a batch of 200 whose
            // 4 default attempts all lose their answer (0.2^4, but over hundreds of batch calls)
            // fails for good, and a record applied but failed is not the exactly-once this tests.
            // Bounded attempts have their own test (W2, DispatcherTests).
            let dispatcher = h.dispatcher(retry: RetryPolicy(maxAttempts: 12), random: Double(random.below(1000)) / 1000)
            let run = Task { try await dispatcher.dispatchUntilIdle() }
            try await Task.sleep(for: .milliseconds(20 + random.below(400)))
            run.cancel()
            if case .failure = await run.result { stops += 1 }
        }
        try await h.admin(.DELETE, "faults")
        let report = try await h.dispatcher().dispatchUntilIdle()
        #expect(!report.paused && !report.needsReauthorisation)

        let ws = try await h.state()
        let open = ws.outbox.open.compactMap { ws.outbox.entries[$0] }
        #expect(open.isEmpty, "open: \(open.prefix(3).map { ($0.state, $0.lastErrorCode ?? "") })")
        let permanent = ws.entries(.failedPermanent)
        #expect(permanent.isEmpty, "failed: \(permanent.prefix(3).map { ($0.lastErrorCode ?? "", $0.lastError ?? "") })")

        let live = h.live("Task") + h.live("Event")
        let byId = Dictionary(live.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byId.count == live.count)
        var expected = 0
        for (key, write) in finalWrites {
            let entry = try #require(ws.outbox.entries[key])
            if write.operation == .delete {
                if let id = entry.salesforceId, !id.isEmpty { #expect(byId[id] == nil) }
                continue
            }
            guard entry.state == .written else { continue }  // superseded by a newer plan of the same activity
            expected += 1
            let id = try #require(entry.salesforceId)
            let record = try #require(byId[id], "written \(key) missing in the org")
            if case .string(let subject)? = write[field: "Subject"] { #expect(record.fields["Subject"]?.stringValue == subject) }
            if case .string(let who)? = write[field: "WhoId"] { #expect(record.fields["WhoId"]?.stringValue == who) }
            if case .string(let owner)? = write[field: "OwnerId"] { #expect(record.fields["OwnerId"]?.stringValue == owner) }
            if externalId { #expect(record.fields["Synclog_Key__c"]?.stringValue == key) }
        }
        // Nothing else was written: every live activity record is one of the planned writes.
        #expect(live.count == expected)
        let calls = try await h.admin(.GET, "calls")
        print("exactly-once(externalId: \(externalId)): \(finalWrites.count) planned writes, \(expected) live records, \(stops) stops,",
              "\(calls?["counted"]?.intValue ?? -1) API calls")
        await h.stop()
    }
}

@Suite("API calls per 1,000 activities (W7)", .serialized)
struct APICallFigures {
    @Test("a realistic generated workload costs at most 8 calls per 1,000 activities")
    func callsPerThousand() async throws {
        let shape = WorkspaceWorkload.Shape(seed: 42, users: 20, accounts: 300, contactsPerAccount: 5, leads: 600, customRecords: 100,
                                            activities: 10_000, activityDateTimeField: true)
        let workload = WorkspaceWorkload(shape)
        let events = Array(workload)
        let h = try await WorkerHarness.start(events: events, users: workload.configuration.users)
        try await h.admin(.DELETE, "calls")
        let before = try await h.countedCalls()
        let report = try await h.dispatcher().dispatchUntilIdle()
        let calls = try await h.countedCalls() - before
        let ws = try await h.state()
        let written = ws.entries(.written).count
        let perThousand = Double(calls) * 1000 / Double(shape.activities)
        print("calls-per-1000: activities \(shape.activities), writes \(written), API calls \(calls) (\(report.writeCalls) write calls),",
              "\(perThousand) per 1,000 activities; one call per write would be \(Double(written) * 1000 / Double(shape.activities))")
        #expect(perThousand <= 8)
        await h.stop()
    }
}
