public import Foundation
public import Logging
import SalesforceEmulator
import Synchronization
public import SyncDomain
import SyncStore
public import SyncWorkloads
import WorkerService

/// An end-to-end load through the real parts: the Salesforce emulator over loopback HTTP, the
/// worker (`synclog run`'s `Worker`: endpoints, pipeline, dispatcher) on a real LMDB data
/// directory, and activities offered on `POST /activities` at a fixed rate. Measures, per
/// activity, the time from being offered to its first Task being visible in the org.
///
/// The load is open-loop: each `POST` leaves at its scheduled time whether or not the earlier
/// ones were answered, so a slow worker shows up as latency and backlog, not as a lower offered
/// rate. An observer reads the org's new Tasks every 10 ms straight from the emulator's memory
/// (no API calls counted) and matches them to activities by the marker in their Subject
/// (``LoadActivities``).
///
/// ```swift
/// let report = try await EndToEndLoad.run(EndToEndLoad.Options(rate: 1_000, seconds: 60), in: "/tmp/load")
/// print(report)   // p50, p99, sustained rate, backlog, API calls per 1,000
/// ```
public enum EndToEndLoad {
    public struct Options: Sendable {
        /// Activities offered per second.
        public var rate: Int
        /// How long the load is offered.
        public var seconds: Double
        /// `POST`s per second the rate is split into (each carries `rate / postsPerSecond` lines).
        public var postsPerSecond: Int
        /// How long to wait, after the last activity offered, for the rest to become visible.
        public var drainTimeoutSeconds: Double
        /// The org the emulator starts with (its activities are not used: the load makes its own).
        public var shape: WorkspaceWorkload.Shape
        public var logger: Logger

        public init(rate: Int = 1_000, seconds: Double = 60, postsPerSecond: Int = 20, drainTimeoutSeconds: Double = 120,
                    shape: WorkspaceWorkload.Shape = EndToEndLoad.defaultShape, logger: Logger = EndToEndLoad.quietLogger) {
            self.rate = rate
            self.seconds = seconds
            self.postsPerSecond = postsPerSecond
            self.drainTimeoutSeconds = drainTimeoutSeconds
            self.shape = shape
            self.logger = logger
        }
    }

    /// A mid-sized org: 6 users, 400 Contacts on 100 Accounts with an Opportunity each, 200 Leads.
    public static let defaultShape = WorkspaceWorkload.Shape(
        seed: 7, workspace: "acme", users: 6, accounts: 100, contactsPerAccount: 4, leads: 200, opportunitiesPerAccount: 1,
        customRecords: 0, activities: 0, sharedActivities: false, activityDateTimeField: true)

    public static var quietLogger: Logger {
        var logger = Logger(label: "synclog.load")
        logger.logLevel = .critical
        return logger
    }

