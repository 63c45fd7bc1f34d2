import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import SyncDomain
import SyncStore
import Synchronization
import Testing
import WorkerService

/// A fresh temporary directory, removed after `body`.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = NSTemporaryDirectory() + "synclog-worker-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

func write(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// Sample inputs (contract sections 1 and 3).
enum Samples {
    static func activity(id: String, workspace: String = "acme") -> String {
        """
        {"id":"\(id)","workspace":"\(workspace)","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u_alice","message":{"id":"msg_\(id)","threadId":"thr_1","rfc822Id":"<\(id)@mail.acme.com>","subject":"Pricing for 2027","from":{"email":"alice@acme.com","name":"Alice Ng"},"to":[{"email":"bob@globex.com","name":"Bob Li"}],"cc":[],"bcc":[],"isReply":false,"sentWithProduct":true,"client":"gmail"}}
        """
    }

    /// A Contact change; `n` makes the record id (and so the event id) distinct.
    static func change(_ n: Int, origin: String? = nil, email: String = "bob@globex.com") -> String {
        let id = "003" + String(format: "%012d", n) + "AAA"
        let originField = origin.map { ",\"changeOrigin\":\"\($0)\"" } ?? ""
        return """
            {"object":"Contact","changeType":"UPDATE","record":{"Id":"\(id)","Email":"\(email)","AccountId":"001000000000001AAA","SystemModstamp":"2026-11-20T15:00:00.000+0000"},"source":"realtime","commitTimestamp":"2026-11-20T15:00:00Z"\(originField)}
            """
    }
}

/// A worker application over a fresh store with two workspaces (`acme`, `globex`).
struct EndpointHarness {
    let store: SyncStore
    let metrics: WorkerMetrics
    let readiness: Readiness
    let settings: EndpointSettings
    let appended: AppendedRecorder

    static let workspaces = [
        EndpointWorkspace(name: "acme", ingestToken: "ingest-acme-1234", realtimeToken: "realtime-acme-5678"),
        EndpointWorkspace(name: "globex", ingestToken: "ingest-globex-9999", realtimeToken: "realtime-globex-0000"),
    ]

    init(directory: String, settings: EndpointSettings = EndpointSettings()) throws {
        store = try SyncStore(directory: directory + "/data")
        metrics = WorkerMetrics(registry: PrometheusCollectorRegistry())
        readiness = Readiness(workspaces: ["acme", "globex"])
        self.settings = settings
        appended = AppendedRecorder()
    }

    func run(_ mode: TestingSetup = .router, _ body: @escaping @Sendable (TestClient) async throws -> Void) async throws
    {
        let recorder = appended
        let app = buildWorkerApplication(
            store: store, workspaces: Self.workspaces, metrics: metrics, readiness: readiness, host: "127.0.0.1",
            port: 0,
            settings: settings, onAppended: { recorder.record($0) })
        try await app.test(mode) { client in try await body(TestClient(client: client)) }
    }

    /// Events in the log, by type name (`salesforceRecordChanged`, `activity`, ...).
    func eventCount(where matches: (DomainEvent) -> Bool = { _ in true }) throws -> Int {
        var count = 0
        try store.scan { _, envelope in
            if matches(envelope.event) { count += 1 }
            return true
        }
        return count
    }
}

/// Workspaces `onAppended` was called with.
final class AppendedRecorder: Sendable {
    private let calls = Mutex<[String]>([])
    func record(_ workspace: String) { calls.withLock { $0.append(workspace) } }
    var workspaces: [String] { calls.withLock { $0 } }
}

/// A small client: status and body text.
struct TestClient: Sendable {
    let client: any TestClientProtocol

    struct Answer: Sendable {
        var status: Int
        var text: String
        var contentType: String?
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] }
    }

    func call(_ method: HTTPRequest.Method, _ path: String, body: String? = nil, token: String? = nil) async throws
        -> Answer
    {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { r in
            Answer(status: Int(r.status.code), text: String(buffer: r.body), contentType: r.headers[.contentType])
        }
    }

    func post(_ path: String, _ body: String, token: String?) async throws -> Answer {
        try await call(.post, path, body: body, token: token)
    }

    func get(_ path: String) async throws -> Answer { try await call(.get, path) }
}
