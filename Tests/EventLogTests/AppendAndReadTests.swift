import EventLog
import Foundation
import Testing

@Suite("Appending and reading")
struct AppendAndReadTests {
    @Test("The first event is at position 1, and reads return what was appended")
    func firstEventIsAtOne() async throws {
        try await withTemporaryLog { log, _ in
            #expect(try log.lastPosition() == 0)
            #expect(try log.event(at: 1) == nil)
            let result = try await log.append(NewEvent(id: "a", payload: [1, 2, 3]))
            #expect(result == .appended(position: 1))
            #expect(try log.lastPosition() == 1)
            #expect(try log.event(at: 1) == StoredEvent(position: 1, id: "a", payload: [1, 2, 3]))
            #expect(try log.position(ofEventID: "a") == 1)
            #expect(try log.position(ofEventID: "b") == nil)
        }
    }

    @Test("A batch is stored in order under consecutive positions")
    func batchInOrder() async throws {
        try await withTemporaryLog { log, _ in
            _ = try await log.append(sampleEvent(0))
            let batch = (1...5).map { sampleEvent($0) }
            let results = try await log.append(contentsOf: batch)
            #expect(results == (2...6).map { .appended(position: UInt64($0)) })
            let stored = try allEvents(log)
            #expect(stored.map(\.id) == (0...5).map { "evt-\($0)" })
            #expect(stored.map(\.payload) == (0...5).map { samplePayload($0) })
            #expect(stored.map(\.position) == Array(1...6))
        }
    }

    @Test("An empty payload and a non-ASCII id round-trip")
    func emptyPayloadAndUnicodeID() async throws {
        try await withTemporaryLog { log, _ in
            _ = try await log.append(NewEvent(id: "événement-✓", payload: []))
            #expect(try log.event(at: 1) == StoredEvent(position: 1, id: "événement-✓", payload: []))
            #expect(try log.position(ofEventID: "événement-✓") == 1)
            #expect(try await log.append(contentsOf: []) == [])
        }
    }

    @Test("Reading from the middle: scan, events(from:limit:), early stop, past the end")
    func readFromMiddle() async throws {
        try await withTemporaryLog { log, _ in
            _ = try await log.append(contentsOf: (1...100).map { sampleEvent($0) })

            var positions: [UInt64] = []
            try log.scan(from: 50) { position, payload in
                #expect(Array(payload) == samplePayload(Int(position)))
                positions.append(position)
                return true
            }
            #expect(positions == Array(50...100))

            #expect(try log.events(from: 40, limit: 5).map(\.position) == [40, 41, 42, 43, 44])
            #expect(try log.events(from: 40, limit: 5).map(\.id) == (40...44).map { "evt-\($0)" })

            var visited = 0
            try log.scan(from: 0) { _, _ in
                visited += 1
                return visited < 10
            }
            #expect(visited == 10)

            var pastEnd = 0
            try log.scan(from: 101) { _, _ in
                pastEnd += 1
                return true
            }
            #expect(pastEnd == 0)
            #expect(try log.event(at: 0) == nil)
            #expect(try log.event(at: 101) == nil)
            #expect(try log.event(at: 73)?.id == "evt-73")

            var ids: [String] = []
            try log.scanEvents(from: 98) { _, id, _ in
                ids.append(String(decoding: id, as: UTF8.self))
                return true
            }
            #expect(ids == ["evt-98", "evt-99", "evt-100"])
        }
    }

    @Test("A scan closure may read the log again")
    func nestedRead() async throws {
        try await withTemporaryLog { log, _ in
            _ = try await log.append(contentsOf: (1...3).map { sampleEvent($0) })
            var ids: [String] = []
            try log.scan(from: 1) { position, _ in
                ids.append(try log.event(at: position)?.id ?? "?")
                return true
            }
            #expect(ids == ["evt-1", "evt-2", "evt-3"])
        }
    }

    @Test("A log reopened after close keeps its events, ids and numbering")
    func reopenAfterClose() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/log"
            let first = try EventLog(directory: path)
            _ = try await first.append(contentsOf: (1...10).map { sampleEvent($0) })
            first.close()

            let second = try EventLog(directory: path)
            defer { second.close() }
            #expect(try second.lastPosition() == 10)
            #expect(try second.event(at: 10) == StoredEvent(position: 10, id: "evt-10", payload: samplePayload(10)))
            #expect(try await second.append(sampleEvent(11)) == .appended(position: 11))
            #expect(try await second.append(sampleEvent(3)) == .duplicate(existingPosition: 3))
        }
    }

    @Test("Statistics count events, positions, commits and sizes")
    func statistics() async throws {
        try await withTemporaryLog { log, _ in
            _ = try await log.append(contentsOf: (1...20).map { sampleEvent($0) })
            _ = try await log.append(sampleEvent(21))
            _ = try await log.append(sampleEvent(1))
            let statistics = try log.statistics()
            #expect(statistics.eventCount == 21)
            #expect(statistics.lastPosition == 21)
            #expect(statistics.commitCount == 3)
            #expect(statistics.appendedSinceOpen == 21)
            #expect(statistics.pageSize >= 4096)
            #expect(statistics.mapSize == 64 << 20)
            #expect(statistics.bytesUsed > 21 * 200)
            #expect(statistics.bytesUsed <= statistics.mapSize)
            #expect(statistics.mapGrowthCount == 0)
        }
    }

    @Test("A non-durable log (MDB_NOSYNC) appends and reopens")
    func nonDurable() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory, configuration: .init(durable: false))
            _ = try await log.append(contentsOf: (1...50).map { sampleEvent($0) })
            log.close()
            let reopened = try EventLog(directory: directory)
            defer { reopened.close() }
            #expect(try reopened.lastPosition() == 50)
        }
    }
}
