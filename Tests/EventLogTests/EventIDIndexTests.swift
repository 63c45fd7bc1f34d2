import EventLog
import Testing

/// The dedup index appends ids that sort after every indexed id and puts the others (see
/// EventIDIndexWriter): whichever path an id takes, an id is stored once and a repeat is told
/// the first position. Checked against a plain dictionary.
@Suite("D1: the event-ids index, in any order of ids")
struct EventIDIndexTests {
    /// Ids that exercise LMDB's key order: prefixes of each other, bytes above 0x7F (compared
    /// unsigned), equal lengths differing in the last byte, and long ids.
    static let pool: [String] = {
        var ids = ["a", "ab", "abc", "abd", "b", "z", "é", "éa", "zz", "\u{7F}", "evt-9", "evt-10", "evt-100"]
        ids += (0..<40).map { "act_\(String(repeating: "0", count: $0 % 5))\($0)" }
        ids += (0..<8).map { String(repeating: "x", count: 200 + $0) }
        return ids
    }()

    @Test("D1: ordered, reversed and shuffled ids, in batches and across a reopen, each stored once at its first position")
    func anyOrder() async throws {
        try await withTemporaryDirectory { directory in
            var random = SplitMix(seed: 42)
            var firstPosition: [String: UInt64] = [:]
            var next: UInt64 = 1
            var order = Self.pool.sorted()
            order += Self.pool.sorted().reversed()
            for _ in 0..<6 { order += Self.pool.shuffled(using: &random) }
            order += (0..<300).map { "late-\($0)" }  // increasing again after everything above
            order += order.shuffled(using: &random)

            var log = try EventLog(directory: directory + "/log")
            var start = 0
            var batches = 0
            while start < order.count {
                let size = Int.random(in: 1...40, using: &random)
                let ids = Array(order[start..<min(order.count, start + size)])
                start += ids.count
                batches += 1
                let results: [AppendResult]
                if ids.count == 1 {
                    results = [try await log.append(NewEvent(id: ids[0], payload: Array(ids[0].utf8)))]
                } else {
                    results = try await log.append(contentsOf: ids.map { NewEvent(id: $0, payload: Array($0.utf8)) })
                }
                for (id, result) in zip(ids, results) {
                    if let first = firstPosition[id] {
                        #expect(result == .duplicate(existingPosition: first), "\(id)")
                    } else {
                        #expect(result == .appended(position: next), "\(id)")
                        firstPosition[id] = next
                        next += 1
                    }
                }
                if batches == 20 {  // a reopen reads the largest id back from the index
                    log.close()
                    log = try EventLog(directory: directory + "/log")
                }
            }
            defer { log.close() }
            #expect(try log.lastPosition() == UInt64(firstPosition.count))
            for (id, position) in firstPosition {
                #expect(try log.position(ofEventID: id) == position, "\(id)")
                #expect(try log.event(at: position)?.id == id)
            }
            #expect(try log.position(ofEventID: "never-appended") == nil)
        }
    }

    @Test("D1: an id smaller than every indexed one, then the largest again, then a new largest")
    func smallerThenLarger() async throws {
        try await withTemporaryLog { log, _ in
            let singles = [
                try await log.append(NewEvent(id: "m", payload: [1])),
                try await log.append(NewEvent(id: "a", payload: [2])),
                try await log.append(NewEvent(id: "m", payload: [3])),
            ]
            #expect(singles == [.appended(position: 1), .appended(position: 2), .duplicate(existingPosition: 1)])
            let batch = try await log.append(contentsOf: [
                NewEvent(id: "z", payload: [4]), NewEvent(id: "b", payload: [5]), NewEvent(id: "z", payload: [6]),
                NewEvent(id: "a", payload: [7]), NewEvent(id: "zz", payload: [8]),
            ])
            #expect(batch == [
                .appended(position: 3), .appended(position: 4), .duplicate(existingPosition: 3),
                .duplicate(existingPosition: 2), .appended(position: 5),
            ])
            #expect(try allEvents(log).map(\.id) == ["m", "a", "z", "b", "zz"])
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failure repeats.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
