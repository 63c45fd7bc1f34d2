import Foundation
import Salesforce
import SyncDomain
import SyncStore
import Testing
import WorkerService

/// A workspace object (contract section 2) with the pieces a test changes.
func workspaceJSON(
    name: String = "acme", users: String? = nil, salesforce: String? = nil, server: String? = nil, extra: String = ""
) -> String {
    let defaultUsers =
        #"[{"id":"u_alice","email":"alice@acme.com","salesforceUserId":"005000000000001AAA","role":"sales","timeZone":"America/Los_Angeles"}]"#
    let defaultSalesforce =
        #"{"instanceUrl":"https://127.0.0.1:8443","loginUrl":"https://127.0.0.1:8443","apiVersion":"62.0","auth":{"kind":"refreshToken","clientId":"client-1","refreshTokenFile":"rt.txt"}}"#
    let defaultServer =
        #"{"listen":"127.0.0.1:8080","ingestTokenFile":"ingest.txt","realtimeTokenEnv":"SYNCLOG_TEST_REALTIME"}"#
    return """
        {"workspace":"\(name)","internalDomains":["acme.com"],"defaultRole":"sales",
         "roles":{"sales":{"firstOnly":true}},
         "users":\(users ?? defaultUsers),
         "salesforce":\(salesforce ?? defaultSalesforce),
         "server":\(server ?? defaultServer)\(extra)}
        """
}

func writeSecrets(in dir: String) throws {
    try write("refresh-secret-value\n", to: dir + "/rt.txt")
    try write("ingest-secret-value\n", to: dir + "/ingest.txt")
    try write("", to: dir + "/empty.txt")
}

let testEnvironment = ["SYNCLOG_TEST_REALTIME": "realtime-secret-value"]

@Suite struct WorkerConfigurationTests {
    @Test func loadsOneWorkspaceObject() async throws {
        try await withTemporaryDirectory { dir in
            try writeSecrets(in: dir)
            try write(workspaceJSON(), to: dir + "/worker.json")
            let configuration = try WorkerConfiguration.load(path: dir + "/worker.json", environment: testEnvironment)
            #expect(configuration.workspaces.count == 1)
            #expect(configuration.listenHost == "127.0.0.1")
            #expect(configuration.listenPort == 8080)
            let acme = try #require(configuration.workspaces.first)
            #expect(acme.name == "acme")
            #expect(acme.ingestToken == "ingest-secret-value")
            #expect(acme.realtimeToken == "realtime-secret-value")
            #expect(acme.loginHost == .myDomain("https://127.0.0.1:8443"))
            guard case .refreshToken(let clientId, nil, let token) = acme.credentials else {
                Issue.record("expected refresh-token credentials")
                return
            }
            #expect(clientId == "client-1")
            #expect(token == "refresh-secret-value")
            let sf = acme.salesforceConfiguration()
            #expect(sf.apiVersion == "62.0")
            #expect(sf.callOptionsClient == "synclog")
            // The bytes configure the store with the same configuration.
            let decoded = try WorkspaceConfigurationJSON.decode(acme.configurationBytes).get()
            #expect(decoded == [acme.configuration])
            #expect(!"\(acme)".contains("secret-value"))
        }
    }

    @Test func loadsAnArrayOfTwoWorkspaces() async throws {
        try await withTemporaryDirectory { dir in
            try writeSecrets(in: dir)
            try write("-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", to: dir + "/key.pem")
            let jwt =
                #"{"instanceUrl":"https://globex.my.salesforce.com","loginUrl":"https://login.salesforce.com","apiVersion":"61.0","auth":{"kind":"jwtBearer","clientId":"c2","username":"sync@globex.com","privateKeyFile":"key.pem"}}"#
            let file = "[\(workspaceJSON()),\(workspaceJSON(name: "globex", users: "[]", salesforce: jwt))]"
            try write(file, to: dir + "/worker.json")
            let configuration = try WorkerConfiguration.load(path: dir + "/worker.json", environment: testEnvironment)
            #expect(configuration.workspaces.map(\.name) == ["acme", "globex"])
            let globex = configuration.workspaces[1]
            #expect(globex.loginHost == .production)
            guard case .jwtBearer(_, let username, let pem, _) = globex.credentials else {
                Issue.record("expected JWT credentials")
                return
            }
            #expect(username == "sync@globex.com")
            #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            #expect(configuration.configurationBytes.count == 2)
        }
    }

