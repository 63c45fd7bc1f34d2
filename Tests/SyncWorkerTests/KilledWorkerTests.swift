import Foundation
import NIOCore
import NIOHTTP1
import Salesforce
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorker
import SyncWorkloads
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The worker as a child process: this test binary re-runs itself with `SYNCLOG_CHILD_DATA` set and a
/// filter selecting ``KilledWorkerChild``; the parent kills it with SIGKILL at random moments, and the
/// child may also kill itself at the two worst moments (after `WriteDispatching`, and between the
/// Salesforce call and the outcome append).
@Suite("Child worker (runs only inside the SIGKILL test)")
struct KilledWorkerChild {
    @Test("child worker", .enabled(if: ProcessInfo.processInfo.environment["SYNCLOG_CHILD_DATA"] != nil))
    func childWorker() async throws {
        let env = ProcessInfo.processInfo.environment
        let store = try SyncStore(directory: env["SYNCLOG_CHILD_DATA"]!)
        let crash = Double(env["SYNCLOG_CHILD_CRASH"] ?? "0") ?? 0
        let client = SalesforceClient(configuration: SalesforceConfiguration(
            loginHost: .myDomain(env["SYNCLOG_CHILD_URL"]!), credentials: .refreshToken(clientId: "cid", clientSecret: nil, refreshToken: "rt-1"),
            timeout: .seconds(10)))
        // Batches of 20, not 200: about a hundred calls, so the kills land across the whole run
        // (with full batches a fast machine finishes before 20 kills could happen).
        var configuration = DispatcherConfiguration(
            workspace: "acme", retry: RetryPolicy(maxAttempts: 50, baseDelayMilliseconds: 5, maxDelayMilliseconds: 50), batchSize: 20)
        configuration.crashPoint = { _ in
            if Double.random(in: 0..<1) < crash { kill(getpid(), SIGKILL) }
        }
        let dispatcher = OutboxDispatcher(gate: StoreGate(store: store), client: client, configuration: configuration)
        _ = try await dispatcher.dispatchUntilIdle()
        store.close()
    }
}

@Suite("W1 exactly once with the worker killed by SIGKILL", .serialized)
struct KilledWorkerTests {
    static let shape = WorkspaceWorkload.Shape(seed: 11, users: 6, accounts: 80, contactsPerAccount: 4, leads: 120, customRecords: 0,
                                               activities: 2_500, activityDateTimeField: true)

    func spawn(data: String, url: String, crash: Double) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = ["--testing-library", "swift-testing", "--filter", "KilledWorkerChild"]
        var env = ProcessInfo.processInfo.environment
        env["SYNCLOG_CHILD_DATA"] = data
        env["SYNCLOG_CHILD_URL"] = url
        env["SYNCLOG_CHILD_CRASH"] = String(crash)
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test("every planned Task/Event exists exactly once after 25+ SIGKILLs", arguments: [true, false])
    func killed(externalId: Bool) async throws {
        let workload = WorkspaceWorkload(Self.shape)
        let events = Array(workload)
        let h = try await WorkerHarness.start(events: events, users: workload.configuration.users, externalId: externalId)
        let planned = try await h.state()
        var finalWrites: [String: PlannedWrite] = [:]
        for (key, e) in planned.outbox.entries where e.state == .planned { finalWrites[key] = e.write }
        h.store.close()
        try await h.fault(#"{"path":"/composite/sobjects","action":"dropResponse","probability":0.15,"seed":5}"#)

        var random = SeededRandom(seed: externalId ? 3 : 4)
        var kills = 0, selfKills = 0, runs = 0
        while kills + selfKills < 25 && runs < 80 {
            runs += 1
            let child = try spawn(data: h.directory, url: h.emulator.baseURL, crash: 0.3)
            try await Task.sleep(for: .milliseconds(300 + random.below(2700)))
            var killedByUs = false
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                killedByUs = true
            }
            child.waitUntilExit()
            if killedByUs { kills += 1 } else if child.terminationReason == .uncaughtSignal { selfKills += 1 }
        }
        try await h.admin(.DELETE, "faults")
        let last = try spawn(data: h.directory, url: h.emulator.baseURL, crash: 0)
        while last.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(last.terminationStatus == 0)

        let store = try SyncStore(directory: h.directory)
        let ws = try await store.catchUp().state.workspace("acme")
        store.close()
        let open = ws.outbox.open.compactMap { ws.outbox.entries[$0] }
        #expect(open.isEmpty, "open: \(open.prefix(3).map { ($0.state, $0.lastErrorCode ?? "") })")
        #expect(ws.entries(.failedPermanent).isEmpty, "\(ws.outboxSummary)")
        let live = h.live("Task") + h.live("Event")
        let byId = Dictionary(live.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var expected = 0
        for (key, write) in finalWrites {
            guard let entry = ws.outbox.entries[key], entry.state == .written, write.operation == .upsert else { continue }
            expected += 1
            let record = try #require(byId[entry.salesforceId ?? ""], "written \(key) missing in the org")
            if case .string(let subject)? = write[field: "Subject"] { #expect(record.fields["Subject"]?.stringValue == subject) }
            if case .string(let who)? = write[field: "WhoId"] { #expect(record.fields["WhoId"]?.stringValue == who) }
            if externalId { #expect(record.fields["Synclog_Key__c"]?.stringValue == key) }
        }
        let writtenIds = Set(ws.entries(.written).compactMap(\.salesforceId))
        let extras = live.filter { !writtenIds.contains($0.id) }.prefix(5).map { r in
            ["object", "Subject", "WhoId", "WhatId", "OwnerId", "ActivityDate", "StartDateTime", "IsAllDayEvent"].map {
                $0 == "object" ? r.object : "\($0)=\(r.fields[$0]?.stringValue ?? r.fields[$0].map { "\($0)" } ?? "nil")"
            }.joined(separator: " ")
        }
        #expect(live.count == expected, "not planned: \(extras)")
        #expect(kills + selfKills >= 20)
        print("killed(externalId: \(externalId)): \(finalWrites.count) planned, \(expected) live, \(kills) SIGKILLs from outside,",
              "\(selfKills) at crash points, \(runs) runs")
        await h.emulator.stop()
        try? FileManager.default.removeItem(atPath: h.directory)
    }
}
