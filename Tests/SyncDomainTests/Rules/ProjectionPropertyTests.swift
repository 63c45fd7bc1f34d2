import Foundation
import PropertyBased
import SyncDomain
import SyncWorkloads
import Testing

/// Properties of the fold (design "The one idea"): replay equals the live state however the
/// log is split, snapshot + tail equals full replay, planning is deterministic, duplicates change nothing.
@Suite("Projection properties")
struct ProjectionPropertyTests {
    static func smallShape(_ seed: Int) -> WorkspaceWorkload.Shape {
        WorkspaceWorkload.Shape(seed: UInt64(seed), users: 5, accounts: 20, contactsPerAccount: 3, leads: 30, customRecords: 10,
                                activities: 250, sharedActivities: seed % 2 == 0, meanGapMilliseconds: 600_000)
    }

    /// Runs the store loop with a simulated dispatcher.
    static func live(_ seed: Int) -> SyncLoop {
        var loop = SyncLoop()
        var random = SeededRandom(seed: UInt64(seed) &+ 7)
        var n = 0
        for e in WorkspaceWorkload(smallShape(seed)) {
            loop.append(e)
            n += 1
            if n % 20 == 0 { loop.dispatch(at: e.recordedAt, workspace: "acme", random: &random) }
        }
        return loop
    }

    static func fold(_ events: ArraySlice<EventEnvelope>, from start: Int, into state: inout SyncState) {
        for (i, e) in zip(events.indices, events) { state.evolve(e, at: UInt64(i - start + 1 + start)) }
    }

    @Test("replaying the log gives the live state, however it is split into batches with snapshots between them")
    func replayInBatches() async {
        await propertyCheck(count: 12, input: Gen.int(in: 1...10_000), Gen.int(in: 1...6)) { seed, pieces in
            let loop = Self.live(seed)
            let events = loop.events
            // Full replay, event by event.
            var full = SyncState.initial
            for (i, e) in events.enumerated() { full.evolve(e, at: UInt64(i + 1)) }
            #expect(full == loop.state)
            // Split into batches; between batches, store and load a snapshot.
            var rng = SeededRandom(seed: UInt64(seed * 31 + pieces))
            let cuts = (0..<pieces).map { _ in rng.below(events.count) }.sorted()
            var state = SyncState.initial
            var start = 0
            for cut in cuts + [events.count] {
                for i in start..<max(start, cut) { state.evolve(events[i], at: UInt64(i + 1)) }
                start = max(start, cut)
                let data = try! JSONEncoder().encode(state)
                state = try! JSONDecoder().decode(SyncState.self, from: data)
            }
            #expect(state == loop.state)
        }
    }

    @Test("snapshot + tail equals full replay, and an overlapping tail changes nothing")
    func snapshotPlusTail() async {
        await propertyCheck(count: 8, input: Gen.int(in: 1...10_000)) { seed in
            let loop = Self.live(seed)
            let events = loop.events
            let cut = events.count / 2
            var head = SyncState.initial
            for i in 0..<cut { head.evolve(events[i], at: UInt64(i + 1)) }
            var restored = try! JSONDecoder().decode(SyncState.self, from: try! JSONEncoder().encode(head))
            for i in max(0, cut - 10)..<events.count { restored.evolve(events[i], at: UInt64(i + 1)) }
            #expect(restored == loop.state)
        }
    }

    @Test("planning is deterministic: the same inputs give the same log, byte for byte")
    func deterministicPlanning() async {
        await propertyCheck(count: 6, input: Gen.int(in: 1...10_000)) { seed in
            let a = Self.live(seed).events.map { $0.binaryEncoded() }
            let b = Self.live(seed).events.map { $0.binaryEncoded() }
            #expect(a == b)
            #expect(a.count > 250)
        }
    }

    @Test("appending a duplicate activity changes nothing (D1)")
    func duplicateChangesNothing() async {
        await propertyCheck(count: 8, input: Gen.int(in: 1...10_000), Gen.int(in: 0...10_000)) { seed, pick in
            var loop = Self.live(seed)
            let activities = loop.events.filter { if case .activity = $0.event { return true } else { return false } }
            let chosen = activities[pick % activities.count]
            let before = loop.state
            let count = loop.events.count
            #expect(loop.append(chosen) == false)
            #expect(loop.state == before && loop.events.count == count)
        }
    }
}
