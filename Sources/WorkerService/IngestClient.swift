public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SyncDomain

/// The worker's own endpoints as a caller sees them: `POST /activities` with the ingest token
/// and `GET /ready`, over loopback HTTP. What the demo and the end-to-end load send with.
///
/// ```swift
/// let ingest = IngestClient(port: 8080, token: ingestToken)
/// let counts = try await ingest.post([line1, line2])   // accepted / duplicates / rejected
/// ```
public struct IngestClient: Sendable {
    public let port: Int
    public let token: String
    public let httpClient: HTTPClient

    public struct Counts: Sendable, Hashable {
        public var accepted = 0, duplicates = 0, rejected = 0
    }

    public init(port: Int, token: String, httpClient: HTTPClient = .shared) {
        self.port = port
        self.token = token
        self.httpClient = httpClient
    }

    /// Posts JSON Lines (one activity a line, no newlines inside) and returns the worker's counts.
    public func post(_ lines: [[UInt8]]) async throws -> Counts {
        var body: [UInt8] = []
        body.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for line in lines {
            body += line
            body.append(0x0A)
        }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/activities")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-ndjson")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await httpClient.execute(request, timeout: .seconds(60))
        let bytes = Array(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        guard response.status.code < 300, let answer = try? JSONParser.parse(bytes) else {
            throw IngestClientError(status: Int(response.status.code))
        }
        func count(_ key: String) -> Int { if case .number(let n)? = answer[key] { return Int(n) } else { return 0 } }
        return Counts(accepted: count("accepted"), duplicates: count("duplicates"), rejected: count("rejected"))
    }

    /// Whether `GET /ready` answers 200 (every workspace has done its first audit).
    public func isReady() async -> Bool {
        guard let response = try? await httpClient.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/ready"), timeout: .seconds(5))
        else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status.code == 200
    }
}

/// `POST /activities` was not answered with counts.
public struct IngestClientError: Error, CustomStringConvertible {
    public var status: Int
    public var description: String { "POST /activities answered HTTP \(status)" }
}
