import Foundation
import Logging
public import Salesforce
public import SyncDomain

/// One problem in a worker configuration file: where (its JSON path) and what.
///
/// Never contains a secret or personal data: file names, variable names and field paths only.
public struct WorkerConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// JSON path in the file, e.g. `workspaces[1].salesforce.auth.refreshTokenFile`; empty for the whole file.
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
}

/// Why `synclog run --config FILE` cannot start: every problem in the file, found at once.
///
/// ```
/// worker.json: 3 problems
///   users[2]: missing field salesforceUserId
///   salesforce.auth.refreshTokenFile: cannot read "rt.txt" (no such file)
///   server.listen: not host:port (e.g. 127.0.0.1:8080)
/// ```
public struct WorkerConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The configuration file.
    public var file: String
    /// Every problem, in file order.
    public var problems: [WorkerConfigurationProblem]

    public init(file: String, problems: [WorkerConfigurationProblem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "\(file): \(count)\n" + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// One workspace the worker runs: its configuration and the secrets it names, read and checked.
///
/// - Warning: holds secrets in memory (tokens, the Salesforce credentials). Its descriptions never print them.
public struct LoadedWorkspace: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var configuration: WorkspaceConfiguration
    /// The bearer token `POST /activities` accepts for this workspace; nil when none is configured.
    public var ingestToken: String?
    /// The bearer token `POST /salesforce/changes` accepts for this workspace; nil when none is configured.
    public var realtimeToken: String?
    public var credentials: SalesforceCredentials
    public var loginHost: LoginHost
    /// This workspace's configuration as contract JSON, for `SyncStore.configure`.
    public var configurationBytes: [UInt8]
    /// The file the refresh token was read from (resolved), where a rotated one is written back.
    public var refreshTokenPath: String?

    public init(
        configuration: WorkspaceConfiguration, ingestToken: String?, realtimeToken: String?,
        credentials: SalesforceCredentials, loginHost: LoginHost, configurationBytes: [UInt8]
    ) {
        self.configuration = configuration
        self.ingestToken = ingestToken
        self.realtimeToken = realtimeToken
        self.credentials = credentials
        self.loginHost = loginHost
        self.configurationBytes = configurationBytes
    }

    /// The workspace name.
    public var name: String { configuration.workspace }

    /// How the Salesforce client reaches and authenticates to this workspace's org.
    ///
    /// A refresh token the org rotates is written back to ``refreshTokenPath`` (a new file renamed
    /// over the old, owner-only), so a restarted worker still authenticates; a token from an
    /// environment variable cannot be written back, and the log says so.
    public func salesforceConfiguration() -> SalesforceConfiguration {
        let connection = configuration.salesforce
        var sf = SalesforceConfiguration(
            loginHost: loginHost, sandbox: connection?.sandbox ?? false, credentials: credentials,
            apiVersion: connection?.apiVersion ?? "62.0", apiReservePercent: connection?.apiReservePercent ?? 20)
        let path = refreshTokenPath
        let workspace = name
        sf.onRefreshTokenRotated = { token in
            let logger = Logger(label: "synclog.worker")
            guard let path else {
                logger.warning("worker.refreshToken.notPersisted", metadata: ["workspace": "\(workspace)", "why": "the token came from an environment variable"])
                return
            }
            do {
                try SecretFile.replace(path, with: token)
                logger.notice("worker.refreshToken.written", metadata: ["workspace": "\(workspace)"])
            } catch {
                logger.error("worker.refreshToken.writeFailed", metadata: ["workspace": "\(workspace)", "error": "\(error)"])
            }
        }
        return sf
    }

    /// The endpoints' view of this workspace (its name and tokens).
    public var endpointWorkspace: EndpointWorkspace {
        EndpointWorkspace(name: name, ingestToken: ingestToken, realtimeToken: realtimeToken)
    }

    public var description: String { "LoadedWorkspace(\(name), \(credentials))" }
    public var debugDescription: String { description }
}

/// The worker's configuration file (`synclog run --config FILE`): one workspace object (contract
/// section 2) or an array of them, checked by the domain's decoder and then by what only a
/// running worker needs (secret files readable, URLs, `server.listen`).
///
/// Every problem is reported at once, each with its path in the file.
///
/// ```swift
/// let configuration = try WorkerConfiguration.load(path: "worker.json")
/// for workspace in configuration.workspaces { _ = try await store.configure(workspace.configurationBytes, ...) }
/// ```
public struct WorkerConfiguration: Sendable {
    public var workspaces: [LoadedWorkspace]
    /// Where the HTTP endpoints listen (all workspaces share one server).
    public var listenHost: String
    public var listenPort: Int

    /// Used when no workspace has a `server` section.
    public static let defaultListen = "127.0.0.1:8080"

    public init(workspaces: [LoadedWorkspace], listenHost: String, listenPort: Int) {
        self.workspaces = workspaces
        self.listenHost = listenHost
        self.listenPort = listenPort
    }

    /// The endpoints' view of every workspace (names and tokens).
    public var endpointWorkspaces: [EndpointWorkspace] { workspaces.map(\.endpointWorkspace) }

    /// Each workspace's configuration bytes (for `SyncStore.configure`), in file order.
    public var configurationBytes: [[UInt8]] { workspaces.map(\.configurationBytes) }

    /// Reads and checks `path`; relative secret file names are relative to its directory.
    /// `environment` defaults to the process's (secrets named by `...Env` fields are read from it).
    public static func load(
        path: String, environment: [String: String]? = nil
    ) throws(WorkerConfigurationError) -> WorkerConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkerConfigurationError(
                file: path,
                problems: [.init(path: "", problem: "cannot read \(quote(path)) (\(SecretSource.whyUnreadable(path)))")]
            )
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        return try load(
            bytes: [UInt8](data), file: path, directory: directory.isEmpty ? "/" : directory, environment: environment)
    }

    /// Checks a configuration already in memory; `directory` anchors relative file names.
    public static func load(
        bytes: [UInt8], file: String, directory: String, environment: [String: String]? = nil
    ) throws(WorkerConfigurationError) -> WorkerConfiguration {
        var loader = ConfigurationLoader(
            directory: directory, environment: environment ?? ProcessInfo.processInfo.environment)
        let result = loader.load(bytes)
        guard loader.problems.isEmpty, let result else {
            throw WorkerConfigurationError(file: file, problems: loader.problems)
        }
        return result
    }
}

