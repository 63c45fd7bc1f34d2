import Foundation
import Logging
import Synchronization
import Testing
import WorkerService

@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func writesOneJSONObjectPerLineWithoutPersonalData() throws {
        let out = Lines()
        var logger = Logger(label: "synclog.test") { label in JSONLogHandler(label: label, write: { out.append($0) }) }
        logger.logLevel = .debug
        logger[metadataKey: "workspace"] = "acme"
        logger.info(
            "outbox.dispatch.batch",
            metadata: [
                "count": "3", "email": "bob@globex.com", "subject": "Pricing for 2027",
                "request": ["id": "7", "authorization": "Bearer abc123"], "ids": ["a1", "a2"], "message": "clash",
            ])
        logger.trace("not written")
        let lines = out.all
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "synclog.test")
        #expect(object["message"] as? String == "outbox.dispatch.batch")
        #expect((object["ts"] as? String)?.hasSuffix("Z") == true)
        #expect(object["workspace"] as? String == "acme")
        #expect(object["count"] as? String == "3")
        #expect(object["request.id"] as? String == "7")
        #expect(object["ids"] as? [String] == ["a1", "a2"])
        #expect(object["metadata.message"] as? String == "clash")
        #expect(object["email"] as? String == "[redacted]")
        #expect(object["request.authorization"] as? String == "[redacted]")
        for secret in ["bob@globex.com", "Pricing", "abc123"] { #expect(!line.contains(secret)) }
    }

    @Test func textAndJSONHandlersAreMadeForEachFormat() {
        #expect(WorkerService.makeLogHandler(label: "x", format: .json, level: .warning) is JSONLogHandler)
        #expect(WorkerService.makeLogHandler(label: "x", format: .json, level: .warning).logLevel == .warning)
        #expect(WorkerService.makeLogHandler(label: "x", format: .text, level: .debug) is StreamLogHandler)
    }
}
