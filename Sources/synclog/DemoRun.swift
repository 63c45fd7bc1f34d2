import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorkloads
import WorkerService

/// The figures a demo ends with (`synclog demo --json`; `scripts/check_demo.py` reads them).
struct DemoFigures {
    var activitiesDelivered = 0
    var accepted = 0
    var duplicates = 0
    var rejected = 0
    var synced = 0
    var notSynced = 0
    var errors = 0
    var pending = 0
    var errorCodes: [String: Int] = [:]
    var notSyncedByRule: [String: Int] = [:]
    var realtimeChanges = 0
    var apiCalls = 0
    var seconds = 0.0
    var explained: [String] = []
    var resolvedInRealTime: String?
    var resolvedStatus: String?

    var apiCallsPerThousand: Double { accepted == 0 ? 0 : Double(apiCalls) * 1000 / Double(accepted) }

    var jsonLine: String {
        func obj(_ d: [String: Int]) -> JSONValue { .object(d.sorted { $0.key < $1.key }.map { .init($0.key, .number(Double($0.value))) }) }
        let v: JSONValue = .object([
            .init("activitiesDelivered", .number(Double(activitiesDelivered))), .init("accepted", .number(Double(accepted))),
            .init("duplicates", .number(Double(duplicates))), .init("rejected", .number(Double(rejected))),
            .init("synced", .number(Double(synced))), .init("notSynced", .number(Double(notSynced))),
            .init("errors", .number(Double(errors))), .init("pending", .number(Double(pending))),
            .init("errorCodes", obj(errorCodes)), .init("notSyncedByRule", obj(notSyncedByRule)),
            .init("realtimeChanges", .number(Double(realtimeChanges))), .init("apiCalls", .number(Double(apiCalls))),
            .init("apiCallsPer1000", .number((apiCallsPerThousand * 10).rounded() / 10)),
            .init("seconds", .number((seconds * 10).rounded() / 10)),
            .init("explained", .array(explained.map { .string($0) })),
            .init("resolvedInRealTime", resolvedInRealTime.map { .string($0) } ?? .null),
            .init("resolvedStatus", resolvedStatus.map { .string($0) } ?? .null),
        ])
        return v.jsonString
    }
}

/// One demo: files in a work directory, an emulator, the worker, the feed, the report.
struct DemoRun {
    let scenario: DemoScenario
    let directory: String
    let removeAtEnd: Bool
    let verbose: Bool
    let ingestToken = "demo-ingest-" + UUID().uuidString
    let realtimeToken = "demo-realtime-" + UUID().uuidString
    let refreshToken = "demo-refresh-" + UUID().uuidString
    static let clientId = "synclog-demo"

