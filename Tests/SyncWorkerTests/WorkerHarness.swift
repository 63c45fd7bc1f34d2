import AsyncHTTPClient
import NIOHTTP1
import Foundation
import NIOCore
import Salesforce
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorker
import SyncWorkloads
import Synchronization

/// A clock the test moves; `sleep(until:)` jumps there at once (virtual time).
final class ManualClock: WorkerClock {
    let ms: Mutex<Int64>
    init(_ start: SyncDomain.Timestamp) { ms = Mutex(start.millisecondsSinceEpoch) }
    func now() -> SyncDomain.Timestamp { SyncDomain.Timestamp(millisecondsSinceEpoch: ms.withLock { $0 }) }
    func sleep(until deadline: SyncDomain.Timestamp) async throws {
        ms.withLock { $0 = max($0, deadline.millisecondsSinceEpoch) }
    }
    func advance(milliseconds: Int64) { ms.withLock { $0 += milliseconds } }
}

struct FixedRandom: RandomSource {
    var value: Double
    func next() -> Double { value }
}

/// Converts the log's JSON to the client's.
func salesforceJSON(_ v: JSONValue) -> SalesforceJSON {
    switch v {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .number(let d): return d.rounded() == d && abs(d) < 1e15 ? .int(Int64(d)) : .double(d)
    case .string(let s): return .string(s)
    case .array(let a): return .array(a.map(salesforceJSON))
    case .object(let members): return .object(members.map { ($0.name, salesforceJSON($0.value)) })
    }
}

/// An org fixture holding every record the events mention (created or updated), the users of the
/// configuration, the sync user, and the activity fields asked for.
func orgFixture(events: [EventEnvelope], users: [UserMapping], externalId: Bool, uniqueKey: Bool = true, dailyApiLimit: Int = 1_000_000,
                ttlSeconds: Int = 7200, extraSettings: String = "") -> String {
    var records: [String: [(String, [(String, SalesforceJSON)])]] = [:]
    var index: [String: (String, Int)] = [:]
    for e in events {
        guard case .salesforceRecordChanged(let c) = e.event, let id = c.record.id else { continue }
        let fields = c.record.fields.filter { $0.name != "SystemModstamp" }.map { ($0.name, salesforceJSON($0.value)) }
        if let (object, i) = index[id] {
            var existing = records[object]![i].1
            for (k, v) in fields {
                if let j = existing.firstIndex(where: { $0.0 == k }) { existing[j].1 = v } else { existing.append((k, v)) }
            }
            records[object]![i].1 = existing
        } else {
            records[c.object, default: []].append((id, fields))
            index[id] = (c.object, records[c.object]!.count - 1)
        }
    }
    var userRecords: [SalesforceJSON] = [.object([("Id", "005900000000001AAA"), ("Username", "sync@acme.com"), ("IsActive", true)])]
    for u in users {
        userRecords.append(.object([("Id", .string(u.salesforceUserId)), ("Username", .string(u.email)), ("IsActive", true)]))
    }
    var activityFields: [SalesforceJSON] = [.object([("name", "MixmaxActivityDateTime__c"), ("type", "datetime")])]
    if externalId {
        activityFields.append(.object([("name", "Synclog_Key__c"), ("type", "string"), ("externalId", true), ("unique", .bool(uniqueKey))]))
    }
    var top: [(String, SalesforceJSON)] = [
        ("User", .array(userRecords)),
    ]
    for (object, list) in records.sorted(by: { $0.key < $1.key }) {
        top.append((object, .array(list.map { .object($0.1) })))
    }
    let settings = """
        {"sharedActivities":false,"dailyApiLimit":\(dailyApiLimit),"activityFields":\(SalesforceJSON.array(activityFields).text()),
         "clientId":"cid","refreshTokens":["rt-1"],"accessTokenTTLSeconds":\(ttlSeconds),"integrationUser":"sync@acme.com",
         "customObjects":[{"name":"Project__c","keyPrefix":"a01","fields":[{"name":"Contact__c","type":"reference","referenceTo":["Contact"]}]}]\(extraSettings)}
        """
    let body = SalesforceJSON.object(top).text(sortedKeys: false)
    return "{\"settings\":\(settings)," + body.dropFirst()
}

/// A data directory, an emulator, a client and a clock.
struct WorkerHarness {
    let directory: String
    let store: SyncStore
    let gate: StoreGate
    let emulator: RunningEmulator
    let clock: ManualClock

    static func start(events: [EventEnvelope], users: [UserMapping], externalId: Bool = true, uniqueKey: Bool = true,
                      dailyApiLimit: Int = 1_000_000, ttlSeconds: Int = 7200, extraSettings: String = "") async throws -> WorkerHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-worker-\(UUID().uuidString)").path
        let store = try SyncStore(directory: directory)
        _ = try await store.append(events)
        let fixture = orgFixture(events: events, users: users, externalId: externalId, uniqueKey: uniqueKey, dailyApiLimit: dailyApiLimit,
                                 ttlSeconds: ttlSeconds, extraSettings: extraSettings)
        let emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(
            fixture: try OrgFixture.parse(try SalesforceEmulator.JSON.parse(fixture))))
        let start = events.map(\.recordedAt).max() ?? Fixtures.start
        return WorkerHarness(directory: directory, store: store, gate: StoreGate(store: store), emulator: emulator,
                             clock: ManualClock(start.adding(milliseconds: 60_000)))
    }

    func client(reservePercent: Int = 20) -> SalesforceClient {
        SalesforceClient(configuration: SalesforceConfiguration(
            loginHost: .myDomain(emulator.baseURL), credentials: .refreshToken(clientId: "cid", clientSecret: nil, refreshToken: "rt-1"),
            apiReservePercent: reservePercent, timeout: .seconds(10)))
    }

    func dispatcher(client: SalesforceClient? = nil, workspace: String = "acme", retry: RetryPolicy = RetryPolicy(maxAttempts: 4),
                    random: Double = 0.5) -> OutboxDispatcher {
        OutboxDispatcher(gate: gate, client: client ?? self.client(), configuration: DispatcherConfiguration(workspace: workspace, retry: retry),
                         clock: clock, random: FixedRandom(value: random))
    }

    func stop() async {
        await emulator.stop()
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    @discardableResult
    func admin(_ method: HTTPMethod, _ path: String, _ body: String? = nil) async throws -> SalesforceJSON? {
        var request = HTTPClientRequest(url: "\(emulator.baseURL)/__emulator/\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return SalesforceJSON.parse(Array(bytes.readableBytesView))
    }

    func fault(_ json: String) async throws { try await admin(.POST, "faults", json) }
    func advanceEmulatorClock(seconds: Int) async throws { try await admin(.POST, "clock", #"{"advanceSeconds":\#(seconds)}"#) }
    func countedCalls() async throws -> Int { try await admin(.GET, "calls")?["counted"]?.intValue ?? -1 }

    /// Live records of `object` in the emulator.
    func live(_ object: String) -> [StoredRecord] { emulator.org.records(of: object).filter { !$0.isDeleted } }

    func state() async throws -> WorkspaceState { try await gate.catchUp().workspace("acme") }
}
