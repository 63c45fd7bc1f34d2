import EventLog
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import SyncDomain
public import SyncStore

/// The endpoints' view of one workspace: its name and the bearer tokens that select it.
///
/// - Warning: holds tokens; its description never prints them.
public struct EndpointWorkspace: Sendable, CustomStringConvertible {
    public var name: String
    public var ingestToken: String?
    public var realtimeToken: String?

    public init(name: String, ingestToken: String?, realtimeToken: String?) {
        self.name = name
        self.ingestToken = ingestToken
        self.realtimeToken = realtimeToken
    }

    public var description: String { "EndpointWorkspace(\(name))" }
}

/// Limits and names the endpoints use.
public struct EndpointSettings: Sendable {
    /// The largest `POST /salesforce/changes` body accepted (413 beyond; default 4 MiB).
    public var maxChangesBodyBytes: Int
    /// The largest `POST /activities` body accepted (413 beyond; default 64 MiB).
    public var maxActivitiesBodyBytes: Int
    /// The `Sforce-Call-Options` client our own writes carry: changes whose `changeOrigin` names it are dropped (C2).
    public var ownClient: String

    public init(
        maxChangesBodyBytes: Int = 4 << 20, maxActivitiesBodyBytes: Int = 64 << 20, ownClient: String = "synclog"
    ) {
        self.maxChangesBodyBytes = maxChangesBodyBytes
        self.maxActivitiesBodyBytes = maxActivitiesBodyBytes
        self.ownClient = ownClient
    }
}

/// Builds the worker's HTTP application (Hummingbird style: `synclog run` and the tests both call it).
///
/// - `POST /activities` (ingest token): one activity, an array, or JSON Lines, stored as `synclog ingest` does;
///   answers `{"accepted","duplicates","rejected","errors":[{"line","reason"}]}` once the append is durable
///   (202 when something new was accepted, else 200).
/// - `POST /salesforce/changes` (real-time token): one change or an array (contract section 3); our own writes
///   (`changeOrigin` naming client `synclog`) are dropped (C2); answers 202 `{"accepted","duplicates","ignoredOwnWrites"}`.
/// - `GET /health`, `GET /ready`, `GET /metrics`.
///
/// Errors are `{"error": "..."}` naming the problem, never a token, an email or a subject.
///
/// ```swift
/// let app = buildWorkerApplication(store: store, workspaces: configuration.workspaces.map(\.endpointWorkspace),
///                                  metrics: metrics, readiness: readiness, host: "127.0.0.1", port: 8080)
/// try await app.runService()
/// ```
public func buildWorkerApplication(
    store: SyncStore,
    workspaces: [EndpointWorkspace],
    metrics: WorkerMetrics,
    readiness: Readiness,
    host: String = "127.0.0.1",
    port: Int = 8080,
    settings: EndpointSettings = EndpointSettings(),
    logger: Logger = Logger(label: "synclog.server"),
    now: @escaping @Sendable () -> Timestamp = { .now },
    onAppended: @escaping @Sendable (String) -> Void = { _ in },
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildWorkerRouter(
        store: store, workspaces: workspaces, metrics: metrics, readiness: readiness, settings: settings,
        logger: logger,
        now: now, onAppended: onAppended)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "synclog"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}

/// The router of ``buildWorkerApplication(store:workspaces:metrics:readiness:host:port:settings:logger:now:onAppended:onServerRunning:)``.
public func buildWorkerRouter(
    store: SyncStore,
    workspaces: [EndpointWorkspace],
    metrics: WorkerMetrics,
    readiness: Readiness,
    settings: EndpointSettings = EndpointSettings(),
    logger: Logger = Logger(label: "synclog.server"),
    now: @escaping @Sendable () -> Timestamp = { .now },
    onAppended: @escaping @Sendable (String) -> Void = { _ in }
) -> Router<BasicRequestContext> {
    let endpoints = WorkerEndpoints(
        store: store, workspaces: workspaces, metrics: metrics, readiness: readiness, settings: settings,
        logger: logger,
        now: now, onAppended: onAppended)
    let router = Router(context: BasicRequestContext.self)
    router.post("/activities") { request, _ in await endpoints.activities(request) }
    router.post("/salesforce/changes") { request, _ in await endpoints.changes(request) }
    router.get("/health") { _, _ in WorkerEndpoints.json(200, .object([.init("status", .string("ok"))])) }
    router.get("/ready") { _, _ in endpoints.ready() }
    router.get("/metrics") { _, _ in endpoints.metricsPage() }
    return router
}