    init(shape: WorkspaceWorkload.Shape, keep: String?, verbose: Bool) throws {
        scenario = DemoScenario(shape: shape)
        if let keep {
            directory = keep
            removeAtEnd = false
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-demo-\(UUID().uuidString)").path
            removeAtEnd = true
        }
        self.verbose = verbose
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func step(_ text: String) { print("\n\u{1B}[1m== \(text)\u{1B}[0m") }

    func execute() async throws -> DemoFigures {
        defer { if removeAtEnd { try? FileManager.default.removeItem(atPath: directory) } }
        let started = Date()
        var figures = DemoFigures()

        step("an emulated Salesforce org: \(scenario.initialRecords.count) records, \(scenario.configuration.users.count) users")
        let workerPort = try Self.freePort()
        var emulatorLogger = Logger(label: "synclog.emulator")
        emulatorLogger.logLevel = verbose ? .info : .critical
        let fixtureBytes = scenario.orgFixture(clientId: Self.clientId, refreshToken: refreshToken)
        let emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(
            fixture: try OrgFixture.parse(try SalesforceEmulator.JSON.parse(fixtureBytes)),
            notifyURL: "http://127.0.0.1:\(workerPort)/salesforce/changes", notifyToken: realtimeToken, logger: emulatorLogger))
        var emulatorStopped = false
        defer { if !emulatorStopped { Task { await emulator.stop() } } }
        let admin = EmulatorAdmin(baseURL: emulator.baseURL)
        // The org lives in the activities' time, so R5's 15-day window sees them.
        try await admin.post("clock", #"{"now":"\#(scenario.endTime.adding(milliseconds: 60_000).rfc3339String)"}"#)
        print("listening on \(emulator.baseURL) (plain HTTP on loopback)")

        step("the worker: configuration, audit of the org (C3), endpoints on 127.0.0.1:\(workerPort)")
        let configPath = try writeConfiguration(emulatorURL: emulator.baseURL, workerPort: workerPort)
        let configuration = try WorkerConfiguration.load(path: configPath)
        let store = try SyncStore(directory: directory + "/data")
        var logger = Logger(label: "synclog.demo")
        logger.logLevel = verbose ? .info : .warning
        let worker = try await Worker(configuration: configuration, store: store, logger: logger)
        let workerTask = Task { try await worker.run() }
        try await waitUntil(seconds: 60) { await IngestClient(port: workerPort, token: ingestToken).isReady() }
        print("ready: \(scenario.initialRecords.count + scenario.configuration.users.count + 1) records audited")

        step("transient errors injected: the next 3 collection calls fail with UNABLE_TO_LOCK_ROW (W2)")
        try await admin.post("faults", #"{"path":"/composite/sobjects","errorCode":"UNABLE_TO_LOCK_ROW","times":3}"#)

        let lines = scenario.activityLines()
        figures.activitiesDelivered = lines.count
        step("\(lines.count) activities over POST /activities (\(lines.count - scenario.activities.count) delivered twice: D1)")
        let ingest = IngestClient(port: workerPort, token: ingestToken)
        let chunk = 250
        var realtimeDone = false
        var chunkStart = 0
        while chunkStart < lines.count {
            let part = Array(lines[chunkStart..<min(lines.count, chunkStart + chunk)])
            let counts = try await ingest.post(part)
            figures.accepted += counts.accepted
            figures.duplicates += counts.duplicates
            figures.rejected += counts.rejected
            chunkStart += chunk
            if !realtimeDone, chunkStart >= lines.count / 2 {
                realtimeDone = true
                figures.realtimeChanges = try await realTimeChanges(admin: admin, figures: &figures)
            }
        }
        print("accepted \(figures.accepted), duplicates \(figures.duplicates), rejected \(figures.rejected) (kept with their reason: synclog dead-letters)")
        var reasons: [String: Int] = [:]
        for letter in (try? store.deadLetters()) ?? [] {
            let reason = letter.reason.split(separator: ":").dropFirst().joined(separator: ":").trimmingCharacters(in: .whitespaces)
            reasons[reason.isEmpty ? letter.reason : reason, default: 0] += 1
        }
        for (reason, n) in reasons.sorted(by: { $0.value > $1.value }).prefix(3) { print("  refused \(n)x: \(reason)") }

        step("waiting until the worker is idle")
        try await waitUntil(seconds: 300) { worker.isIdle }
        try await Task.sleep(for: .milliseconds(300))
        try await waitUntil(seconds: 300) { worker.isIdle }
        await worker.shutdown()
        _ = try? await workerTask.value
        figures.apiCalls = try await admin.countedCalls()
        await emulator.stop()
        emulatorStopped = true

        let state = try await store.catchUp().state
        defer { store.close() }
        report(state, figures: &figures)
        figures.seconds = Date().timeIntervalSince(started)
        print(String(format: "\nAPI calls: %d for %d activities = %.1f per 1,000 activities (one call per activity would be 1,000)",
                     figures.apiCalls, figures.accepted, figures.apiCallsPerThousand))
        print(String(format: "demo finished in %.1f s; nothing left running", figures.seconds))
        return figures
    }

    /// While activities arrive, a person changes the org; the emulator pushes each change to the
    /// worker (C2): a Contact for an address activities wait for (R5), a Lead conversion and a
    /// Contact merge (C6).
    func realTimeChanges(admin: EmulatorAdmin, figures: inout DemoFigures) async throws -> Int {
        let waiting = scenario.workload.unknownEmail(0)
        step("real time (C2): a Contact for \(waiting) appears, a Lead is converted, two Contacts are merged")
        let created = try await admin.post("records", """
            {"records":[{"attributes":{"type":"Contact"},"FirstName":"Nia","LastName":"Okafor","Email":"\(waiting)","AccountId":"\(Fixtures.id("001", 0))"}]}
            """)
        _ = created
        try await admin.post("convertLead", #"{"leadId":"\#(Fixtures.id("00Q", 3))"}"#)
        try await admin.post("merge", #"{"masterId":"\#(Fixtures.id("003", 8))","mergeIds":["\#(Fixtures.id("003", 9))"]}"#)
        figures.resolvedInRealTime = waiting
        return 3
    }

    func report(_ state: SyncState, figures: inout DemoFigures) {
        let workspace = scenario.workload.shape.workspace
        step("the activity log, per role (L4)")
        print(Audit.table(Audit.summary(ActivityLogFilter(workspace: workspace), in: state)))
        let rows = Audit.activityLog(ActivityLogFilter(workspace: workspace), in: state)
        for row in rows {
            switch row.status {
            case .synced: figures.synced += 1
            case .notSynced:
                figures.notSynced += 1
                figures.notSyncedByRule[row.rule ?? "?", default: 0] += 1
            case .error: figures.errors += 1
            case .pending: figures.pending += 1
            }
        }
        for (_, entry) in Audit.outbox(workspace: workspace, states: [.failedPermanent], in: state) {
            figures.errorCodes[entry.lastErrorCode ?? "?", default: 0] += 1
        }
        print("not synced, by rule: " + figures.notSyncedByRule.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("errors, by Salesforce code: " + (figures.errorCodes.isEmpty ? "none"
            : figures.errorCodes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))

        step("why: three explain stories (L5)")
        var picks: [String] = []
        let waiting = figures.resolvedInRealTime.map(EmailAddress.normalize)
        if let r = rows.first(where: { $0.reasons.contains { $0.rule == "R5" } })
            ?? rows.first(where: { $0.recipient.map(EmailAddress.normalize) == waiting }) {
            picks.append(r.activityId)
            figures.resolvedStatus = r.status.rawValue
        }
        if let r = rows.first(where: { $0.status == .error }) { picks.append(r.activityId) }
        if let r = rows.first(where: { $0.status == .notSynced && $0.rule?.hasPrefix("X") == true }) { picks.append(r.activityId) }
        if picks.count < 3, let r = rows.first(where: { $0.status == .synced && !picks.contains($0.activityId) }) { picks.append(r.activityId) }
        for id in picks.prefix(3) {
            if let story = Audit.explain(activityId: id, workspace: workspace, in: state) {
                print(story.text())
                print("")
            }
        }
        figures.explained = Array(picks.prefix(3))
    }

    /// The worker configuration (contract section 2) for the emulator: secrets in files beside it.
    func writeConfiguration(emulatorURL: String, workerPort: Int) throws -> String {
        func write(_ name: String, _ text: String) throws -> String {
            let path = directory + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            _ = chmod(path, 0o600)
            return name
        }
        let refresh = try write("refresh-token.txt", refreshToken)
        let ingest = try write("ingest-token.txt", ingestToken)
        let realtime = try write("realtime-token.txt", realtimeToken)
        let path = directory + "/synclog.json"
        let bytes = scenario.workerConfiguration(
            emulatorURL: emulatorURL, listen: "127.0.0.1:\(workerPort)", refreshTokenFile: refresh, ingestTokenFile: ingest,
            realtimeTokenFile: realtime, clientId: Self.clientId)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func waitUntil(seconds: Double, _ condition: () async -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !(await condition()) {
            if Date() > deadline { throw DemoError("gave up waiting after \(Int(seconds)) s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// A port nothing listens on now (the emulator must know where to notify before the worker starts).
    static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).wait()
        let port = channel.localAddress?.port ?? 0
        try channel.close().wait()
        return port
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The emulator's admin endpoints over HTTP, as a person's script would use them.
struct EmulatorAdmin {
    let baseURL: String

    @discardableResult
    func post(_ path: String, _ body: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: "\(baseURL)/__emulator/\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        guard response.status.code < 300 else { throw DemoError("emulator \(path): HTTP \(response.status.code)") }
        return bytes
    }

    func countedCalls() async throws -> Int {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "\(baseURL)/__emulator/calls"), timeout: .seconds(30))
        let bytes = Array(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        guard let v = try? JSONParser.parse(bytes), case .number(let n)? = v["counted"] else { throw DemoError("emulator calls: unreadable") }
        return Int(n)
    }
}
