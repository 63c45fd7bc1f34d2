import Foundation
import PropertyBased
import Testing

@testable import SyncDomain

/// The audit's in-memory plans (``StoredPlan``): the log's encoding of the plan, the bytes a
/// plan was read from kept as they are, and a plan made or changed since encoded again.
@Suite("Stored plans")
struct StoredPlanTests {
    static let plans = Generator<ActivityPlanned, Shrink.None<ActivityPlanned>> { rng in
        var r = ModelRandom(rng: rng)
        defer { rng = r.rng }
        var plan = ActivityPlanned(
            activityId: r.token(), activityPosition: UInt64(r.int(0...1_000_000_000)),
            writes: r.list(0...4) { $0.plannedWrite() }, reasons: r.list(0...6) { $0.reason() },
            status: r.pick(ActivityStatus.allCases))
        if r.bool() {
            // The planner's shapes: names from the code table, a sync-key field equal to the key.
            for i in plan.writes.indices {
                plan.writes[i].fields.append(WriteField("Synclog_Key__c", .string(plan.writes[i].syncKey)))
                plan.writes[i].fields.append(WriteField("Subject", .string(r.text())))
            }
            plan.reasons.append(
                Reason(rule: "R1", text: r.text(), data: [.init("address", r.email()), .init("record", r.sfid())]))
        }
        if r.bool() { plan.unknownFields = UnknownFields(bytes: [0x98, 0x06, 0x01]) }
        return plan
    }

    static func logEncoding(_ plan: ActivityPlanned) -> [UInt8] {
        var w = BinaryWriter(capacity: 512)
        plan.encode(to: &w)
        return w.bytes
    }

    @Test("a stored plan is the log's encoding of the plan and gives back the plan it was made of")
    func roundTrip() async {
        await propertyCheck(count: 1000, input: Self.plans) { plan in
            let stored = StoredPlan(plan)
            #expect(stored.bytes == Self.logEncoding(plan))
            #expect(stored.plan == plan)
            #expect(StoredPlan(plan) == stored)
        }
    }

    @Test("a plan read from the log is stored as the bytes it was read from, not encoded again")
    func readPlanKeepsItsBytes() throws {
        // An unknown field first: encoding the decoded plan again would write it last.
        let original = [0x98, 0x06, 0x01] + Self.logEncoding(Self.everyKind())
        let plan = try #require(StoredPlan.decode(original))
        #expect(Self.logEncoding(plan) != original)
        #expect(StoredPlan(plan).bytes == original)
        #expect(StoredPlan(plan).plan == plan)
        // Through a whole log record, as a replay reads it.
        let envelope = EventEnvelope(
            id: EventID("plan/act_1/1"), workspace: "acme", recordedAt: Timestamp(millisecondsSinceEpoch: 1),
            event: .activityPlanned(Self.everyKind()))
        let read = try EventEnvelope(binary: envelope.binaryEncoded())
        guard case .activityPlanned(let p) = read.event else { Issue.record("not a plan"); return }
        #expect(StoredPlan(p).bytes == Self.logEncoding(Self.everyKind()))
        #expect(p.encoded != nil)
    }

    @Test("a plan changed after it was read is encoded again; how a plan was read is not part of its value")
    func changedPlanIsEncodedAgain() throws {
        let original = [0x98, 0x06, 0x01] + Self.logEncoding(Self.everyKind())
        let plan = try #require(StoredPlan.decode(original))
        #expect(plan == Self.everyKind().withUnknownFirst)
        #expect(plan.hashValue == Self.everyKind().withUnknownFirst.hashValue)
        var changed = plan
        changed.status = .pending
        #expect(changed.encoded == nil)
        #expect(StoredPlan(changed).bytes == Self.logEncoding(changed))
        #expect(StoredPlan(changed).plan?.status == .pending)
        var rewritten = plan
        rewritten.writes[0].fields[0].value = .string("Email: another subject")
        #expect(StoredPlan(rewritten).plan == rewritten)
    }

    @Test("a stored plan survives a snapshot (JSON) round trip")
    func codableRoundTrip() async throws {
        await propertyCheck(count: 200, input: Self.plans) { plan in
            let stored = StoredPlan(plan)
            let data = try? JSONEncoder().encode([stored])
            let back = data.flatMap { try? JSONDecoder().decode([StoredPlan].self, from: $0) }
            #expect(back == [stored])
        }
    }