    /// Runs one load in `directory` (created if missing; the data directory and secrets go there).
    public static func run(_ options: Options, in directory: String) async throws -> LoadReport {
        precondition(options.rate > 0 && options.seconds > 0 && options.postsPerSecond > 0)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let scenario = DemoScenario(shape: options.shape)
        let secrets = (ingest: "load-ingest-" + UUID().uuidString, realtime: "load-realtime-" + UUID().uuidString,
                       refresh: "load-refresh-" + UUID().uuidString)
        let clientId = "synclog-load"

        let emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(
            fixture: try OrgFixture.parse(try SalesforceEmulator.JSON.parse(scenario.orgFixture(clientId: clientId, refreshToken: secrets.refresh))),
            logger: options.logger))
        do {
            let report = try await run(options, scenario: scenario, emulator: emulator, directory: directory, secrets: secrets, clientId: clientId)
            await emulator.stop()
            return report
        } catch {
            await emulator.stop()
            throw error
        }
    }

    static func run(
        _ options: Options, scenario: DemoScenario, emulator: RunningEmulator, directory: String,
        secrets: (ingest: String, realtime: String, refresh: String), clientId: String
    ) async throws -> LoadReport {
        for (name, secret) in [("refresh-token.txt", secrets.refresh), ("ingest-token.txt", secrets.ingest), ("realtime-token.txt", secrets.realtime)] {
            try Data((secret + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/" + name))
            _ = chmod(directory + "/" + name, 0o600)
        }
        let configPath = directory + "/synclog.json"
        try Data(scenario.workerConfiguration(
            emulatorURL: emulator.baseURL, listen: "127.0.0.1:0", refreshTokenFile: "refresh-token.txt", ingestTokenFile: "ingest-token.txt",
            realtimeTokenFile: "realtime-token.txt", clientId: clientId)).write(to: URL(fileURLWithPath: configPath))
        let store = try SyncStore(directory: directory + "/data")
        defer { store.close() }
        let worker = try await Worker(configuration: try WorkerConfiguration.load(path: configPath), store: store, logger: options.logger)
        let workerTask = Task { try await worker.run() }
        do {
            let report = try await offer(options, scenario: scenario, emulator: emulator, worker: worker, ingestToken: secrets.ingest)
            await worker.shutdown()
            _ = try? await workerTask.value
            return report
        } catch {
            await worker.shutdown()
            _ = try? await workerTask.value
            throw error
        }
    }

    static func offer(_ options: Options, scenario: DemoScenario, emulator: RunningEmulator, worker: Worker, ingestToken: String) async throws -> LoadReport {
        let clock = ContinuousClock()
        let readyBy = clock.now.advanced(by: .seconds(120))
        var ingest: IngestClient?
        while true {
            if ingest == nil, let port = worker.port { ingest = IngestClient(port: port, token: ingestToken) }
            if let ingest, await ingest.isReady() { break }
            guard clock.now < readyBy else { throw LoadError("the worker was not ready within 120 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard let ingest else { throw LoadError("the worker has no port") }

        let recipients = scenario.initialRecords.compactMap { change -> String? in
            change.object == "Contact" || change.object == "Lead" ? change.record.string("Email") : nil
        }
        let activities = LoadActivities(
            workspace: scenario.configuration.workspace, users: scenario.configuration.users.map { ($0.id, $0.email) }, recipients: recipients)
        let perPost = max(1, options.rate / options.postsPerSecond)
        let posts = Int((options.seconds * Double(options.postsPerSecond)).rounded())
        let interval = Duration.nanoseconds(1_000_000_000 / options.postsPerSecond)
        let tracker = LoadTracker(capacity: posts * perPost)
        let callsBefore = countedCalls(emulator)
        let tasksBefore = emulator.org.withState { $0.createdCount(of: "Task") }

        let observer = Task {
            var cursor = tasksBefore
            while !Task.isCancelled {
                let tasks = emulator.org.withState { s -> [(subject: String, key: String?)] in
                    let new = s.records(of: "Task", createdFrom: cursor)
                    cursor += new.count
                    return new.map { record in
                        var subject = "", key: String?
                        if case .string(let s)? = record.fields["Subject"] { subject = s }
                        if case .string(let k)? = record.fields[syncKeyField] { key = k }
                        return (subject, key)
                    }
                }
                tracker.seen(tasks.map { (LoadActivities.activityNumber(inSubject: $0.subject), $0.key) }, at: clock.now)
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        defer { observer.cancel() }

        let start = clock.now
        var report = LoadReport()
        report.rate = options.rate
        try await withThrowingTaskGroup(of: Void.self) { group in
            var nextSample = start.advanced(by: .seconds(1))
            for k in 0..<posts {
                let due = start.advanced(by: interval * k)
                try await Task.sleep(until: due, clock: clock)
                let now = clock.now
                if now >= nextSample {
                    report.backlog.append(tracker.outstanding)
                    nextSample = nextSample.advanced(by: .seconds(1))
                }
                let numbers = (k * perPost)..<((k + 1) * perPost)
                let time = Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
                let lines = numbers.map { activities.line($0, at: time) }
                tracker.offered(numbers, at: now)
                group.addTask {
                    tracker.accepted(try await ingest.post(lines).accepted)
                }
            }
            try await group.waitForAll()
        }
        let lastOffered = clock.now
        report.offered = posts * perPost
        report.accepted = tracker.acceptedCount
        let drainBy = lastOffered.advanced(by: .milliseconds(Int64(options.drainTimeoutSeconds * 1000)))
        while tracker.visible < report.accepted && clock.now < drainBy {
            try await Task.sleep(for: .milliseconds(10))
        }
        report.drainSeconds = seconds(clock.now - lastOffered)
        // A moment for any Task beyond the first of an activity (or a duplicate) to show.
        try await Task.sleep(for: .milliseconds(300))
        observer.cancel()
        _ = await observer.value

        report.seconds = seconds(lastOffered - start)
        let figures = tracker.figures(end: lastOffered)
        report.visible = figures.visible
        report.tasks = figures.tasks
        report.extraTasks = figures.extra
        report.unknownTasks = figures.unknown
        report.duplicateKeys = figures.duplicateKeys
        report.latencies = figures.latencies
        report.sustainedPerSecond = report.seconds > 0 ? Double(figures.visibleInWindow) / report.seconds : 0
        let callsAfter = countedCalls(emulator)
        report.apiCalls = callsAfter.all - callsBefore.all
        report.writeCalls = callsAfter.writes - callsBefore.writes
        return report
    }

    /// The API calls the org has counted so far, and those of them that wrote (not GET).
    static func countedCalls(_ emulator: RunningEmulator) -> (all: Int, writes: Int) {
        emulator.org.withState { s in
            let counted = s.calls.filter(\.counted)
            return (counted.count, counted.filter { $0.method != "GET" }.count)
        }
    }

    /// The external-id field the load's org has on Task (the demo scenario's), so writes are upserts (W1).
    static let syncKeyField = "Synclog_Key__c"

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

public struct LoadError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// When each activity was offered and when its first Task was seen; shared by the pacer and the observer.
final class LoadTracker: Sendable {
    struct State {
        var offeredAt: [ContinuousClock.Instant?]
        var seenAt: [ContinuousClock.Instant?]
        var offered = 0
        var accepted = 0
        var visible = 0
        var tasks = 0
        var extra = 0
        var unknown = 0
        var keys: Set<String> = []
        var duplicateKeys = 0
    }
    let state: Mutex<State>

    init(capacity: Int) {
        state = Mutex(State(offeredAt: Array(repeating: nil, count: capacity), seenAt: Array(repeating: nil, count: capacity)))
    }

    func offered(_ numbers: Range<Int>, at instant: ContinuousClock.Instant) {
        state.withLock { s in
            for n in numbers { s.offeredAt[n] = instant }
            s.offered += numbers.count
        }
    }

    func seen(_ tasks: [(number: Int?, key: String?)], at instant: ContinuousClock.Instant) {
        guard !tasks.isEmpty else { return }
        state.withLock { s in
            for (number, key) in tasks {
                s.tasks += 1
                if let key, !s.keys.insert(key).inserted { s.duplicateKeys += 1 }
                guard let n = number, n < s.seenAt.count, s.offeredAt[n] != nil else {
                    s.unknown += 1
                    continue
                }
                if s.seenAt[n] == nil {
                    s.seenAt[n] = instant
                    s.visible += 1
                } else {
                    s.extra += 1
                }
            }
        }
    }

    func accepted(_ count: Int) { state.withLock { $0.accepted += count } }

    var acceptedCount: Int { state.withLock { $0.accepted } }
    var visible: Int { state.withLock { $0.visible } }
    var outstanding: Int { state.withLock { $0.offered - $0.visible } }

    func figures(end: ContinuousClock.Instant)
        -> (visible: Int, tasks: Int, extra: Int, unknown: Int, duplicateKeys: Int, latencies: [Double], visibleInWindow: Int)
    {
        state.withLock { s in
            var latencies: [Double] = []
            latencies.reserveCapacity(s.visible)
            var inWindow = 0
            for (offered, seen) in zip(s.offeredAt, s.seenAt) {
                guard let offered, let seen else { continue }
                latencies.append(EndToEndLoad.seconds(seen - offered))
                if seen <= end { inWindow += 1 }
            }
            return (s.visible, s.tasks, s.extra, s.unknown, s.duplicateKeys, latencies.sorted(), inWindow)
        }
    }
}
