import Foundation
import SyncDomain
import SyncStore
import Testing

@Suite("Ingest: validation, dead letters, D1")
struct IngestTests {
    @Test("valid lines are appended in order; a bad line is refused with its number and reason, the others still go in")
    func mixedFile() async throws {
        try await withTemporaryStore { store, _ in
            let input = [
                sentEmail(id: "act_1"),
                sentEmail(id: "act_2", to: "bob@"),
                "",
                sentEmail(id: "act_3"),
            ]
            let report = try await store.ingestActivities(lines(input), source: "a.jsonl", now: fixedNow)
            #expect(report.accepted == 2)
            #expect(report.rejected == 1)
            #expect(report.duplicates == 0)
            let letter = try #require(report.rejections.first)
            #expect(letter.line == 2)
            #expect(letter.reason.contains("message.to[0].email"))
            #expect(!letter.reason.contains("bob@"), "the refused value is personal data and stays out of the reason")
            #expect(letter.summary.hasPrefix("a.jsonl:2: "))
            // Kept whole, with its reason, in the dead-letter store.
            let stored = try store.deadLetters()
            #expect(stored.count == 1)
            #expect(stored[0].bytes == Array(input[1].utf8))
            // Appended in input order.
            let first = try #require(try store.envelope(at: 1))
            let second = try #require(try store.envelope(at: 2))
            #expect(first.id == EventID.activity(workspace: "acme", activityId: "act_1"))
            #expect(second.id == EventID.activity(workspace: "acme", activityId: "act_3"))
        }
    }

    @Test("D1: the same activity twice is stored once and the second delivery is recorded")
    func duplicateDelivery() async throws {
        try await withTemporaryStore { store, _ in
            _ = try await store.ingestActivities(lines([sentEmail(id: "act_1")]), source: "a", now: fixedNow)
            let again = try await store.ingestActivities(
                lines([sentEmail(id: "act_1"), sentEmail(id: "act_1", subject: "Changed")]), source: "b", now: fixedNow)
            #expect(again.accepted == 0)
            #expect(again.duplicates == 2)
            var activities = 0
            var deliveries: [DuplicateDelivery] = []
            try store.scan { _, envelope in
                switch envelope.event {
                case .activity(let activity):
                    activities += 1
                    #expect(activity.message?.subject == "Pricing for 2027", "the first body wins")
                case .duplicateDelivery(let delivery): deliveries.append(delivery)
                default: break
                }
                return true
            }
            #expect(activities == 1)
            #expect(deliveries.map(\.bodyDiffers) == [false, true])
            #expect(!deliveries[1].source.isEmpty, "the differing body is kept for the audit")
            // A third identical redelivery adds nothing new.
            let before = try store.lastPosition()
            _ = try await store.ingestActivities(lines([sentEmail(id: "act_1")]), source: "c", now: fixedNow)
            #expect(try store.lastPosition() == before)
        }
    }

    @Test("hostile input: each gets a clear refusal, never a crash, never a partial event")
    func hostileInput() async throws {
        try await withTemporaryStore { store, _ in
            let huge = "{\"id\":\"" + String(repeating: "x", count: 10 << 20) + "\"}"
            let garbage: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
            let invalidUTF8: [UInt8] = Array("{\"id\":\"act_9\",\"workspace\":\"acme\",\"type\":\"email.sent\",\"userId\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let truncated = String(sentEmail(id: "act_10").dropLast(30))
            var bytes: [UInt8] = []
            for line in [Array(huge.utf8), garbage.filter { $0 != 0x0A }, invalidUTF8, Array(deep.utf8), Array(sentEmail(id: "act_ok").utf8)] {
                bytes += line + [0x0A]
            }
            bytes += Array(truncated.utf8)  // the last line, without a newline
            let report = try await store.ingestActivities(InputLines.lines(in: bytes), source: "hostile", now: fixedNow)
            #expect(report.accepted == 1)
            #expect(report.rejected == 5)
            #expect(report.rejections.map(\.line) == [1, 2, 3, 4, 6])
            for letter in report.rejections { #expect(!letter.reason.isEmpty) }
            #expect(try store.lastPosition() == 1)
        }
    }

    @Test("Salesforce changes: the same change twice is stored once")
    func changesAreIdempotent() async throws {
        try await withTemporaryStore { store, _ in
            let first = try await store.ingestChanges(
                lines([contactChange(), contactChange(), contactChange(email: "bob@other.com")]),
                source: "changes", workspace: "acme", now: fixedNow)
            #expect(first.accepted == 2)
            #expect(first.duplicates == 1)
            let bad = try await store.ingestChanges(
                lines(["{\"object\":\"Contact\",\"changeType\":\"WHATEVER\",\"record\":{}}"]),
                source: "changes", workspace: "acme", now: fixedNow)
            #expect(bad.rejected == 1)
        }
    }
}