/// Quotes a file or variable name for a message (names are not secrets; contents are never shown).
func quote(_ s: String) -> String { "\"\(s)\"" }

/// Reads secrets from files and environment variables, saying why one cannot be read, never what it holds.
enum SecretSource {
    static func whyUnreadable(_ path: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return "cannot be read"
    }
}

/// The work of ``WorkerConfiguration/load(bytes:file:directory:environment:)``: collects problems as it goes.
struct ConfigurationLoader {
    let directory: String
    let environment: [String: String]
    var problems: [WorkerConfigurationProblem] = []

    init(directory: String, environment: [String: String]) {
        self.directory = directory
        self.environment = environment
    }

    mutating func add(_ path: String, _ problem: String) {
        let p = WorkerConfigurationProblem(path: path, problem: problem)
        if !problems.contains(p) { problems.append(p) }
    }

    mutating func load(_ bytes: [UInt8]) -> WorkerConfiguration? {
        let value: JSONValue
        do throws(JSONParser.Failure) {
            value = try JSONParser.parse(
                bytes, limits: .init(maxDepth: InputLimits.maxDepth, maxBytes: InputLimits.maxConfigurationBytes))
        } catch {
            add("", error.description)
            return nil
        }
        let items: [(prefix: String, value: JSONValue)]
        switch value {
        case .object: items = [("", value)]
        case .array(let elements):
            guard !elements.isEmpty else {
                add("", "no workspace configured")
                return nil
            }
            items = elements.enumerated().map { ("workspaces[\($0.offset)]", $0.element) }
        default:
            add("", "must be a workspace object or an array of them, not \(value.kindName)")
            return nil
        }

        var loaded: [LoadedWorkspace?] = []
        var names: [String: String] = [:]  // workspace name -> path prefix of its first use
        var listens: [(prefix: String, listen: String, host: String, port: Int)] = []
        for item in items {
            guard case .object(let members) = item.value else {
                add(item.prefix, "must be a workspace object, not \(item.value.kindName)")
                loaded.append(nil)
                continue
            }
            var workspace = WorkspaceCheck(prefix: item.prefix, members: members, loader: self)
            let result = workspace.check()
            problems = workspace.loader.problems
            loaded.append(result)
            if case .string(let name)? = JSONValue.object(members)["workspace"] {
                if let first = names[name] {
                    add(
                        join(item.prefix, "workspace"),
                        "workspace \(quoteIfShort(name)) is configured twice (also \(join(first, "workspace")))")
                } else {
                    names[name] = item.prefix
                }
            }
            if let listen = workspace.listen { listens.append((item.prefix, listen.text, listen.host, listen.port)) }
        }
        if let first = listens.first {
            for other in listens.dropFirst() where other.listen != first.listen {
                add(
                    join(other.prefix, "server.listen"),
                    "all workspaces share one server; \(first.prefix.isEmpty ? "the first workspace" : first.prefix) listens on \(first.listen)"
                )
            }
        }
        guard problems.isEmpty else { return nil }
        let host = listens.first?.host ?? "127.0.0.1"
        let port = listens.first?.port ?? 8080
        return WorkerConfiguration(workspaces: loaded.compactMap { $0 }, listenHost: host, listenPort: port)
    }
}