/// The handlers behind the worker's routes.
struct WorkerEndpoints: Sendable {
    let store: SyncStore
    let workspaces: [EndpointWorkspace]
    let metrics: WorkerMetrics
    let readiness: Readiness
    let settings: EndpointSettings
    let logger: Logger
    let now: @Sendable () -> Timestamp
    let onAppended: @Sendable (String) -> Void

    static let activitiesSource = "POST /activities"
    static let changesSource = "POST /salesforce/changes"

    // MARK: responses

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: .init(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.jsonBytes())))
    }

    static func error(_ status: Int, _ message: String) -> Response {
        json(status, .object([.init("error", .string(message))]))
    }

    func answer(_ endpoint: String, _ status: Int, _ value: JSONValue) -> Response {
        metrics.ingestRequest(endpoint: endpoint, status: status)
        return Self.json(status, value)
    }

    func fail(_ endpoint: String, _ status: Int, _ message: String) -> Response {
        metrics.ingestRequest(endpoint: endpoint, status: status)
        return Self.error(status, message)
    }

    // MARK: authentication

    /// The workspace whose token (chosen by `token`) equals the request's bearer token; every
    /// workspace's token is compared in full, in constant time, with no early exit.
    func workspace(for request: Request, token: (EndpointWorkspace) -> String?) -> EndpointWorkspace? {
        guard let header = request.headers[.authorization] else { return nil }
        let prefix = "bearer "
        guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else { return nil }
        let presented = Array(header.utf8.dropFirst(prefix.count))
        var match: Int? = nil
        for (index, workspace) in workspaces.enumerated() {
            guard let expected = token(workspace), !expected.isEmpty else { continue }
            if constantTimeEquals(presented, Array(expected.utf8)), match == nil { match = index }
        }
        return match.map { workspaces[$0] }
    }

    // MARK: body

    enum BodyFailure: Error { case tooLarge, unreadable }

    func collectBody(_ request: Request, limit: Int) async -> Result<[UInt8], BodyFailure> {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            return .failure(.tooLarge)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return .success(Array(buffer.readableBytesView))
        } catch is NIOTooManyBytesError {
            return .failure(.tooLarge)
        } catch {
            return .failure(.unreadable)
        }
    }

    // MARK: POST /activities

    func activities(_ request: Request) async -> Response {
        let endpoint = "/activities"
        guard let workspace = workspace(for: request, token: \.ingestToken) else {
            return fail(
                endpoint, 401, "missing or wrong bearer token (Authorization: Bearer <the workspace's ingest token>)")
        }
        let bytes: [UInt8]
        switch await collectBody(request, limit: settings.maxActivitiesBodyBytes) {
        case .success(let b): bytes = b
        case .failure(.tooLarge):
            return fail(
                endpoint, 413,
                "the body is larger than the limit of \(settings.maxActivitiesBodyBytes) bytes; nothing was stored")
        case .failure(.unreadable): return fail(endpoint, 400, "the body could not be read")
        }
        let lines = Self.activityLines(bytes)
        guard !lines.isEmpty else {
            return fail(
                endpoint, 400, "the body is empty; send one activity (a JSON object), an array of them, or JSON Lines")
        }
        let receivedAt = now()
        var own: [InputLines.Line] = []
        var foreign: [DeadLetter] = []
        for line in lines {
            if let named = Self.workspaceField(line.bytes), named != workspace.name {
                foreign.append(
                    DeadLetter(
                        source: Self.activitiesSource, line: line.number,
                        reason: "workspace: not the workspace of the bearer token", kind: "activity",
                        receivedAt: receivedAt,
                        bytes: line.bytes))
            } else {
                own.append(line)
            }
        }
        var report: IngestReport
        do throws(SyncStoreError) {
            for letter in foreign { try await store.keep(letter) }
            report = try await store.ingestActivities(own, source: Self.activitiesSource, now: receivedAt)
        } catch {
            logger.error(
                "server.activities.store_failed",
                metadata: ["workspace": "\(workspace.name)", "error": "\(error.code)"])
            return fail(endpoint, 503, "the activities could not be stored; retry later")
        }
        report.rejected += foreign.count
        report.rejections.append(contentsOf: foreign)
        report.rejections.sort { $0.line < $1.line }
        metrics.appended(workspace: workspace.name, source: "activities", count: report.accepted)
        if report.accepted > 0 || report.duplicates > 0 { onAppended(workspace.name) }
        logger.info(
            "server.activities",
            metadata: [
                "workspace": "\(workspace.name)", "accepted": "\(report.accepted)",
                "duplicates": "\(report.duplicates)",
                "rejected": "\(report.rejected)",
            ])
        let errors = JSONValue.array(
            report.rejections.map {
                .object([.init("line", .number(Double($0.line))), .init("reason", .string($0.reason))])
            })
        return answer(
            endpoint, report.accepted > 0 ? 202 : 200,
            .object([
                .init("accepted", .number(Double(report.accepted))),
                .init("duplicates", .number(Double(report.duplicates))),
                .init("rejected", .number(Double(report.rejected))), .init("errors", errors),
            ]))
    }

    /// The lines of an activities body: one JSON object (possibly spread over lines), a JSON array
    /// (element k is line k), or JSON Lines.
    static func activityLines(_ bytes: [UInt8]) -> [InputLines.Line] {
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            return []
        }
        let limits = JSONParser.Limits(maxDepth: InputLimits.maxDepth, maxBytes: max(bytes.count, 1))
        if first == UInt8(ascii: "[") {
            if case .array(let items)? = try? JSONParser.parse(bytes, limits: limits) {
                // Each element's bytes as received (so a redelivery by JSON Lines reads as the same body, D1).
                let raw = topLevelArrayElements(bytes)
                if raw.count == items.count {
                    return raw.enumerated().map { InputLines.Line($0.offset + 1, $0.element) }
                }
                return items.enumerated().map { InputLines.Line($0.offset + 1, $0.element.jsonBytes()) }
            }
            return [InputLines.Line(1, bytes)]
        }
        if first == UInt8(ascii: "{"), case .object? = try? JSONParser.parse(bytes, limits: limits) {
            return [InputLines.Line(1, bytes)]
        }
        return InputLines.lines(in: bytes)
    }

    /// The bytes of each element of a well-formed top-level JSON array, as received (surrounding whitespace dropped).
    static func topLevelArrayElements(_ bytes: [UInt8]) -> [[UInt8]] {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let open = bytes.firstIndex(where: { !isSpace($0) }), bytes[open] == UInt8(ascii: "[") else { return [] }
        var elements: [[UInt8]] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = open + 1
        func finish(_ end: Int) {
            var a = start
            var b = end
            while a < b, isSpace(bytes[a]) { a += 1 }
            while b > a, isSpace(bytes[b - 1]) { b -= 1 }
            if a < b { elements.append(Array(bytes[a..<b])) }
        }
        var i = open + 1
        while i < bytes.count {
            let c = bytes[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch c {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
                case UInt8(ascii: "]") where depth == 0:
                    finish(i)
                    return elements
                case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
                case UInt8(ascii: ",") where depth == 0:
                    finish(i)
                    start = i + 1
                default: break
                }
            }
            i += 1
        }
        return elements
    }

    /// The `workspace` string of an activity line, when it parses and has one.
    static func workspaceField(_ bytes: [UInt8]) -> String? {
        guard
            let value = try? JSONParser.parse(
                bytes, limits: .init(maxDepth: InputLimits.maxDepth, maxBytes: InputLimits.maxLineBytes)),
            case .string(let name)? = value["workspace"]
        else { return nil }
        return name
    }

    // MARK: POST /salesforce/changes

    func changes(_ request: Request) async -> Response {
        let endpoint = "/salesforce/changes"
        guard let workspace = workspace(for: request, token: \.realtimeToken) else {
            return fail(
                endpoint, 401, "missing or wrong bearer token (Authorization: Bearer <the workspace's real-time token>)"
            )
        }
        let bytes: [UInt8]
        switch await collectBody(request, limit: settings.maxChangesBodyBytes) {
        case .success(let b): bytes = b
        case .failure(.tooLarge):
            return fail(
                endpoint, 413,
                "the body is larger than the limit of \(settings.maxChangesBodyBytes) bytes; nothing was stored")
        case .failure(.unreadable): return fail(endpoint, 400, "the body could not be read")
        }
        let receivedAt = now()
        let changes: [SalesforceRecordChange]
        switch SalesforceChangeJSON.decodeOneOrMany(bytes, maxBytes: settings.maxChangesBodyBytes) {
        case .success(let decoded): changes = decoded
        case .failure(let rejection):
            let letter = DeadLetter(
                source: Self.changesSource, line: 0, reason: rejection.description, kind: "salesforce-change",
                receivedAt: receivedAt, bytes: bytes)
            do { try await store.keep(letter) } catch {
                return fail(endpoint, 503, "the body could not be kept; retry later")
            }
            return fail(endpoint, 400, "not a valid change: \(rejection.description) (kept as a dead letter)")
        }
        let own = Self.ownWriteFlags(bytes, count: changes.count, client: settings.ownClient)
        var envelopes: [EventEnvelope] = []
        envelopes.reserveCapacity(changes.count)
        var ignored = 0
        var maxLag: Int64?
        for (change, isOwn) in zip(changes, own) {
            if isOwn {
                ignored += 1
                continue
            }
            if let commit = change.commitTimestamp {
                let lag = receivedAt.millisecondsSinceEpoch - commit.millisecondsSinceEpoch
                maxLag = max(maxLag ?? lag, lag)
            }
            envelopes.append(SyncStore.envelope(for: change, workspace: workspace.name, recordedAt: receivedAt))
        }
        var accepted = 0
        var duplicates = 0
        do throws(SyncStoreError) {
            var start = 0
            while start < envelopes.count {
                let end = min(start + SyncStore.appendBatchSize, envelopes.count)
                for result in try await store.append(Array(envelopes[start..<end])) {
                    switch result {
                    case .appended: accepted += 1
                    case .duplicate: duplicates += 1
                    }
                }
                start = end
            }
        } catch {
            logger.error(
                "server.changes.store_failed", metadata: ["workspace": "\(workspace.name)", "error": "\(error.code)"])
            return fail(endpoint, 503, "the changes could not be stored; retry later")
        }
        metrics.appended(workspace: workspace.name, source: "realtime", count: accepted)
        metrics.ownWritesIgnored(workspace: workspace.name, count: ignored)
        if let maxLag { metrics.observeRealtimeLag(workspace: workspace.name, seconds: Double(max(maxLag, 0)) / 1000) }
        if accepted > 0 { onAppended(workspace.name) }
        logger.debug(
            "server.changes",
            metadata: [
                "workspace": "\(workspace.name)", "accepted": "\(accepted)", "duplicates": "\(duplicates)",
                "ignored_own_writes": "\(ignored)",
            ])
        return answer(
            endpoint, 202,
            .object([
                .init("accepted", .number(Double(accepted))), .init("duplicates", .number(Double(duplicates))),
                .init("ignoredOwnWrites", .number(Double(ignored))),
            ]))
    }

    /// For each change in the (already validated) body, whether its `changeOrigin` names `client`:
    /// Salesforce sets it from the `Sforce-Call-Options` header of the write (`...;client=synclog`).
    static func ownWriteFlags(_ bytes: [UInt8], count: Int, client: String) -> [Bool] {
        let limits = JSONParser.Limits(maxDepth: InputLimits.maxDepth, maxBytes: max(bytes.count, 1))
        guard let value = try? JSONParser.parse(bytes, limits: limits) else {
            return Array(repeating: false, count: count)
        }
        let items: [JSONValue]
        if case .array(let elements) = value { items = elements } else { items = [value] }
        var flags = items.map { item -> Bool in
            guard case .string(let origin)? = item["changeOrigin"] else { return false }
            return isOwnOrigin(origin, client: client)
        }
        if flags.count < count { flags += Array(repeating: false, count: count - flags.count) }
        return flags
    }

    /// `com/salesforce/api/rest/62.0;client=synclog` names client `synclog`.
    static func isOwnOrigin(_ origin: String, client: String) -> Bool {
        for part in origin.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "&" }) {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let key = pair[0].trimmingWhitespace().lowercased()
            let value = pair[1].trimmingWhitespace()
            if key == "client", value == client { return true }
        }
        return false
    }

    // MARK: GET /ready, /metrics

    func ready() -> Response {
        let waiting = readiness.notReady()
        if waiting.isEmpty { return Self.json(200, .object([.init("ready", .bool(true))])) }
        return Self.json(
            503,
            .object([
                .init("ready", .bool(false)), .init("error", .string("not ready: " + waiting.joined(separator: "; "))),
                .init("notReady", .array(waiting.map(JSONValue.string))),
            ]))
    }

    func metricsPage() -> Response {
        guard let text = metrics.prometheusText() else { return Self.error(404, "no Prometheus registry configured") }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// True when `a` and `b` are equal; the time taken depends only on their lengths' maximum, not on where they differ.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    let n = max(a.count, b.count)
    var difference = UInt8(a.count == b.count ? 0 : 1)
    for i in 0..<n {
        let x = i < a.count ? a[i] : 0
        let y = i < b.count ? b[i] : 0
        difference |= x ^ y
    }
    return difference == 0
}
