public import Hummingbird
public import Logging
import HummingbirdTLS
import NIOSSL
import NIOCore
import NIOHTTP1
import HTTPTypes
import JWTKit
import AsyncHTTPClient
import Foundation
import Synchronization

/// How to run an emulator.
public struct EmulatorConfiguration: Sendable {
    /// Address to listen on; port 0 picks a free one (learn it from ``RunningEmulator/port``).
    public var host: String
    public var port: Int
    /// The org it starts with.
    public var fixture: OrgFixture
    /// PEM files for HTTPS; plain HTTP when nil.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Where changes made through the admin endpoints are POSTed (contract section 3), with this bearer token.
    public var notifyURL: String?
    public var notifyToken: String?
    /// A file the org's records are loaded from at start (when it exists) and saved to on shutdown.
    public var stateFile: String?
    public var logger: Logger

    public init(host: String = "127.0.0.1", port: Int = 0, fixture: OrgFixture = OrgFixture(), tlsCertificatePath: String? = nil,
                tlsKeyPath: String? = nil, notifyURL: String? = nil, notifyToken: String? = nil, stateFile: String? = nil,
                logger: Logger = Logger(label: "synclog.emulator")) {
        self.host = host; self.port = port; self.fixture = fixture
        self.tlsCertificatePath = tlsCertificatePath; self.tlsKeyPath = tlsKeyPath
        self.notifyURL = notifyURL; self.notifyToken = notifyToken; self.stateFile = stateFile; self.logger = logger
    }
}

struct DroppedResponse: Error {}

