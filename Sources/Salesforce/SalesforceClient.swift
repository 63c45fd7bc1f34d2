public import AsyncHTTPClient
public import Logging
import Foundation
public import NIOCore
import NIOHTTP1
import Synchronization

/// How to reach and authenticate to one org.
public struct SalesforceConfiguration: Sendable {
    public var loginHost: LoginHost
    public var sandbox: Bool
    public var credentials: SalesforceCredentials
    public var apiVersion: String
    /// Percent of the org's daily API allowance the sync never spends (W4; default 20).
    public var apiReservePercent: Int
    /// Sent as `Sforce-Call-Options: client=...` on every call (CDC `changeOrigin` shows it).
    public var callOptionsClient: String
    /// Per request.
    public var timeout: TimeAmount
    /// Called with the new refresh token when the org rotates it (a refresh grant answered with a
    /// different `refresh_token`): the old one no longer works, so whoever keeps it must store this one.
    public var onRefreshTokenRotated: (@Sendable (String) -> Void)?

    public init(loginHost: LoginHost, sandbox: Bool = false, credentials: SalesforceCredentials, apiVersion: String = "62.0",
                apiReservePercent: Int = 20, callOptionsClient: String = "synclog", timeout: TimeAmount = .seconds(60)) {
        self.loginHost = loginHost
        self.sandbox = sandbox
        self.credentials = credentials
        self.apiVersion = apiVersion
        self.apiReservePercent = apiReservePercent
        self.callOptionsClient = callOptionsClient
        self.timeout = timeout
    }
}

/// The REST client for one org: auth with refresh-once-and-replay (W3), the API budget (W4),
/// `Sforce-Call-Options` on every call, typed calls over the pure builders and parsers.
///
/// ```swift
/// let client = SalesforceClient(configuration: .init(loginHost: .myDomain("https://acme.my.salesforce.com"),
///     credentials: .refreshToken(clientId: id, clientSecret: nil, refreshToken: token)), httpClient: .shared)
/// let results = try await client.send(collection: client.api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: records), count: records.count)
/// ```
public final class SalesforceClient: Sendable {
    public let configuration: SalesforceConfiguration
    public let api: SalesforceAPI
    let httpClient: HTTPClient
    let logger: Logger
    public let authenticator: Authenticator
    let budgetState: Mutex<APIBudget>
    let refreshToken: Mutex<String?>
    let callCounter = Atomic<Int>(0)

    public init(configuration: SalesforceConfiguration, httpClient: HTTPClient = .shared,
                logger: Logger = Logger(label: "synclog.salesforce")) {
        self.configuration = configuration
        self.api = SalesforceAPI(version: configuration.apiVersion)
        self.httpClient = httpClient
        self.logger = logger
        self.budgetState = Mutex(APIBudget(reservePercent: configuration.apiReservePercent))
        if case .refreshToken(_, _, let token) = configuration.credentials {
            self.refreshToken = Mutex(token)
        } else {
            self.refreshToken = Mutex(nil)
        }
        let box = GrantBox()
        self.authenticator = Authenticator { generation in await box.grant?(generation) ?? .failure(
            SalesforceFailure(errorCode: "NOT_CONFIGURED", message: "no grant", httpStatus: 0, errorClass: .permanentConfig)) }
        box.set { [weak self] generation in
            guard let self else {
                return .failure(SalesforceFailure(errorCode: "CLOSED", message: "client released", httpStatus: 0, errorClass: .transient))
            }
            return await self.requestToken(generation: generation)
        }
    }

    /// The authenticated (sync) user's id, once a token was obtained.
    public func syncUserId() async -> String? {
        guard case .success(let t) = await authenticator.token() else { return nil }
        return t.userId
    }

    /// The budget as last observed.
    public var budget: APIBudget { budgetState.withLock { $0 } }

    /// HTTP requests this client made to the REST API (not counting token grants).
    public var callsMade: Int { callCounter.load(ordering: .relaxed) }

    // MARK: auth

