import Foundation
import PropertyBased
import Testing

@testable import SyncDomain

/// The audit's in-memory plans (``StoredPlan``): compact bytes that give back the plan exactly,
/// and snapshots written with the log's encoding of the plan (the earlier format) still load.
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

    @Test("a stored plan gives back the plan it was made of")
    func roundTrip() async {
        await propertyCheck(count: 1000, input: Self.plans) { plan in
            let stored = StoredPlan(plan)
            #expect(stored.plan == plan)
            #expect(stored.bytes.first == PlanBytes.magic)
            // Deterministic: the same plan gives the same bytes.
            #expect(StoredPlan(plan) == stored)
        }
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

    @Test("a snapshot holding a plan in the log's encoding (the earlier format) loads as the same stored plan")
    func earlierFormatLoads() async throws {
        await propertyCheck(count: 200, input: Self.plans) { plan in
            var w = BinaryWriter(capacity: 512)
            plan.encode(to: &w)
            let json = "[\"\(Base64.encode(w.bytes))\"]"
            let back = try? JSONDecoder().decode([StoredPlan].self, from: Data(json.utf8))
            #expect(back == [StoredPlan(plan)])
            #expect(back?.first?.plan == plan)
        }
    }

    @Test("bytes that are not a plan decode to nil, never a crash")
    func damagedBytes() {
        let plan = ActivityPlanned(
            activityId: "act_1", activityPosition: 7,
            writes: [
                PlannedWrite(
                    syncKey: "k", object: .task, operation: .upsert, fields: [WriteField("Subject", .string("Hi"))])
            ],
            reasons: [Reason(rule: "S1", text: "subject format S1")], status: .pending)
        let bytes = StoredPlan(plan).bytes
        for n in 0..<bytes.count { #expect(PlanBytes.decode(Array(bytes.prefix(n))) == nil) }
        #expect(PlanBytes.decode(bytes) == plan)
    }

    /// A plan with every kind of field, names in and out of the code table, and unknown fields.
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
        r.unknownFields = UnknownFields(bytes: [0x01])
        var p = ActivityPlanned(
            activityId: "act_golden_000000000000001", activityPosition: 123_456_789, writes: [w1, w2],
            reasons: [Reason(rule: "X1", text: "t"), r], status: .notSynced)
        p.unknownFields = UnknownFields(bytes: [7, 7])
        return p
    }

    /// The bytes the encoder wrote before it was made one-pass (snapshots hold them).
    static let everyKindBytes = [
        "001a6163745f676f6c64656e5f303030303030303030303030303031959aef3a01020707022030313233343536373839",
        "616263646566303132333435363738396162636465660000039806010b010037456d61696c3a2048656c6c6f20746865",
        "72652c2061207375626a656374206c6f6e676572207468616e206669667465656e2062797465730d080901c0b8020c02",
        "f6a1abfef9620f040009437573746f6d5f5f63030a055310060212303033303030303030303030303031414141123030",
        "333030303030303030303030324141411407070005456d61696c0200d8046c6f6e6720626f64792074657874206c6f6e",
        "6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e672062",
        "6f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f6479",
        "2074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f6479207465",
        "7874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f6479207465787420",
        "6c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e",
        "6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e672062",
        "6f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f6479",
        "2074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f6479207465",
        "7874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f6479207465787420",
        "6c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e",
        "6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e672062",
        "6f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f64792074657874206c6f6e6720626f6479",
        "207465787420206665646362613938373635343332313066656463626139383736353433323130010100000202583101",
        "7400000252351477616974696e6720666f722061207265636f7264010103150f626f62406578616d706c652e636f6d27",
        "0474727565000c756e6c69737465642d6b65790176",
    ].joined()

    @Test("the compact format is unchanged: a plan with every kind of field encodes to the pinned bytes")
    func pinnedBytes() {
        let hex = StoredPlan(Self.everyKind()).bytes.map { b in
            String(b >> 4, radix: 16) + String(b & 15, radix: 16)
        }.joined()
        #expect(hex == Self.everyKindBytes)
    }

    @Test("a plan larger than the encoder's scratch encodes in full and gives back the plan")
    func planLargerThanScratch() {
        for length in [PlanBytes.scratchCapacity - 600, PlanBytes.scratchCapacity, 3 * PlanBytes.scratchCapacity] {
            let plan = Self.everyKind(description: String(repeating: "x", count: length))
            let stored = StoredPlan(plan)
            #expect(stored.bytes.count > length)
            #expect(stored.plan == plan)
        }
    }

    @Test("every table name gets its code; other names, look-alikes and U+212A spellings get none")
    func nameCodes() {
        let table = PlanBytes.NameTable.shared
        for (i, name) in PlanBytes.names.enumerated() {
            #expect(table.code(of: name) == i + 1)
            #expect(table.code(of: String(name.dropLast()) + "\u{0}") == nil)
        }
        #expect(table.code(of: "") == nil)
        #expect(table.code(of: "Subjecu") == nil)
        #expect(table.code(of: "subject") == nil)
        #expect(table.code(of: "Synclog_Key__c ") == nil)
        #expect(table.code(of: "TaskSubtype") == PlanBytes.names.firstIndex(of: "TaskSubtype").map { $0 + 1 })
        // Canonically equal to a table name (U+212A is K) but not spelt so: stored spelt out, and
        // read back as spelt.
        let kelvin = "Synclog_\u{212A}ey__c"
        #expect(kelvin == "Synclog_Key__c")
        #expect(table.code(of: kelvin) == nil)
        let plan = ActivityPlanned(
            activityId: "a", activityPosition: 1, writes: [],
            reasons: [Reason(rule: "R1", text: "t", data: [.init(kelvin, "v")])], status: .pending)
        #expect(StoredPlan(plan).plan?.reasons.first?.data.first?.key.unicodeScalars.elementsEqual(kelvin.unicodeScalars) == true)
    }
}
