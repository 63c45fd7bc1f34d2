import EventLog
import Foundation
import Testing

@Suite("Map growth, checkpoints, side tables, backup")
struct StorageTests {
    @Test("A log that outgrows a 1 MiB map keeps appending and reads everything back")
    func mapGrowth() async throws {
        try await withTemporaryLog(.init(initialMapSize: 1 << 20)) { log, _ in
            for batch in 0..<40 {
                _ = try await log.append(contentsOf: (0..<250).map { sampleEvent(batch * 250 + $0) })
            }
            // One batch bigger than twice the current map: the redo must grow more than once.
            let big = (0..<3000).map { NewEvent(id: "big-\($0)", payload: samplePayload($0, size: 1000)) }
            _ = try await log.append(contentsOf: big)
            // Single appends after growth still work.
            #expect(try await log.append(sampleEvent(10_000)) == .appended(position: 13_001))

            let statistics = try log.statistics()
            #expect(statistics.mapGrowthCount >= 3)
            #expect(statistics.mapSize > 1 << 20)
            #expect(statistics.eventCount == 13_001)
            var count = 0
            try log.scanEvents(from: 1) { position, id, payload in
                count += 1
                let id = String(decoding: id, as: UTF8.self)
                if id.hasPrefix("big-") {
                    #expect(Array(payload) == samplePayload(Int(id.dropFirst(4))!, size: 1000))
                } else {
                    #expect(Array(payload) == samplePayload(Int(id.dropFirst(4))!))
                }
                return true
            }
            #expect(count == 13_001)
        }
    }

    @Test("A reopened log larger than its initial map size opens and appends")
    func reopenLargerThanMap() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory, configuration: .init(initialMapSize: 1 << 20))
            _ = try await log.append(contentsOf: (0..<20_000).map { sampleEvent($0) })
            log.close()
            let reopened = try EventLog(directory: directory, configuration: .init(initialMapSize: 1 << 20))
            defer { reopened.close() }
            _ = try await reopened.append(contentsOf: (20_000..<25_000).map { sampleEvent($0) })
            #expect(try reopened.lastPosition() == 25_000)
        }
    }

    @Test("A checkpoint is saved with the position it reflects, replaced, and kept across reopen")
    func checkpoints() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory)
            #expect(try log.checkpoint("known-records") == nil)
            _ = try await log.append(contentsOf: (1...5).map { sampleEvent($0) })
            try await log.saveCheckpoint("known-records", position: 5, snapshot: [9, 8, 7])
            try await log.saveCheckpoint("outbox", position: 3, snapshot: [])
            #expect(try log.checkpoint("known-records") == Checkpoint(position: 5, snapshot: [9, 8, 7]))
            #expect(try log.checkpoint("outbox") == Checkpoint(position: 3, snapshot: []))

            try await log.saveCheckpoint("known-records", position: 5, snapshot: Array(repeating: 1, count: 100_000))
            log.close()

            let reopened = try EventLog(directory: directory)
            defer { reopened.close() }
            #expect(try reopened.checkpoint("known-records") == Checkpoint(position: 5, snapshot: Array(repeating: 1, count: 100_000)))
            #expect(try reopened.checkpoint("outbox")?.position == 3)
            #expect(try reopened.checkpoint("engagement") == nil)
        }
    }

    @Test("Side records are numbered per table from 1, kept in order, and kept across reopen")
    func sideRecords() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory)
            #expect(try await log.appendSideRecord(table: "dead-letters", Array("first".utf8)) == 1)
            #expect(try await log.appendSideRecord(table: "dead-letters", Array("second".utf8)) == 2)
            #expect(try await log.appendSideRecord(table: "other", []) == 1)
            #expect(try await log.appendSideRecord(table: "dead-letters", Array("third".utf8)) == 3)
            // Side records do not take event positions.
            #expect(try log.lastPosition() == 0)
            log.close()

            let reopened = try EventLog(directory: directory)
            defer { reopened.close() }
            var records: [(UInt64, String)] = []
            try reopened.scanSideRecords(table: "dead-letters") { key, bytes in
                records.append((key, String(decoding: bytes, as: UTF8.self)))
                return true
            }
            #expect(records.map(\.0) == [1, 2, 3])
            #expect(records.map(\.1) == ["first", "second", "third"])

            var fromTwo: [UInt64] = []
            try reopened.scanSideRecords(table: "dead-letters", from: 2) { key, _ in
                fromTwo.append(key)
                return true
            }
            #expect(fromTwo == [2, 3])

            var other: [Int] = []
            try reopened.scanSideRecords(table: "other") { _, bytes in
                other.append(bytes.count)
                return true
            }
            #expect(other == [0])

            var never = 0
            try reopened.scanSideRecords(table: "never-written") { _, _ in
                never += 1
                return true
            }
            #expect(never == 0)
            #expect(try await reopened.appendSideRecord(table: "dead-letters", Array("fourth".utf8)) == 4)
        }
    }

    @Test("Concurrent side records and events go through the same writer")
    func sideRecordsWithEvents() async throws {
        try await withTemporaryLog { log, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<50 {
                    group.addTask { _ = try await log.append(sampleEvent(index)) }
                    group.addTask { _ = try await log.appendSideRecord(table: "rejected", samplePayload(index, size: 10)) }
                }
                try await group.waitForAll()
            }
            var keys: [UInt64] = []
            try log.scanSideRecords(table: "rejected") { key, _ in
                keys.append(key)
                return true
            }
            #expect(keys == Array(1...50))
            #expect(try log.lastPosition() == 50)
        }
    }

    @Test("A backup taken while an appender runs opens with the same events")
    func backupWhileAppending() async throws {
        try await withTemporaryLog { log, directory in
            _ = try await log.append(contentsOf: (0..<1000).map { sampleEvent($0) })
            try await log.saveCheckpoint("known-records", position: 1000, snapshot: [1, 2])
            let appender = Task {
                var batch = 1
                while !Task.isCancelled {
                    _ = try await log.append(contentsOf: (0..<100).map { sampleEvent(batch * 1000 + $0, prefix: "live") })
                    batch += 1
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            let backupDirectory = directory + "/backup"
            try log.backup(to: backupDirectory)
            try await Task.sleep(for: .milliseconds(50))
            appender.cancel()
            _ = try? await appender.value

            let copy = try EventLog(directory: backupDirectory)
            defer { copy.close() }
            let copied = try allEvents(copy)
            #expect(copied.count >= 1000)
            #expect(copied.map(\.position) == Array(1...UInt64(copied.count)))
            #expect(copied == (try log.events(from: 1, limit: copied.count)))
            #expect(try log.lastPosition() > UInt64(copied.count), "the appender kept going after the backup")
            #expect(try copy.checkpoint("known-records") == Checkpoint(position: 1000, snapshot: [1, 2]))
            #expect(try copy.position(ofEventID: "evt-999") == 1000)
            // The copy is a working log.
            #expect(try await copy.append(sampleEvent(999)) == .duplicate(existingPosition: 1000))

            // A second backup into the same place is refused rather than mixed in.
            #expect { try log.backup(to: backupDirectory) } throws: { error in
                (error as? EventLogError)?.code == .backupFailed
                    && (error as? EventLogError)?.message.contains(backupDirectory) == true
            }
        }
    }
}