    func requestToken(generation: Int) async -> Result<AccessToken, SalesforceFailure> {
        let form: [(String, String)]
        switch configuration.credentials {
        case .refreshToken(let clientId, let secret, _):
            let token = refreshToken.withLock { $0 } ?? ""
            form = OAuthRequests.refreshTokenForm(clientId: clientId, clientSecret: secret, refreshToken: token)
        case .jwtBearer(let clientId, let username, let pem, let audience):
            do {
                let assertion = try await OAuthRequests.signedAssertion(
                    clientId: clientId, username: username, audience: audience ?? configuration.loginHost.jwtAudience(sandbox: configuration.sandbox),
                    privateKeyPEM: pem, now: Date())
                form = OAuthRequests.jwtBearerForm(assertion: assertion)
            } catch {
                return .failure(SalesforceFailure(errorCode: "INVALID_KEY", message: error.message, httpStatus: 0, errorClass: .auth))
            }
        }
        let (url, body) = OAuthRequests.tokenRequest(loginHost: configuration.loginHost, form: form)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await httpClient.execute(request, timeout: configuration.timeout)
            let bytes = try await response.body.collect(upTo: 1 << 20)
            let parsed = OAuthRequests.parseToken(
                SalesforceResponse(status: Int(response.status.code), body: Array(bytes.readableBytesView)), generation: generation)
            switch parsed {
            case .success(let (token, newRefresh)):
                if let newRefresh {
                    let rotated = refreshToken.withLock { current -> Bool in
                        let changed = current != newRefresh
                        current = newRefresh
                        return changed
                    }
                    if rotated {
                        logger.notice("salesforce.auth.refreshTokenRotated", metadata: ["generation": "\(generation)"])
                        configuration.onRefreshTokenRotated?(newRefresh)
                    }
                }
                logger.info("salesforce.auth.token", metadata: ["generation": "\(generation)"])
                return .success(token)
            case .failure(let f):
                logger.warning("salesforce.auth.refused", metadata: ["error": "\(f.errorCode)"])
                return .failure(f)
            }
        } catch {
            return .failure(SalesforceFailure(errorCode: "TRANSPORT", message: "the token endpoint could not be reached (\(type(of: error)))",
                                              httpStatus: 0, errorClass: .transient))
        }
    }

    // MARK: sending

    /// Sends one call: with a token (refreshed once and replayed once on 401), `Sforce-Call-Options`,
    /// the budget checked first (unless `ignoringReserve`) and updated from `Sforce-Limit-Info`.
    /// Returns every HTTP answer but 401; throws `.transport` when no answer came (outcome unknown),
    /// `.authentication` when no token can be had, `.budgetReserved` when the call would spend the reserve.
    public func send(_ request: SalesforceRequest, ignoringReserve: Bool = false) async throws(SalesforceError) -> SalesforceResponse {
        if !ignoringReserve, !budgetState.withLock({ $0.allows(calls: 1) }) {
            throw SalesforceError(code: .budgetReserved, message: "the org's API reserve (\(configuration.apiReservePercent)%) is reached")
        }
        var token = try await tokenOrThrow(await authenticator.token())
        var response = try await perform(request, token: token)
        if response.status == 401 {
            token = try await tokenOrThrow(await authenticator.tokenAfterRejection(of: token))
            response = try await perform(request, token: token)
            if response.status == 401 {
                let f = SalesforceResponses.failure(of: response)
                throw SalesforceError(code: .authentication, message: "Salesforce refused a freshly refreshed token", failure: f)
            }
        }
        return response
    }

    func tokenOrThrow(_ result: Result<AccessToken, SalesforceFailure>) throws(SalesforceError) -> AccessToken {
        switch result {
        case .success(let t): return t
        case .failure(let f):
            if f.errorClass == .transient {
                throw SalesforceError(code: .transport, message: "no access token: \(f.message)", failure: f)
            }
            throw SalesforceError(code: .authentication, message: "the connection needs re-authorisation (\(f.errorCode))", failure: f)
        }
    }

    func perform(_ request: SalesforceRequest, token: AccessToken) async throws(SalesforceError) -> SalesforceResponse {
        let base = token.instanceURL.hasSuffix("/") ? String(token.instanceURL.dropLast()) : token.instanceURL
        var http = HTTPClientRequest(url: base + request.pathAndQuery)
        http.method = HTTPMethod(rawValue: request.method.rawValue)
        http.headers.add(name: "Authorization", value: "Bearer \(token.value)")
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "Sforce-Call-Options", value: "client=\(configuration.callOptionsClient)")
        for (k, v) in request.headers { http.headers.add(name: k, value: v) }
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: "application/json")
            http.body = .bytes(ByteBuffer(bytes: body.serialized()))
        }
        callCounter.add(1, ordering: .relaxed)
        do {
            let response = try await httpClient.execute(http, timeout: configuration.timeout)
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let answer = SalesforceResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
                                            body: Array(bytes.readableBytesView))
            if let info = answer.header("Sforce-Limit-Info"), let usage = APIUsage(limitInfo: info) {
                budgetState.withLock { $0.observe(usage) }
            }
            return answer
        } catch {
            throw SalesforceError(code: .transport, message: "\(request.method.rawValue) \(request.path): no answer (\(type(of: error)))",
                                  cause: SanitisedCause(type: "\(error)"))
        }
    }

    /// Like ``send(_:ignoringReserve:)``, and turns a non-2xx answer into `.api` with the classified failure.
    func sendChecked(_ request: SalesforceRequest, ignoringReserve: Bool = false) async throws(SalesforceError) -> SalesforceResponse {
        let response = try await send(request, ignoringReserve: ignoringReserve)
        if !(200..<300).contains(response.status) && response.status != 300 {
            let f = SalesforceResponses.failure(of: response)
            throw SalesforceError(code: .api, message: "\(request.method.rawValue) \(request.path): \(f.errorCode) (HTTP \(response.status))", failure: f)
        }
        return response
    }

    // MARK: typed calls

    /// A collections call (create, update, upsert, delete): one result per record, in order.
    public func send(collection request: SalesforceRequest, count: Int) async throws(SalesforceError) -> [RecordResult] {
        try SalesforceResponses.collectionResults(try await sendChecked(request), expected: count)
    }

    public func upsert(_ record: SObjectRecord, externalIdField: String, value: String) async throws(SalesforceError) -> UpsertResult {
        try SalesforceResponses.upsert(try await send(api.upsert(record, externalIdField: externalIdField, value: value)))
    }

    public func create(_ record: SObjectRecord) async throws(SalesforceError) -> String {
        try SalesforceResponses.create(try await sendChecked(try api.create(record)))
    }

    public func update(_ record: SObjectRecord, id: String) async throws(SalesforceError) {
        try SalesforceResponses.noContent(try await sendChecked(api.update(record, id: id)), "update")
    }

    public func delete(object: String, id: String) async throws(SalesforceError) {
        try SalesforceResponses.noContent(try await sendChecked(api.delete(object: object, id: id)), "delete")
    }

    /// Every record of a query, following `nextRecordsUrl` (one call per page).
    ///
    /// A cursor that expired or was dropped while paging (`INVALID_QUERY_LOCATOR`: Salesforce keeps
    /// at most 10 open cursors per user, for 15 minutes) restarts the query from the start, up to
    /// `locatorRestarts` times; the records read so far are discarded, so none is returned twice.
    public func query(_ soql: String, all: Bool = false, batchSize: Int? = nil, locatorRestarts: Int = 2)
        async throws(SalesforceError) -> [SObjectRecord]
    {
        var restarts = 0
        while true {
            var page = try SalesforceResponses.queryPage(try await sendChecked(api.query(soql, all: all, batchSize: batchSize)))
            var records = page.records
            do {
                while !page.done, let next = page.nextRecordsUrl {
                    page = try SalesforceResponses.queryPage(try await sendChecked(api.queryMore(nextRecordsUrl: next, batchSize: batchSize)))
                    records += page.records
                }
                return records
            } catch where error.failure?.errorCode == "INVALID_QUERY_LOCATOR" && restarts < locatorRestarts {
                restarts += 1
                logger.notice("salesforce.query.restarted", metadata: ["reason": "INVALID_QUERY_LOCATOR", "restart": "\(restarts)"])
            }
        }
    }

    /// One page (the caller follows `nextRecordsUrl` with ``queryMore(_:batchSize:)``).
    public func queryPage(_ soql: String, all: Bool = false, batchSize: Int? = nil) async throws(SalesforceError) -> QueryPage {
        try SalesforceResponses.queryPage(try await sendChecked(api.query(soql, all: all, batchSize: batchSize)))
    }

    public func queryMore(_ nextRecordsUrl: String, batchSize: Int? = nil) async throws(SalesforceError) -> QueryPage {
        try SalesforceResponses.queryPage(try await sendChecked(api.queryMore(nextRecordsUrl: nextRecordsUrl, batchSize: batchSize)))
    }

    public func describe(_ object: String) async throws(SalesforceError) -> ObjectDescription {
        try SalesforceResponses.describe(try await sendChecked(api.describe(object: object)))
    }

    public func globalDescribe() async throws(SalesforceError) -> [String] {
        try SalesforceResponses.globalDescribe(try await sendChecked(api.globalDescribe()))
    }

    public func updated(_ object: String, start: String, end: String) async throws(SalesforceError) -> UpdatedRecords {
        try SalesforceResponses.updated(try await sendChecked(api.updated(object: object, start: start, end: end)))
    }

    public func deleted(_ object: String, start: String, end: String) async throws(SalesforceError) -> DeletedRecords {
        try SalesforceResponses.deleted(try await sendChecked(api.deleted(object: object, start: start, end: end)))
    }

    /// `GET /limits`, made even inside the reserve (it is how a paused sync learns the window freed);
    /// the budget is reset to what it says.
    public func limits() async throws(SalesforceError) -> OrgLimits {
        let limits = try SalesforceResponses.limits(try await sendChecked(api.limits(), ignoringReserve: true))
        budgetState.withLock { $0.reset(to: APIUsage(used: limits.dailyApiMax - limits.dailyApiRemaining, max: limits.dailyApiMax)) }
        return limits
    }
}

/// Lets the authenticator call back into the client once it exists.
final class GrantBox: Sendable {
    let storage = Mutex<(@Sendable (Int) async -> Result<AccessToken, SalesforceFailure>)?>(nil)
    var grant: (@Sendable (Int) async -> Result<AccessToken, SalesforceFailure>)? { storage.withLock { $0 } }
    func set(_ g: @escaping @Sendable (Int) async -> Result<AccessToken, SalesforceFailure>) { storage.withLock { $0 = g } }
}
