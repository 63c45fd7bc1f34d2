import Testing

@testable import SyncDomain
import SyncWorkloads

/// The outbox's set of open write slots (``SlotSet``): it must hold exactly what a `Set<Int32>`
/// holds under the same inserts and removes, iterate in increasing order, and compare by members.
@Suite("Slot set")
struct SlotSetTests {
    @Test("a seeded run of inserts and removes leaves exactly what a Set<Int32> holds, in increasing order")
    func matchesASet() {
        var slots = SlotSet()
        var reference = Set<Int32>()
        var random = SeededRandom(seed: 11)
        for step in 0..<20_000 {
            let s = Int32(random.below(step < 10_000 ? 300 : 5_000))
            if random.below(3) == 0 {
                slots.remove(s)
                reference.remove(s)
            } else {
                slots.insert(s)
                reference.insert(s)
            }
            #expect(slots.contains(s) == reference.contains(s))
        }
        #expect(slots.count == reference.count)
        #expect(Array(slots) == reference.sorted())
        for s: Int32 in [-1, 0, 63, 64, 4_999, 5_000, 1_000_000] { #expect(slots.contains(s) == reference.contains(s)) }
    }

    @Test("bit boundaries: slots 0, 63, 64 and 127 are kept apart; removing an absent or far slot changes nothing")
    func boundaries() {
        var slots = SlotSet([0, 63, 64, 127])
        #expect(Array(slots) == [0, 63, 64, 127])
        slots.remove(1_000_000)
        slots.remove(-1)
        slots.remove(62)
        #expect(slots.count == 4)
        slots.remove(63)
        #expect(Array(slots) == [0, 64, 127])
        #expect(SlotSet().isEmpty && Array(SlotSet()).isEmpty)
    }

    @Test("equal members are equal sets with equal hashes, however far the bitmap once grew")
    func equality() {
        var grown = SlotSet([5, 9_000])
        grown.remove(9_000)
        let small = SlotSet([5])
        #expect(grown == small)
        #expect(grown.hashValue == small.hashValue)
        #expect(SlotSet([5, 6]) != small)
        #expect(SlotSet([6]) != small)
    }
}