/// `prefix.path`, or `path` alone at the top of a single-object file.
func join(_ prefix: String, _ path: String) -> String {
    if prefix.isEmpty { return path }
    if path.isEmpty { return prefix }
    return path.hasPrefix("[") ? prefix + path : prefix + "." + path
}

/// A workspace name as it may appear in a message: short printable ASCII only.
func quoteIfShort(_ s: String) -> String {
    let ok = s.utf8.count <= 64 && s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }
    return ok ? "\"\(s)\"" : "(not shown)"
}

/// Checks one workspace object: the domain's rules (all of them, by repairing the object after
/// each problem and decoding again), then the worker's.
struct WorkspaceCheck {
    let prefix: String
    let members: [JSONValue.Member]
    var loader: ConfigurationLoader
    var listen: (text: String, host: String, port: Int)?

    init(prefix: String, members: [JSONValue.Member], loader: ConfigurationLoader) {
        self.prefix = prefix
        self.members = members
        self.loader = loader
    }

    mutating func add(_ path: String, _ problem: String) { loader.add(join(prefix, path), problem) }

    mutating func check() -> LoadedWorkspace? {
        let before = loader.problems.count
        let (configuration, domainProblems) = Self.decodeCollectingProblems(members)
        for p in domainProblems { add(p.path, p.problem) }
        let domainPaths = Set(domainProblems.map(\.path))

        let object = JSONValue.object(members)
        var credentials: SalesforceCredentials?
        var loginHost: LoginHost?
        switch object["salesforce"] {
        case .object?:
            (credentials, loginHost) = checkSalesforce(object["salesforce"]!, skip: domainPaths)
        case nil, .null?:
            add("salesforce", "missing (the worker needs an org to write to)")
        default:
            break  // the domain's decoder said what is wrong with it
        }
        var ingestToken: String?
        var realtimeToken: String?
        if case .object = object["server"] {
            let server = object["server"]!
            if case .string(let text)? = server["listen"] {
                if let (host, port) = Self.hostAndPort(text) {
                    listen = (text, host, port)
                } else if !domainPaths.contains("server.listen") {
                    add("server.listen", "not host:port (e.g. 127.0.0.1:8080)")
                }
            }
            ingestToken = secret(server, base: "server", file: "ingestTokenFile", env: "ingestTokenEnv")
            realtimeToken = secret(server, base: "server", file: "realtimeTokenFile", env: "realtimeTokenEnv")
        }
        guard loader.problems.count == before, let configuration, let credentials, let loginHost else { return nil }
        let bytes = WorkspaceConfigurationJSON.jsonValue(configuration).jsonBytes()
        var loaded = LoadedWorkspace(
            configuration: configuration, ingestToken: ingestToken, realtimeToken: realtimeToken,
            credentials: credentials,
            loginHost: loginHost, configurationBytes: bytes)
        if let auth = configuration.salesforce?.auth, auth.kind == .refreshToken, let file = auth.refreshTokenFile {
            loaded.refreshTokenPath = file.hasPrefix("/") ? file : loader.directory + "/" + file
        }
        return loaded
    }

