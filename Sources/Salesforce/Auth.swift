public import Foundation
import JWTKit

/// Where tokens come from (salesforce.md, "Authentication").
public enum LoginHost: Sendable, Hashable {
    /// `https://login.salesforce.com`
    case production
    /// `https://test.salesforce.com`
    case sandbox
    /// The org's My Domain, e.g. `https://acme.my.salesforce.com` (or any URL: the emulator).
    case myDomain(String)

    public var url: String {
        switch self {
        case .production: return "https://login.salesforce.com"
        case .sandbox: return "https://test.salesforce.com"
        case .myDomain(let url): return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
    }

    /// The JWT `aud`: the login host, or test for sandboxes (My Domain orgs still name login/test).
    public func jwtAudience(sandbox: Bool) -> String {
        switch self {
        case .production: return "https://login.salesforce.com"
        case .sandbox: return "https://test.salesforce.com"
        case .myDomain: return sandbox ? "https://test.salesforce.com" : "https://login.salesforce.com"
        }
    }
}

/// How the connection authenticates. Secrets live here only in memory; descriptions never print them.
public enum SalesforceCredentials: Sendable, CustomStringConvertible {
    /// Refresh-token grant (a connected app's user authorised once).
    case refreshToken(clientId: String, clientSecret: String?, refreshToken: String)
    /// JWT bearer grant (server-to-server): RS256 assertion signed with the connected app's private key (PEM).
    case jwtBearer(clientId: String, username: String, privateKeyPEM: String, audience: String?)

    /// The JWT bearer grant with the key read from a file; the error names the file, never its contents.
    public static func jwtBearer(clientId: String, username: String, privateKeyFile: String, audience: String? = nil)
        throws(SalesforceError) -> SalesforceCredentials
    {
        guard let data = FileManager.default.contents(atPath: privateKeyFile) else {
            throw SalesforceError(code: .configuration, message: "cannot read the JWT private key file \(privateKeyFile)")
        }
        return .jwtBearer(clientId: clientId, username: username, privateKeyPEM: String(decoding: data, as: UTF8.self), audience: audience)
    }

    public var description: String {
        switch self {
        case .refreshToken: return "refresh-token grant"
        case .jwtBearer: return "JWT bearer grant"
        }
    }
}

/// An access token and the instance it is good for. `generation` counts refreshes (for the state machine).
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    public var value: String
    public var instanceURL: String
    public var generation: Int
    /// The authenticated user's id (the last part of the token answer's identity URL `id`): the sync user.
    public var userId: String?

    public init(value: String, instanceURL: String, generation: Int, userId: String? = nil) {
        self.value = value
        self.instanceURL = instanceURL
        self.generation = generation
        self.userId = userId
    }

    public var description: String { "AccessToken(generation \(generation), \(instanceURL))" }
}

/// Pure builders and parsers for the token endpoint.
public enum OAuthRequests {
    /// `POST {login}/services/oauth2/token` with a form body.
    public static func tokenRequest(loginHost: LoginHost, form: [(String, String)]) -> (url: String, body: String) {
        let body = form.map { "\(SalesforceRequest.percentEncode($0.0))=\(SalesforceRequest.percentEncode($0.1))" }.joined(separator: "&")
        return ("\(loginHost.url)/services/oauth2/token", body)
    }

    public static func refreshTokenForm(clientId: String, clientSecret: String?, refreshToken: String) -> [(String, String)] {
        var form = [("grant_type", "refresh_token"), ("client_id", clientId)]
        if let clientSecret { form.append(("client_secret", clientSecret)) }
        form.append(("refresh_token", refreshToken))
        return form
    }

    public static func jwtBearerForm(assertion: String) -> [(String, String)] {
        [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
    }

    /// The claims of a JWT bearer assertion (`iss` client id, `sub` username, `aud` login host, `exp`).
    struct Assertion: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Signs an RS256 assertion valid for 3 minutes from `now` (Salesforce allows up to 3).
    public static func signedAssertion(clientId: String, username: String, audience: String, privateKeyPEM: String, now: Date)
        async throws(SalesforceError) -> String
    {
        do {
            let key = try Insecure.RSA.PrivateKey(pem: privateKeyPEM)
            let keys = JWTKeyCollection()
            await keys.add(rsa: key, digestAlgorithm: .sha256)
            let claims = Assertion(iss: .init(value: clientId), sub: .init(value: username), aud: .init(value: [audience]),
                                   exp: .init(value: now.addingTimeInterval(180)))
            return try await keys.sign(claims)
        } catch {
            throw SalesforceError(code: .configuration, message: "cannot sign the JWT assertion with the configured private key",
                                  cause: SanitisedCause(type: "\(type(of: error))"))
        }
    }

    /// The token answer: `{"access_token","instance_url",...}` or `{"error","error_description"}`.
    public static func parseToken(_ response: SalesforceResponse, generation: Int) -> Result<(AccessToken, refreshToken: String?), SalesforceFailure> {
        if response.status == 200, let json = response.json, let token = json["access_token"]?.stringValue,
            let instance = json["instance_url"]?.stringValue
        {
            let user = json["id"]?.stringValue?.split(separator: "/").last.map(String.init)
            return .success((AccessToken(value: token, instanceURL: instance, generation: generation, userId: user),
                             json["refresh_token"]?.stringValue))
        }
        let failure = SalesforceResponses.failures(in: response.json, httpStatus: response.status).first
            ?? SalesforceFailure(errorCode: "HTTP_\(response.status)", message: "token endpoint answered HTTP \(response.status)",
                                 httpStatus: response.status, errorClass: response.status >= 500 ? .transient : .auth)
        return .failure(failure)
    }
}

/// An error's type name only: causes must not carry secrets (a key, a token) into messages.
struct SanitisedCause: Error, Sendable, CustomStringConvertible {
    var type: String
    var description: String { type }
}

/// The refresh rules of W3 as a value: one refresh at a time per org, replay once, a failed refresh
/// leaves the connection needing re-authorisation. Methods return what to do; ``Authenticator`` does it.
public struct AuthStateMachine: Sendable {
    public enum State: Sendable, Equatable {
        case noToken
        case valid(AccessToken)
        case refreshing(generation: Int)
        case needsReauthorisation(SalesforceFailure)
    }