/// The HTTP face of an ``EmulatorOrg``: `/services/data/…`, `/services/oauth2/token`, `/__emulator/…`.
struct EmulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let org: EmulatorOrg
    let notifier: Notifier?
    let logger: Logger

    static func queryParameters(_ query: String?) -> [String: String] {
        guard let query, !query.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            func decode(_ s: String) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? s }
            out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }

    func json(_ status: Int, _ body: JSON?, headers extra: [(String, String)] = []) -> Response {
        var headers = HTTPFields()
        for (k, v) in extra { if let name = HTTPField.Name(k) { headers.append(HTTPField(name: name, value: v)) } }
        guard let body else { return Response(status: .init(code: status), headers: headers) }
        headers[.contentType] = "application/json;charset=UTF-8"
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.serializedBytes())))
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let method = request.method.rawValue
        let query = EmulatorResponder.queryParameters(request.uri.query)
        let bodyBuffer = try await request.body.collect(upTo: 64 * 1024 * 1024)
        let body = Array(bodyBuffer.readableBytesView)
        if path.hasPrefix("/services/oauth2/token") {
            return await token(method: method, body: body, query: query)
        }
        if path.hasPrefix("/__emulator/") {
            return await admin(method: method, path: path, query: query, body: body)
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let answer = org.handle(APIRequest(method: method, path: path, query: query, headers: headers, body: body))
        switch answer.delivery {
        case .normal: break
        case .delay(let ms): try await Task.sleep(for: .milliseconds(ms))
        case .drop:
            // The write (if any) is applied; the client never learns the outcome.
            return Response(status: .ok, body: ResponseBody { _ in throw DroppedResponse() })
        }
        var fields = HTTPFields()
        for (k, v) in answer.headers { if let name = HTTPField.Name(k) { fields.append(HTTPField(name: name, value: v)) } }
        return Response(status: .init(code: answer.status), headers: fields,
                        body: answer.body.isEmpty ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    func token(method: String, body: [UInt8], query: [String: String]) async -> Response {
        guard method == "POST" else { return json(405, .object([("error", "invalid_request"), ("error_description", "must use HTTP POST")])) }
        var form = EmulatorResponder.queryParameters(String(decoding: body, as: UTF8.self))
        for (k, v) in query where form[k] == nil { form[k] = v }
        let now = org.now()
        switch form["grant_type"] {
        case "refresh_token":
            let (status, answer) = org.withState { $0.refreshTokenGrant(form: form, now: now) }
            return json(status, answer)
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            let (pem, audiences, instance) = org.withState { ($0.settings.jwtPublicKeyPEM, $0.settings.jwtAudiences, $0.instanceURL) }
            guard let pem, let assertion = form["assertion"] else {
                return json(400, .object([("error", "invalid_grant"), ("error_description", "invalid assertion")]))
            }
            do {
                let keys = JWTKeyCollection()
                await keys.add(rsa: try Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha256)
                let payload = try await keys.verify(assertion, as: SalesforceAssertion.self)
                let accepted = audiences.isEmpty
                    ? ["https://login.salesforce.com", "https://test.salesforce.com", instance] : audiences
                let (status, answer) = org.withState {
                    $0.jwtGrant(issuer: payload.iss?.value, subject: payload.sub?.value, audiences: payload.aud?.value ?? [],
                                expiresAt: payload.exp.map { Int64($0.value.timeIntervalSince1970 * 1000) }, now: now,
                                acceptedAudiences: accepted)
                }
                return json(status, answer)
            } catch {
                return json(400, .object([("error", "invalid_grant"), ("error_description", "invalid assertion")]))
            }
        default:
            return json(400, .object([("error", "unsupported_grant_type"), ("error_description", "grant type not supported")]))
        }
    }

    func admin(method: String, path: String, query: [String: String], body: [UInt8]) async -> Response {
        let parts = path.split(separator: "/").dropFirst().map(String.init)
        let real = EmulatorClock.realNow()
        func parsed() -> JSON? { body.isEmpty ? .object([]) : try? JSON.parse(body) }
        let bad = json(400, .array([APIError(400, "JSON_PARSER_ERROR", "the body is not valid JSON").restJSON]))
        var changes: [RecordChange] = []
        var result: (Int, JSON?)
        switch (method, parts.first ?? "", parts.count) {
        case ("GET", "state", 1):
            result = (200, org.withState { $0.stateJSON() })
        case ("POST", "records", 1):
            guard let b = parsed() else { return bad }
            result = widen(org.withState { s in s.adminWrite(b, now: s.clock.now(real: real), changes: &changes) })
        case ("DELETE", "records", 3):
            result = org.withState { s in s.adminDelete(id: parts[2], now: s.clock.now(real: real), changes: &changes) }
        case ("POST", "convertLead", 1):
            guard let b = parsed() else { return bad }
            result = widen(org.withState { s in s.convertLead(b, now: s.clock.now(real: real), changes: &changes) })
        case ("POST", "merge", 1):
            guard let b = parsed() else { return bad }
            result = widen(org.withState { s in s.merge(b, now: s.clock.now(real: real), changes: &changes) })
        case ("POST", "faults", 1):
            guard let b = parsed() else { return bad }
            result = widen(org.withState { $0.addFaults(b) })
        case ("GET", "faults", 1):
            result = (200, org.withState { $0.faultsJSON() })
        case ("DELETE", "faults", 1):
            org.withState { $0.clearFaults() }
            result = (204, nil)
        case ("GET", "calls", 1):
            result = (200, org.withState { $0.callsJSON(now: $0.clock.now(real: real)) })
        case ("DELETE", "calls", 1):
            org.withState { $0.clearCalls() }
            result = (204, nil)
        case ("GET", "clock", 1):
            result = (200, org.withState { $0.clockJSON(real: real) })
        case ("POST", "clock", 1):
            guard let b = parsed() else { return bad }
            result = widen(org.withState { $0.setClock(b, real: real) })
        case ("POST", "token", 1):
            let user = parsed()?["userId"]?.stringValue
            let token = org.issueAccessToken(userId: user)
            let instance = org.withState { $0.instanceURL }
            result = (200, .object([("access_token", .string(token)), ("instance_url", .string(instance)), ("token_type", "Bearer")]))
        default:
            result = (404, .array([APIError.notFound().restJSON]))
        }
        if !changes.isEmpty, let notifier {
            let payloads = org.withState { $0.notifications(for: changes, now: $0.clock.now(real: real)) }
            await notifier.post(payloads)
        }
        return json(result.0, result.1)
    }
}

func widen(_ r: (Int, JSON)) -> (Int, JSON?) { (r.0, r.1) }

/// The claims Salesforce reads from a JWT bearer assertion.
struct SalesforceAssertion: JWTPayload {
    var iss: IssuerClaim?
    var sub: SubjectClaim?
    var aud: AudienceClaim?
    var exp: ExpirationClaim?

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Posts changes as the trigger-based real-time package would: section 3 bodies, bearer token.
final class Notifier: Sendable {
    let url: String
    let token: String?
    let logger: Logger
    let client: HTTPClient

    init(url: String, token: String?, logger: Logger) {
        self.url = url
        self.token = token
        self.logger = logger
        client = HTTPClient.shared
    }

    func post(_ payloads: [JSON]) async {
        guard !payloads.isEmpty else { return }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let body: JSON = payloads.count == 1 ? payloads[0] : .array(payloads)
        request.body = .bytes(ByteBuffer(bytes: body.serializedBytes()))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 1 << 20)
            if response.status.code >= 300 {
                logger.warning("emulator.notify.rejected", metadata: ["status": "\(response.status.code)", "count": "\(payloads.count)"])
            }
        } catch {
            logger.warning("emulator.notify.failed", metadata: ["error": "\(type(of: error))", "count": "\(payloads.count)"])
        }
    }

}