    mutating func checkSalesforce(_ salesforce: JSONValue, skip: Set<String>) -> (SalesforceCredentials?, LoginHost?) {
        var urlsOK = true
        for name in ["instanceUrl", "loginUrl"] {
            guard case .string(let text)? = salesforce[name], !skip.contains("salesforce.\(name)") else { continue }
            if !Self.isHTTPURL(text) {
                add("salesforce.\(name)", "not an http(s) URL with a host")
                urlsOK = false
            }
        }
        guard case .object? = salesforce["auth"], let auth = salesforce["auth"] else { return (nil, nil) }
        let clientId = auth["clientId"]?.stringValue ?? ""
        let clientSecret = secret(auth, base: "salesforce.auth", file: "clientSecretFile", env: "clientSecretEnv")
        var credentials: SalesforceCredentials?
        switch auth["kind"]?.stringValue {
        case "refreshToken":
            if let token = secret(auth, base: "salesforce.auth", file: "refreshTokenFile", env: "refreshTokenEnv") {
                credentials = .refreshToken(clientId: clientId, clientSecret: clientSecret, refreshToken: token)
            }
        case "jwtBearer":
            if let key = secret(auth, base: "salesforce.auth", file: "privateKeyFile", env: "privateKeyEnv", pem: true),
                let username = auth["username"]?.stringValue
            {
                credentials = .jwtBearer(clientId: clientId, username: username, privateKeyPEM: key, audience: nil)
            }
        default: break
        }
        guard urlsOK, let login = salesforce["loginUrl"]?.stringValue else { return (credentials, nil) }
        return (credentials, Self.loginHost(login))
    }

