import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SalesforceEmulator
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The emulator started in-process on an ephemeral port, reached over real loopback HTTP;
/// notifications of admin changes to a real receiver.
@Suite struct LiveServerTests {
    func send(_ method: String, _ url: String, _ body: String? = nil, token: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func startsOnAnEphemeralPortAndAnswers() async throws {
        let emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(fixture: Fixtures.fixture()))
        #expect(emulator.port > 0)
        let token = emulator.org.issueAccessToken()
        let (status, body) = try await send("GET", "\(emulator.baseURL)/services/data/v62.0/query?q=SELECT+Id,Name+FROM+Account", token: token)
        #expect(status == 200)
        #expect(body.contains(#""Name":"Globex""#))
        let refresh = try await send("POST", "\(emulator.baseURL)/services/oauth2/token?grant_type=refresh_token&refresh_token=refresh-1&client_id=client-1")
        #expect(refresh.1.contains(#""instance_url":"\#(emulator.baseURL)""#))
        await emulator.stop()
    }

    @Test func stateIsSavedOnStopAndLoadedAtStart() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-state-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let config = EmulatorConfiguration(fixture: try Fixtures.fixture(), stateFile: file)
        let first = try await RunningEmulator.start(configuration: config)
        let token = first.org.issueAccessToken()
        let (status, body) = try await send("POST", "\(first.baseURL)/services/data/v62.0/sobjects/Contact", #"{"LastName":"Kept"}"#, token: token)
        #expect(status == 201)
        await first.stop()
        let second = try await RunningEmulator.start(configuration: config)
        let id = try #require(try JSON.parse(body)["id"]?.stringValue)
        #expect(second.org.record(id: id)?.fields["LastName"] == "Kept")
        await second.stop()
    }

    @Test func adminChangesAreNotifiedInTheSection3Format() async throws {
        let received = Mutex<[(String?, String)]>([])
        let router = Router()
        router.post("/salesforce/changes") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let auth = request.headers[.authorization]
            received.withLock { $0.append((auth, String(buffer: body))) }
            return .accepted
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                   onServerRunning: { continuation.yield($0.localAddress!.port!); continuation.finish() })
        let receiverTask = Task { try await receiver.run() }
        var port = 0
        for await p in stream { port = p }
        let emulator = try await RunningEmulator.start(configuration: EmulatorConfiguration(
            fixture: Fixtures.fixture(), notifyURL: "http://127.0.0.1:\(port)/salesforce/changes", notifyToken: "ws-token"))
        let (status, _) = try await send("POST", "\(emulator.baseURL)/__emulator/records",
                                         #"{"records":[{"Id":"003000000000001AAA","Email":"new@globex.com"}]}"#)
        #expect(status == 200)
        let got = received.withLock { $0 }
        #expect(got.count == 1)
        #expect(got.first?.0 == "Bearer ws-token")
        let payload = try JSON.parse(got.first?.1 ?? "")
        #expect(payload["object"] == "Contact" && payload["changeType"] == "UPDATE" && payload["source"] == "realtime")
        #expect(payload["record"]?["Id"] == "003000000000001AAA" && payload["record"]?["Email"] == "new@globex.com")
        #expect(payload["commitTimestamp"]?.stringValue?.hasSuffix("Z") == true)
        #expect(payload["record"]?["SystemModstamp"]?.stringValue?.hasSuffix(".000+0000") == true)
        await emulator.stop()
        receiverTask.cancel()
        _ = try? await receiverTask.value
    }
}