    public enum Action: Sendable, Equatable {
        /// Send with this token.
        case use(AccessToken)
        /// Start the (only) refresh now.
        case refresh(generation: Int)
        /// A refresh is running: wait for it.
        case wait
        /// No token can be had: the connection needs re-authorisation.
        case fail(SalesforceFailure)
    }

    public private(set) var state: State = .noToken
    private var generation = 0

    public init() {}

    /// A call needs a token.
    public mutating func tokenNeeded() -> Action {
        switch state {
        case .valid(let t): return .use(t)
        case .refreshing: return .wait
        case .needsReauthorisation(let f): return .fail(f)
        case .noToken:
            generation += 1
            state = .refreshing(generation: generation)
            return .refresh(generation: generation)
        }
    }

    /// Salesforce answered 401 INVALID_SESSION_ID to a call made with `token`.
    public mutating func rejected(_ token: AccessToken) -> Action {
        switch state {
        case .valid(let current) where current.generation > token.generation:
            return .use(current)  // someone refreshed meanwhile: replay with the new one
        case .valid, .noToken:
            generation += 1
            state = .refreshing(generation: generation)
            return .refresh(generation: generation)
        case .refreshing: return .wait
        case .needsReauthorisation(let f): return .fail(f)
        }
    }

    /// The refresh answered with a token.
    public mutating func refreshed(_ token: AccessToken) -> Action {
        state = .valid(token)
        return .use(token)
    }

    /// The refresh failed with an auth error: nothing more is tried until ``reauthorised()``.
    public mutating func refreshFailed(_ failure: SalesforceFailure) -> Action {
        if failure.errorClass == .transient {
            state = .noToken  // the token endpoint was unreachable: the next call tries again
        } else {
            state = .needsReauthorisation(failure)
        }
        return .fail(failure)
    }

    /// New credentials were configured: start over.
    public mutating func reauthorised() { state = .noToken }

    public var currentGeneration: Int { generation }
}

/// Hands out access tokens; one refresh at a time per org (the state machine wrapped in an actor).
public actor Authenticator {
    public typealias Grant = @Sendable (_ generation: Int) async -> Result<AccessToken, SalesforceFailure>

    private var machine = AuthStateMachine()
    private var waiters: [CheckedContinuation<Result<AccessToken, SalesforceFailure>, Never>] = []
    private let grant: Grant
    /// Refreshes performed (grants requested), for tests and metrics.
    public private(set) var refreshCount = 0

    public init(grant: @escaping Grant) { self.grant = grant }

    public var state: AuthStateMachine.State { machine.state }

    /// A token to send with, refreshing if none is held.
    public func token() async -> Result<AccessToken, SalesforceFailure> {
        await run(machine.tokenNeeded())
    }

    /// A token to replay with after `token` was refused (401).
    public func tokenAfterRejection(of token: AccessToken) async -> Result<AccessToken, SalesforceFailure> {
        await run(machine.rejected(token))
    }

    public func reauthorised() { machine.reauthorised() }

    private func run(_ action: AuthStateMachine.Action) async -> Result<AccessToken, SalesforceFailure> {
        switch action {
        case .use(let t): return .success(t)
        case .fail(let f): return .failure(f)
        case .wait:
            return await withCheckedContinuation { waiters.append($0) }
        case .refresh(let generation):
            refreshCount += 1
            let result = await grant(generation)
            let next: AuthStateMachine.Action
            switch result {
            case .success(let t): next = machine.refreshed(t)
            case .failure(let f): next = machine.refreshFailed(f)
            }
            let answer: Result<AccessToken, SalesforceFailure>
            switch next {
            case .use(let t): answer = .success(t)
            case .fail(let f): answer = .failure(f)
            default: answer = result
            }
            let waiting = waiters
            waiters = []
            for w in waiting { w.resume(returning: answer) }
            return answer
        }
    }
}
