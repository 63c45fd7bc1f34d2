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

/// The poller as a child process: this test binary re-runs itself with `SYNCLOG_READER_CHILD_DATA`
/// set and a filter selecting ``KilledReaderChild``; the parent kills it with SIGKILL mid-poll.
@Suite("Child poller (runs only inside the SIGKILL poll test)")
struct KilledReaderChild {
    @Test("child poller", .enabled(if: ProcessInfo.processInfo.environment["SYNCLOG_READER_CHILD_DATA"] != nil))
    func childPoller() async throws {
        let env = ProcessInfo.processInfo.environment
        let store = try SyncStore(directory: env["SYNCLOG_READER_CHILD_DATA"]!)
        let client = SalesforceClient(configuration: SalesforceConfiguration(
            loginHost: .myDomain(env["SYNCLOG_READER_CHILD_URL"]!),
            credentials: .refreshToken(clientId: "cid", clientSecret: nil, refreshToken: "rt-1"), timeout: .seconds(10)))
        let t0 = SyncDomain.Timestamp(millisecondsSinceEpoch: Int64(env["SYNCLOG_READER_CHILD_T0"]!)!)
        let reader = SalesforceReader(
            gate: StoreGate(store: store), client: client,
            configuration: ReaderConfiguration(workspace: "acme", objects: ["Contact"], pageSize: 25), clock: ManualClock(t0))
        _ = try await reader.poll()
        store.close()
    }
}

@Suite("C1 poll killed by SIGKILL", .serialized)
struct KilledReaderTests {
    func spawn(data: String, url: String, t0: SyncDomain.Timestamp) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = ["--testing-library", "swift-testing", "--filter", "KilledReaderChild"]
        var env = ProcessInfo.processInfo.environment
        env["SYNCLOG_READER_CHILD_DATA"] = data
        env["SYNCLOG_READER_CHILD_URL"] = url
        env["SYNCLOG_READER_CHILD_T0"] = String(t0.millisecondsSinceEpoch)
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test("C1: a poll of 450 tied-stamp Contacts, killed with SIGKILL mid-way again and again, resumes from its cursor: nothing lost, nothing duplicated")
    func pollResumesAfterSIGKILL() async throws {
        let rig = try await ReaderRig.start()
        _ = try await rig.reader(pageSize: 200).auditIfNeeded()
        let ids = try await rig.create("Contact", (1...450).map { [("LastName", "Bulk\($0)"), ("Email", "bulk\($0)@globex.com")] })
        #expect(ids.count == 450)
        rig.h.store.close()
        // Every query page answers after 60 ms, so a poll of 18 pages takes about a second.
        try await rig.h.fault(#"{"method":"GET","path":"/query","action":"delay","delayMs":60}"#)

        var random = SeededRandom(seed: 21)
        var kills = 0, runs = 0
        while kills < 5 && runs < 20 {
            runs += 1
            let child = try spawn(data: rig.h.directory, url: rig.h.emulator.baseURL, t0: rig.t0)
            try await Task.sleep(for: .milliseconds(400 + random.below(900)))
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                kills += 1
            }
            child.waitUntilExit()
        }
        try await rig.h.admin(.DELETE, "faults")
        let last = try spawn(data: rig.h.directory, url: rig.h.emulator.baseURL, t0: rig.t0)
        while last.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        #expect(last.terminationStatus == 0)

        let store = try SyncStore(directory: rig.h.directory)
        var bulk: [String] = []
        try store.scan { _, e in
            if case .salesforceRecordChanged(let c) = e.event, c.object == "Contact", let id = c.record.id, ids.contains(id) { bulk.append(id) }
            return true
        }
        let ws = try await store.catchUp().state.workspace("acme")
        store.close()
        #expect(kills >= 3, "the poll finished before it could be killed (\(kills) kills in \(runs) runs)")
        #expect(Set(bulk).count == 450, "lost: \(450 - Set(bulk).count)")
        #expect(bulk.count == 450, "duplicated: \(bulk.count - Set(bulk).count)")
        #expect(ids.allSatisfy { ws.records.person($0) != nil })
        #expect(ws.cursors.poll["Contact"]?.lastId == ids.max())
        await rig.h.emulator.stop()
        try? FileManager.default.removeItem(atPath: rig.h.directory)
    }
}
