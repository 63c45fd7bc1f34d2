import Foundation
import Testing

@testable import SyncDomain

/// The outbox's write digest (W1: an identical re-plan of a written write is not sent again),
/// the word-at-a-time hash it is made with, and the snapshot's digest version.
@Suite("Write digest")
struct WriteDigestTests {
    static func write(_ fields: [WriteField], object: WriteObject = .task, operation: WriteOperation = .upsert) -> PlannedWrite {
        PlannedWrite(syncKey: "0123456789abcdef0123456789abcdef", object: object, operation: operation, fields: fields)
    }

    static let fields: [WriteField] = [
        WriteField("Subject", .string("Email: Quarterly review")), WriteField("WhoId", .string("003000000000001AAA")),
        WriteField("TaskSubtype", .string("Email")), WriteField("ActivityDate", .date(LocalDate(daysSinceEpoch: 20_000))),
        WriteField("MixmaxActivityDateTime__c", .dateTime(Timestamp(millisecondsSinceEpoch: 1_700_000_000_000))),
        WriteField("IsAllDayEvent", .bool(false)), WriteField("CallDurationInSeconds", .int(95)),
        WriteField("TaskWhoIds", .idList(["003000000000001AAA", "00Q000000000002AAA"])), WriteField("WhatId", .null),
    ]

    static func digest(_ bytes: [UInt8]) -> UInt64 {
        var d = WordDigest()
        bytes.withUnsafeBufferPointer { d.absorb($0) }
        return d.value
    }

    /// The values were computed by an independent transcription of the algorithm (Python).
    @Test("the digest of a known write is pinned: it is stored in snapshots, so it changes only with WriteDigest.version")
    func pinned() {
        #expect(WriteDigest.version == 3)
        #expect(WriteDigest.of(Self.write(Self.fields)) == 0xaf47_7aaa_e11c_7412)
        #expect(Self.digest([]) == 0xbc70_cebf_7494_3575)
        #expect(Self.digest(Array("foobar".utf8)) == 0xa9c1_7221_1bc7_5d21)
    }

    @Test("W1: every field's value, name, object and operation count; TaskSubtype (create-only) does not")
    func whatCounts() {
        let base = WriteDigest.of(Self.write(Self.fields))
        var seen: Set<UInt64> = [base]
        for i in Self.fields.indices where Self.fields[i].name != "TaskSubtype" {
            var renamed = Self.fields
            renamed[i] = WriteField(renamed[i].name + "x", renamed[i].value)
            var changed = Self.fields
            switch changed[i].value {
            case .string(let s): changed[i].value = .string(s + " ")
            case .date(let d): changed[i].value = .date(LocalDate(daysSinceEpoch: d.daysSinceEpoch + 1))
            case .dateTime(let t): changed[i].value = .dateTime(Timestamp(millisecondsSinceEpoch: t.millisecondsSinceEpoch + 1))
            case .bool(let b): changed[i].value = .bool(!b)
            case .int(let n): changed[i].value = .int(n + 1)
            case .idList(let ids): changed[i].value = .idList(Array(ids.reversed()))
            case .null: changed[i].value = .string("")
            }
            for variant in [renamed, changed] {
                let d = WriteDigest.of(Self.write(variant))
                #expect(!seen.contains(d), "field \(Self.fields[i].name)")
                seen.insert(d)
            }
        }
        #expect(!seen.contains(WriteDigest.of(Self.write(Self.fields, object: .event))))
        #expect(!seen.contains(WriteDigest.of(Self.write(Self.fields, operation: .delete))))
        var subtype = Self.fields
        subtype[2] = WriteField("TaskSubtype", .string("Call"))
        #expect(WriteDigest.of(Self.write(subtype)) == base)
        #expect(WriteDigest.of(Self.write(subtype.filter { $0.name != "TaskSubtype" })) == base)
    }

    @Test("values that spell alike differ: a split moved between strings, a string against the id list holding it")
    func boundaries() {
        let split1 = Self.write([WriteField("Subject", .string("ab")), WriteField("Description", .string("c"))])
        let split2 = Self.write([WriteField("Subject", .string("a")), WriteField("Description", .string("bc"))])
        #expect(WriteDigest.of(split1) != WriteDigest.of(split2))
        let one = Self.write([WriteField("TaskWhoIds", .idList(["003000000000001AAA"]))])
        let text = Self.write([WriteField("TaskWhoIds", .string("003000000000001AAA"))])
        #expect(WriteDigest.of(one) != WriteDigest.of(text))
        #expect(WriteDigest.of(Self.write([WriteField("WhatId", .null)])) != WriteDigest.of(Self.write([WriteField("WhatId", .string(""))])))
    }

    @Test("every prefix of a byte string, 0 to 70 bytes, and every one-byte change of it gets its own digest")
    func wordsAndTails() {
        let bytes = (0..<70).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        var seen: Set<UInt64> = []
        for n in 0...bytes.count {
            seen.insert(Self.digest(Array(bytes.prefix(n))))
            for i in 0..<n {
                var b = Array(bytes.prefix(n))
                b[i] ^= 0x01
                seen.insert(Self.digest(b))
            }
        }
        #expect(seen.count == 71 + (0...70).reduce(0, +))
        // Trailing zero bytes are not padding: "a" and "a\0" differ.
        #expect(Self.digest([0x61]) != Self.digest([0x61, 0]))
    }

    @Test("an outbox snapshot says its digest version; one from before (no version) is refused, so the log is replayed")
    func snapshotVersion() throws {
        var outbox = Outbox.initial
        let plan = ActivityPlanned(
            activityId: "act_1", activityPosition: 1, writes: [Self.write(Self.fields)], reasons: [], status: .pending)
        outbox.evolve(plan, previousKeys: [], at: 2)
        let json = try JSONEncoder().encode(outbox)
        var object = try #require(JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["digestVersion"] as? Int == WriteDigest.version)
        #expect(try JSONDecoder().decode(Outbox.self, from: json) == outbox)

        object["digestVersion"] = nil
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Outbox.self, from: old) }
    }
}