    @Test("bytes that are not a plan decode to nil, never a crash; a snapshot holding them is refused")
    func damagedBytes() throws {
        let plan = ActivityPlanned(
            activityId: "act_1", activityPosition: 7,
            writes: [
                PlannedWrite(
                    syncKey: "k", object: .task, operation: .upsert, fields: [WriteField("Subject", .string("Hi"))])
            ],
            reasons: [Reason(rule: "S1", text: "subject format S1")], status: .pending)
        let bytes = StoredPlan(plan).bytes
        for n in 0..<bytes.count { #expect(StoredPlan.decode(Array(bytes.prefix(n))) == nil) }
        #expect(StoredPlan.decode(bytes) == plan)
        // The compact format of earlier versions (magic byte 0) is not a plan in the log's encoding.
        let json = "[\"\(Base64.encode([0x00, 0x05] + Array("act_1".utf8)))\"]"
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([StoredPlan].self, from: Data(json.utf8)) }
    }

    /// A plan with every kind of field, and unknown fields (valid fields of numbers no version uses).
    static func everyKind(description: String = String(repeating: "long body text ", count: 40)) -> ActivityPlanned {
        var w1 = PlannedWrite(
            syncKey: "0123456789abcdef0123456789abcdef", object: .task, operation: .upsert,
            fields: [
                WriteField("Subject", .string("Email: Hello there, a subject longer than fifteen bytes")),
                WriteField("Synclog_Key__c", .string("0123456789abcdef0123456789abcdef")),
                WriteField("ActivityDate", .date(LocalDate(daysSinceEpoch: 20_000))),
                WriteField("MixmaxActivityDateTime__c", .dateTime(Timestamp(millisecondsSinceEpoch: 1_700_000_000_123))),
                WriteField("IsAllDayEvent", .bool(true)), WriteField("Custom__c", .bool(false)),
                WriteField("CallDurationInSeconds", .int(-42)),
                WriteField("TaskWhoIds", .idList(["003000000000001AAA", "003000000000002AAA"])),
                WriteField("Location", .null), WriteField("TaskSubtype", .string("Email")),
                WriteField("Description", .string(description)),
            ])
        w1.unknownFields = UnknownFields(bytes: [0x98, 0x06, 0x01])
        let w2 = PlannedWrite(syncKey: "fedcba9876543210fedcba9876543210", object: .event, operation: .delete, fields: [])
        var r = Reason(
            rule: "R5", text: "waiting for a record",
            data: [.init("address", "bob@example.com"), .init("waiting", "true"), .init("unlisted-key", "v")])
        r.unknownFields = UnknownFields(bytes: [0xA8, 0x06, 0x01])
        var p = ActivityPlanned(
            activityId: "act_golden_000000000000001", activityPosition: 123_456_789, writes: [w1, w2],
            reasons: [Reason(rule: "X1", text: "t"), r], status: .notSynced)
        p.unknownFields = UnknownFields(bytes: [0xA0, 0x06, 0x07])
        return p
    }

    @Test("a large plan (a long description) is stored in full and gives back the plan")
    func largePlan() {
        for length in [400, 1024, 3 * 1024] {
            let plan = Self.everyKind(description: String(repeating: "x", count: length))
            let stored = StoredPlan(plan)
            #expect(stored.bytes.count > length)
            #expect(stored.plan == plan)
        }
    }

    @Test("a name canonically equal to another but spelt otherwise (U+212A) is given back as spelt")
    func spellingsKept() {
        let kelvin = "Synclog_\u{212A}ey__c"
        #expect(kelvin == "Synclog_Key__c")
        let plan = ActivityPlanned(
            activityId: "a", activityPosition: 1, writes: [],
            reasons: [Reason(rule: "R1", text: "t", data: [.init(kelvin, "v")])], status: .pending)
        #expect(StoredPlan(plan).plan?.reasons.first?.data.first?.key.unicodeScalars.elementsEqual(kelvin.unicodeScalars) == true)
    }
}

extension ActivityPlanned {
    /// The same plan with an unknown field read before the others (kept among its unknown fields).
    fileprivate var withUnknownFirst: ActivityPlanned {
        var p = self
        p.unknownFields = UnknownFields(bytes: [0x98, 0x06, 0x01] + unknownFields.bytes)
        return p
    }
}
