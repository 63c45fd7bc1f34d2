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
}
