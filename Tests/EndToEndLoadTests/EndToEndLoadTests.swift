import EndToEndLoad
import Foundation
import SyncDomain
import Testing

@Suite("End-to-end load: activities offered to the worker, Tasks observed in the emulator")
struct EndToEndLoadTests {
    let activities = LoadActivities(
        workspace: "acme", users: [("u_1", "user1@acme.com"), ("u_2", "user2@acme.com")],
        recipients: ["c1@acct0.example.com", "lead3@prospect3.example.org"])

    @Test("every offered line is a valid activity (contract section 1) that names its marker")
    func linesAreValidActivities() throws {
        let time = Timestamp(rfc3339: "2026-12-01T10:00:00Z")!
        var types: Set<String> = []
        for n in 0..<20 {
            let activity = try ActivityJSON.decode(activities.line(n, at: time)).get()
            #expect(activity.id == "load_\(n)")
            types.insert(activity.type.rawValue)
        }
        #expect(types == ["email.sent", "email.opened", "email.clicked"])
    }

    @Test("the marker survives the subjects the planner writes (S1, S4, S5) and nothing else matches")
    func markersRoundTrip() {
        #expect(LoadActivities.marker(42) == "#0000042")
        #expect(LoadActivities.activityNumber(inSubject: "Sent (New): Proposal #0000042") == 42)
        #expect(LoadActivities.activityNumber(inSubject: "Opened: Proposal #1234567") == 1_234_567)
        #expect(LoadActivities.activityNumber(inSubject: "Clicked: https://docs.example.com/p/0000009#0000009") == 9)
        #expect(LoadActivities.activityNumber(inSubject: "Sent (New): Pricing") == nil)
        #expect(LoadActivities.activityNumber(inSubject: "Sent (New): #12") == nil)
    }

    @Test("quantiles are nearest-rank; a backlog that climbs every second is called growing")
    func reportFigures() {
        var report = LoadReport()
        report.latencies = (1...100).map { Double($0) / 100 }
        #expect(report.p50 == 0.5)
        #expect(report.p99 == 0.99)
        #expect(report.maximum == 1.0)
        report.rate = 100
        report.backlog = [50, 60, 55, 40, 70, 50, 60, 45]
        #expect(!report.backlogGrew)
        report.backlog = [50, 150, 250, 350, 450, 550, 650, 750]
        #expect(report.backlogGrew)
    }

    /// The real parts, briefly: 600 activities offered over 3 s through `POST /activities` to the
    /// worker, written by its dispatcher to the emulator over loopback HTTP. Every accepted
    /// activity becomes visible as a Task, once per sync key (W1), in batches (W7). No timing is
    /// asserted here: the latency figures are the benchmark's (Benchmarks/DispatchBenchmarks).
    @Test("a short load: every accepted activity reaches the org, no sync key twice, batched writes",
          .timeLimit(.minutes(5)))
    func shortLoadThroughTheRealWorker() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-load-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try await EndToEndLoad.run(EndToEndLoad.Options(rate: 200, seconds: 3, postsPerSecond: 10), in: directory)
        print(report)
        #expect(report.offered == 600)
        #expect(report.accepted == 600)
        #expect(report.visible == report.accepted, "accepted activities never became Tasks")
        #expect(report.duplicateKeys == 0, "a sync key was written twice (W1)")
        #expect(report.unknownTasks == 0)
        #expect(report.latencies.count == report.visible)
        #expect(report.writeCalls > 0 && report.writeCalls * 20 < report.accepted, "writes were not batched (W7): \(report.writeCalls) calls")
    }
}