    /// The secret named by `file` or `env` in `object` (trimmed); nil (with a problem) when it cannot be had.
    mutating func secret(_ object: JSONValue, base: String, file: String, env: String, pem: Bool = false) -> String? {
        var value: String?
        var path = ""
        if case .string(let name)? = object[file] {
            path = "\(base).\(file)"
            let full = name.hasPrefix("/") ? name : loader.directory + "/" + name
            if let data = FileManager.default.contents(atPath: full) {
                value = String(decoding: data, as: UTF8.self)
            } else {
                add(path, "cannot read \(quote(name)) (\(SecretSource.whyUnreadable(full)))")
                return nil
            }
        } else if case .string(let name)? = object[env] {
            path = "\(base).\(env)"
            guard let v = loader.environment[name] else {
                add(path, "the environment variable \(quote(name)) is not set")
                return nil
            }
            value = v
        }
        guard let raw = value else { return nil }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            add(path, "is empty")
            return nil
        }
        if pem, !trimmed.hasPrefix("-----BEGIN") {
            add(path, "does not hold a PEM private key")
            return nil
        }
        return pem ? raw : trimmed
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return false }
        return true
    }

    static func loginHost(_ url: String) -> LoginHost {
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        switch trimmed.lowercased() {
        case "https://login.salesforce.com": return .production
        case "https://test.salesforce.com": return .sandbox
        default: return .myDomain(trimmed)
        }
    }

    /// `host:port` (`[::1]:8080` for IPv6); port 0-65535 (0 picks a free one).
    static func hostAndPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = Int(portText), (0...65535).contains(port)
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" "), !host.contains("/") else { return nil }
        return (host, port)
    }

    // MARK: every domain problem at once

    /// Decodes with the domain's decoder; after each problem, repairs the object (a placeholder for
    /// the offending user, role or section) and decodes again, so that every problem is found.
    static func decodeCollectingProblems(_ members: [JSONValue.Member]) -> (WorkspaceConfiguration?, [InputRejection]) {
        var current = members
        var problems: [InputRejection] = []
        for _ in 0..<200 {
            do throws(InputRejection) {
                let decoded = try WorkspaceConfigurationJSON.decode(JSONValue.object(current))
                return (problems.isEmpty ? decoded.first : nil, problems)
            } catch {
                if problems.contains(error) { break }
                problems.append(error)
                guard repair(&current, after: error) else { break }
            }
        }
        return (nil, problems)
    }

    static let removableSections: Set<String> = [
        "internalDomains", "excludedAddresses", "excludedDomains", "systemLocalParts", "salesforce", "schedule",
        "server",
        "subjectTemplates", "users",
    ]

    /// Changes `members` so that `rejection` no longer applies; false when it does not know how.
    static func repair(_ members: inout [JSONValue.Member], after rejection: InputRejection) -> Bool {
        let path = rejection.path
        let name: String
        if path.isEmpty {
            if rejection.problem.hasPrefix("missing field ") {
                name = String(rejection.problem.dropFirst("missing field ".count))
            } else if rejection.problem.hasPrefix("unknown field \""), rejection.problem.hasSuffix("\"") {
                let unknown = String(rejection.problem.dropFirst("unknown field \"".count).dropLast())
                let count = members.count
                members.removeAll { $0.name == unknown }
                return members.count < count
            } else {
                return false
            }
        } else {
            name = String(path.prefix { $0 != "." && $0 != "[" })
        }
        let rest = path.dropFirst(name.count)
        func value(_ n: String) -> JSONValue? { members.first { $0.name == n }?.value }
        func set(_ n: String, _ v: JSONValue) {
            if let i = members.firstIndex(where: { $0.name == n }) {
                members[i].value = v
            } else {
                members.append(.init(n, v))
            }
        }
        switch name {
        case "workspace":
            set("workspace", .string("unnamed"))
        case "defaultRole":
            if case .object(let roles)? = value("roles"), let first = roles.first {
                set("defaultRole", .string(first.name))
            } else {
                set("roles", .object([.init("default", .object([]))]))
                set("defaultRole", .string("default"))
            }
        case "roles":
            let defaultRole = value("defaultRole")?.stringValue ?? "default"
            guard case .object(var roles)? = value("roles") else {
                set("roles", .object([.init(defaultRole, .object([]))]))
                return true
            }
            if rest.hasPrefix("."), let i = roles.firstIndex(where: { rest.dropFirst().hasPrefix($0.name) }),
                roles[i].value != .object([])
            {
                roles[i].value = .object([])
            } else {
                roles = roles.filter { (1...64).contains($0.name.unicodeScalars.count) }.map {
                    .init($0.name, .object([]))
                }
                if roles.isEmpty { roles = [.init(defaultRole, .object([]))] }
            }
            set("roles", .object(roles))
        case "users":
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
                let i = Int(rest[rest.index(after: rest.startIndex)..<close]),
                case .array(var users)? = value("users"), users.indices.contains(i)
            {
                users[i] = placeholderUser(i)
                set("users", .array(users))
            } else {
                members.removeAll { $0.name == "users" }
            }
        default:
            guard removableSections.contains(name), value(name) != nil else { return false }
            members.removeAll { $0.name == name }
        }
        return true
    }

    /// A valid user standing in for one with a problem, so the others are still checked.
    static func placeholderUser(_ i: Int) -> JSONValue {
        .object([
            .init("id", .string("synclog.placeholder.\(i)")),
            .init("email", .string("placeholder\(i)@placeholder.example")),
            .init("salesforceUserId", .string("005000000000000AAA")), .init("timeZone", .string("UTC")),
        ])
    }
}

/// Writes a secret file the way an operator would want it replaced: a new owner-only (0600) file
/// beside it, written and synced, then renamed over the old one and the directory synced, so a
/// crash or power loss leaves either the old secret or the new, never half of one. Plain POSIX
/// calls, so it is safe from any thread (the client calls it from an event loop's task).
enum SecretFile {
    struct WriteError: Error, CustomStringConvertible {
        var step: String
        var code: Int32
        var description: String { "cannot replace the secret file: \(step) failed (errno \(code))" }
    }

    static func replace(_ path: String, with secret: String) throws {
        let temporary = path + ".new-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(step: "create", code: errno) }
        let bytes = Array((secret + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw WriteError(step: "write", code: code)
            }
            written += n
        }
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else {
            let code = errno
            close(fd)
            unlink(temporary)
            throw WriteError(step: "sync", code: code)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw WriteError(step: "rename", code: code)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }
}
