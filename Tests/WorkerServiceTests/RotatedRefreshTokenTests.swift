import Foundation
import Logging
import SalesforceEmulator
import SyncWorkloads
import Testing

/// The `synclog` executable built beside the test bundle.
func builtSynclog() throws -> String {
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()].map({ $0.appendingPathComponent("synclog").path })
    where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    throw CocoaError(.fileNoSuchFile)
}

/// Runs `synclog` as its own process (a real restart: nothing of the first run's memory is
/// left); kills it after `seconds`. The exit status, or nil when it had to be killed.
func runSynclogProcess(_ arguments: [String], seconds: Double) async throws -> Int32? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try builtSynclog())
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning {
        if Date() > deadline {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    return process.terminationStatus
}

@Suite("Rotated refresh tokens")
struct RotatedRefreshTokenTests {
    /// With rotation on, the org answers a refresh with a new refresh token and refuses the old
    /// one from then on (as Salesforce does). The worker writes the new one back to the file the
    /// configuration names, so the next start, a new process, still authenticates and writes.
    @Test("a rotated refresh token is written back to its file (0600), so a restarted worker authenticates",
          .timeLimit(.minutes(6)))
    func rotatedTokenIsWrittenBackForTheNextStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-rotate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scenario = DemoScenario(shape: RunningWorker.shape)
        let original = "refresh-\(UUID().uuidString)"
        var fixture = try OrgFixture.parse(try SalesforceEmulator.JSON.parse(scenario.orgFixture(clientId: "cid", refreshToken: original)))
        fixture.settings.rotateRefreshTokens = true
        var quiet = Logger(label: "test.emulator")
        quiet.logLevel = .critical
        let emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(fixture: fixture, logger: quiet))
        defer { Task { await emulator.stop() } }

        try write(original, to: directory + "/refresh.txt")
        try write("ingest-\(UUID().uuidString)", to: directory + "/ingest.txt")
        try write("realtime-\(UUID().uuidString)", to: directory + "/realtime.txt")
        try Data(scenario.workerConfiguration(
            emulatorURL: emulator.baseURL, listen: "127.0.0.1:0", refreshTokenFile: "refresh.txt", ingestTokenFile: "ingest.txt",
            realtimeTokenFile: "realtime.txt", clientId: "cid")).write(to: URL(fileURLWithPath: directory + "/synclog.json"))
        #expect(try await runSynclogProcess(["configure", "--data", directory + "/data", directory + "/synclog.json"], seconds: 60) == 0)
        let contact = Fixtures.id("003", 3)
        func tasks() -> Int { emulator.org.records(of: "Task").filter { $0.fields["WhoId"]?.stringValue == contact }.count }
        func ingestAndRun(_ ids: ClosedRange<Int>) async throws -> Int32? {
            let lines = ids.map { RunningWorker.activity("act_rot_\($0)", to: "c3@acct1.example.com") }.joined(separator: "\n") + "\n"
            try Data(lines.utf8).write(to: URL(fileURLWithPath: directory + "/activities.jsonl"))
            #expect(try await runSynclogProcess(["ingest", "--data", directory + "/data", directory + "/activities.jsonl"], seconds: 60) == 0)
            return try await runSynclogProcess(
                ["run", "--config", directory + "/synclog.json", "--data", directory + "/data", "--until-idle"], seconds: 120)
        }

        #expect(try await ingestAndRun(1...2) == 0)
        #expect(tasks() == 2)
        let stored = try String(contentsOfFile: directory + "/refresh.txt", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(stored != original, "the rotated refresh token was not written back")
        #expect(!stored.isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/refresh.txt")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).allSatisfy { !$0.contains(".new-") }, "a temporary file was left")

        #expect(try await ingestAndRun(3...4) == 0, "the restarted worker did not finish: its refresh token was refused")
        #expect(tasks() == 4, "the restarted worker could not write")
    }
}
