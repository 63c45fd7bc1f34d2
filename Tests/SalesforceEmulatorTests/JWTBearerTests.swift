import Foundation
import HTTPTypes
import JWTKit
import SalesforceEmulator
import Testing

/// The JWT bearer grant: an RS256 assertion checked against the configured public key, `iss`, `aud`, `exp`, `sub`.
@Suite struct JWTBearerTests {
    struct Assertion: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var exp: ExpirationClaim
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// An RSA key pair made by openssl (PEM private, PEM public).
    static func keyPair() throws -> (String, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jwt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func run(_ args: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["openssl"] + args
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let key = dir.appendingPathComponent("key.pem").path, pub = dir.appendingPathComponent("pub.pem").path
        try run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key])
        try run(["pkey", "-in", key, "-pubout", "-out", pub])
        return (try String(contentsOfFile: key, encoding: .utf8), try String(contentsOfFile: pub, encoding: .utf8))
    }

    static func sign(_ privatePEM: String, aud: String = "https://login.salesforce.com", sub: String = "alice@acme.com",
                     iss: String = "client-1", expiresIn: TimeInterval = 180) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: privatePEM), digestAlgorithm: .sha256)
        return try await keys.sign(Assertion(iss: .init(value: iss), sub: .init(value: sub), aud: .init(value: [aud]),
                                             exp: .init(value: Date().addingTimeInterval(expiresIn))))
    }

    @Test func aValidAssertionGetsATokenAndEveryBadOneGetsSalesforcesError() async throws {
        let (privatePEM, publicPEM) = try Self.keyPair()
        let (otherPrivate, _) = try Self.keyPair()
        let escaped = publicPEM.replacingOccurrences(of: "\n", with: "\\n")
        let h = try Harness(extraSettings: #","jwtPublicKeyPEM":"\#(escaped)""#)
        try await h.run { c in
            func grant(_ assertion: String) async throws -> Client.Answer {
                try await c.call(.post, "/services/oauth2/token",
                                 "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=\(assertion)",
                                 headers: [.contentType: "application/x-www-form-urlencoded"], authorized: false)
            }
            let ok = try await grant(try await Self.sign(privatePEM))
            #expect(ok.status == 200)
            #expect(ok.json?["refresh_token"] == nil)
            let token = try #require(ok.json?["access_token"]?.stringValue)
            #expect(try await c.call(.get, "limits", token: token).status == 200)

            let audience = try await grant(try await Self.sign(privatePEM, aud: "https://evil.example.com"))
            #expect(audience.text == #"{"error":"invalid_grant","error_description":"audience is invalid"}"#)
            let expired = try await grant(try await Self.sign(privatePEM, expiresIn: -60))
            #expect(expired.status == 400 && expired.json?["error"] == "invalid_grant")
            let forged = try await grant(try await Self.sign(otherPrivate))
            #expect(forged.text == #"{"error":"invalid_grant","error_description":"invalid assertion"}"#)
            let stranger = try await grant(try await Self.sign(privatePEM, sub: "nobody@acme.com"))
            #expect(stranger.text == #"{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}"#)
            let client = try await grant(try await Self.sign(privatePEM, iss: "someone-else"))
            #expect(client.text == #"{"error":"invalid_client_id","error_description":"client identifier invalid"}"#)
        }
    }
}