/// Builds the emulator's Hummingbird application (Hummingbird style): the command and the tests both call it.
///
/// ```swift
/// let org = try EmulatorOrg(fixture: fixture)
/// let app = try buildEmulatorApplication(configuration: .init(port: 8443, fixture: fixture), org: org)
/// try await app.runService()
/// ```
public func buildEmulatorApplication(
    configuration: EmulatorConfiguration, org: EmulatorOrg? = nil,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let org = try org ?? EmulatorOrg(fixture: configuration.fixture)
    let notifier = configuration.notifyURL.map { Notifier(url: $0, token: configuration.notifyToken, logger: configuration.logger) }
    let responder = EmulatorResponder(org: org, notifier: notifier, logger: configuration.logger)
    let scheme = configuration.tlsCertificatePath != nil ? "https" : "http"
    let host = configuration.host
    let running: @Sendable (any Channel) async -> Void = { channel in
        let port = channel.localAddress?.port ?? configuration.port
        org.withState { $0.instanceURL = "\(scheme)://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)" }
        await onServerRunning(port)
    }
    let appConfiguration = ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                    serverName: "SalesforceEmulator")
    if let cert = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
        let chain: [NIOSSLCertificate]
        let privateKey: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(cert)
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw EmulatorError(.configuration, "cannot read the TLS certificate or key (\(cert), \(key)): \(error)")
        }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        return Application(responder: responder, server: try .tls(.http1(), tlsConfiguration: tls), configuration: appConfiguration,
                           onServerRunning: running, logger: configuration.logger)
    }
    return Application(responder: responder, server: .http1(), configuration: appConfiguration, onServerRunning: running,
                       logger: configuration.logger)
}

/// An emulator running inside this process (tests, `synclog demo`).
///
/// ```swift
/// let emulator = try await RunningEmulator.start(configuration: .init(fixture: fixture))
/// defer { Task { await emulator.stop() } }
/// print(emulator.baseURL)  // http://127.0.0.1:54321
/// ```
public final class RunningEmulator: Sendable {
    public let port: Int
    public let baseURL: String
    public let org: EmulatorOrg
    let task: Task<Void, any Error>
    let stateFile: String?

    init(port: Int, baseURL: String, org: EmulatorOrg, task: Task<Void, any Error>, stateFile: String?) {
        self.port = port; self.baseURL = baseURL; self.org = org; self.task = task; self.stateFile = stateFile
    }

    /// Starts on the configured port (0: a free one) and returns once it listens.
    public static func start(configuration: EmulatorConfiguration) async throws -> RunningEmulator {
        let org = try EmulatorOrg(fixture: try loadFixture(configuration))
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = try buildEmulatorApplication(configuration: configuration, org: org) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task { try await app.run() }
        var port: Int? = nil
        for await p in stream { port = p }
        guard let port else {
            task.cancel()
            _ = try? await task.value
            throw EmulatorError(.server, "the emulator did not start listening on \(configuration.host):\(configuration.port)")
        }
        let scheme = configuration.tlsCertificatePath != nil ? "https" : "http"
        return RunningEmulator(port: port, baseURL: "\(scheme)://\(configuration.host):\(port)", org: org, task: task,
                               stateFile: configuration.stateFile)
    }

    /// The fixture, or the saved state file when it exists.
    public static func loadFixture(_ configuration: EmulatorConfiguration) throws -> OrgFixture {
        var fixture = configuration.fixture
        if let file = configuration.stateFile, FileManager.default.fileExists(atPath: file) {
            let saved = try OrgFixture.load(path: file)
            fixture.records = saved.records
        }
        return fixture
    }

    /// Stops the server (saving the state file if one was configured).
    public func stop() async {
        task.cancel()
        _ = try? await task.value
        if let stateFile { try? saveState(to: stateFile) }
    }

    /// Writes the org's records as a fixture file (settings are the configuration's, not saved).
    public func saveState(to path: String) throws {
        try EmulatorState.save(org: org, to: path)
    }
}

/// Saving and loading the org's records.
public enum EmulatorState {
    public static func save(org: EmulatorOrg, to path: String) throws {
        let json = org.withState { $0.recordsAsFixture() }
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(json.serializedBytes())) else {
            throw EmulatorError(.state, "cannot write the state file \(path)")
        }
        guard rename(tmp, path) == 0 else { throw EmulatorError(.state, "cannot replace the state file \(path)") }
    }
}

/// Runs an emulator until SIGINT/SIGTERM, printing where it listens (`listening on URL`) on standard output;
/// saves the state file on the way out.
public enum EmulatorService {
    public static func run(configuration: EmulatorConfiguration) async throws {
        let fixture = try RunningEmulator.loadFixture(configuration)
        let org = try EmulatorOrg(fixture: fixture)
        let scheme = configuration.tlsCertificatePath != nil ? "https" : "http"
        let app = try buildEmulatorApplication(configuration: configuration, org: org) { port in
            FileHandle.standardOutput.write(Data("listening on \(scheme)://\(configuration.host):\(port)\n".utf8))
        }
        try await app.runService()
        if let file = configuration.stateFile { try EmulatorState.save(org: org, to: file) }
    }
}