    @Test func reportsEveryProblemAtOnceWithItsPath() async throws {
        try await withTemporaryDirectory { dir in
            try writeSecrets(in: dir)
            let users = """
                [{"id":"u_alice","email":"alice@acme.com","salesforceUserId":"005000000000001AAA","role":"sales","timeZone":"UTC"},
                 {"id":"u_bob","email":"bob@acme.com","salesforceUserId":"005000000000002AAA","role":"marketing","timeZone":"UTC"},
                 {"id":"u_carol","email":"carol@acme.com","timeZone":"UTC"}]
                """
            let salesforce =
                #"{"instanceUrl":"ftp://files.acme.com","loginUrl":"https://","apiVersion":"62.0","auth":{"kind":"jwtBearer","clientId":"c","username":"sync@acme.com","privateKeyFile":"missing.pem"}}"#
            let server =
                #"{"listen":"localhost","ingestTokenFile":"empty.txt","realtimeTokenEnv":"SYNCLOG_UNSET_VARIABLE"}"#
            let file = workspaceJSON(users: users, salesforce: salesforce, server: server, extra: #","colour":"blue""#)
            try write(file, to: dir + "/worker.json")
            let error = try #require(throws: WorkerConfigurationError.self) {
                try WorkerConfiguration.load(path: dir + "/worker.json", environment: testEnvironment)
            }
            let byPath = Dictionary(
                error.problems.map { ($0.path, $0.problem) }, uniquingKeysWith: { a, b in a + "; " + b })
            #expect(byPath[""]?.contains("unknown field \"colour\"") == true)
            #expect(byPath["users[1].role"] == "names no role in roles")
            #expect(byPath["users[2]"] == "missing field salesforceUserId")
            #expect(byPath["salesforce.instanceUrl"]?.contains("not an http(s) URL") == true)
            #expect(byPath["salesforce.loginUrl"]?.contains("not an http(s) URL") == true)
            #expect(byPath["salesforce.auth.privateKeyFile"] == #"cannot read "missing.pem" (no such file)"#)
            #expect(byPath["server.listen"]?.contains("host:port") == true)
            #expect(byPath["server.ingestTokenFile"] == "is empty")
            #expect(byPath["server.realtimeTokenEnv"]?.contains("SYNCLOG_UNSET_VARIABLE") == true)
            #expect(error.problems.count >= 9)
            // The description lists them all, one a line, and names no personal data.
            let text = error.description
            #expect(text.hasPrefix(dir + "/worker.json: \(error.problems.count) problems"))
            for problem in error.problems { #expect(text.contains(problem.description)) }
            #expect(!text.contains("carol@acme.com"))
        }
    }

    @Test func workspacesMustBeUniqueAndShareOneServer() async throws {
        try await withTemporaryDirectory { dir in
            try writeSecrets(in: dir)
            let other = #"{"listen":"127.0.0.1:9090","ingestTokenFile":"ingest.txt"}"#
            let file =
                "[\(workspaceJSON()),\(workspaceJSON(server: other)),\(workspaceJSON(name: "globex", salesforce: "null", extra: ""))]"
            try write(file, to: dir + "/worker.json")
            let error = try #require(throws: WorkerConfigurationError.self) {
                try WorkerConfiguration.load(path: dir + "/worker.json", environment: testEnvironment)
            }
            let paths = error.problems.map(\.path)
            #expect(paths.contains("workspaces[1].workspace"))
            #expect(paths.contains("workspaces[1].server.listen"))
            #expect(paths.contains("workspaces[2].salesforce"))
            #expect(
                error.problems.first { $0.path == "workspaces[1].server.listen" }?.problem.contains("127.0.0.1:8080")
                    == true)
        }
    }

    @Test func unreadableFileAndBadJSONAreOneProblem() async throws {
        try await withTemporaryDirectory { dir in
            let missing = try #require(throws: WorkerConfigurationError.self) {
                try WorkerConfiguration.load(path: dir + "/nope.json")
            }
            #expect(missing.problems.map(\.description) == [#"cannot read "\#(dir)/nope.json" (no such file)"#])
            try write("{\"workspace\":", to: dir + "/bad.json")
            let bad = try #require(throws: WorkerConfigurationError.self) {
                try WorkerConfiguration.load(path: dir + "/bad.json")
            }
            #expect(bad.problems.count == 1)
            #expect(bad.problems.first?.problem.contains("not valid JSON") == true)
        }
    }
}

@Suite struct WorkerConfigurationStoreTests {
    @Test func configurationBytesConfigureTheStoreAndTokensReachTheEndpoints() async throws {
        try await withTemporaryDirectory { dir in
            try writeSecrets(in: dir)
            try write(workspaceJSON(), to: dir + "/worker.json")
            let configuration = try WorkerConfiguration.load(path: dir + "/worker.json", environment: testEnvironment)
            let store = try SyncStore(directory: dir + "/data")
            defer { store.close() }
            for bytes in configuration.configurationBytes {
                let reports = try await store.configure(bytes, source: "worker.json", now: .now)
                #expect(reports.map(\.appended) == [true])
            }
            #expect(try store.configurationInForce(workspace: "acme")?.configuration == configuration.workspaces[0].configuration)
            let endpoints = configuration.endpointWorkspaces
            #expect(endpoints.map(\.name) == ["acme"])
            #expect(endpoints.first?.ingestToken == "ingest-secret-value")
            #expect(!"\(endpoints)".contains("secret-value"))
        }
    }
}
