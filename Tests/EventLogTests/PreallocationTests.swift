import Foundation
import Testing

@testable import EventLog

@Suite("data.mdb written ahead: durable commits overwrite allocated blocks")
struct PreallocationTests {
    @Test("A durable log keeps zeros written ahead of its last page, and reads everything back after reopening")
    func durableLogKeepsAZeroTail() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory)
            // Batches of 100 (about 21 KB): small enough to top the tail up.
            for batch in 0..<300 {
                _ = try await log.append(contentsOf: (0..<100).map { sampleEvent(batch * 100 + $0) })
            }
            let statistics = try log.statistics()
            let tail = statistics.fileBytes - statistics.bytesUsed
            #expect(tail > 0, "data.mdb has no tail beyond the used pages")
            #expect(tail <= DataFilePreallocation.tailTarget(usedBytes: statistics.bytesUsed, pageSize: statistics.pageSize))
            log.close()

            // Nothing past the last used page is anything but zeros.
            let file = try #require(FileHandle(forReadingAtPath: directory + "/data.mdb"))
            try file.seek(toOffset: UInt64(statistics.bytesUsed))
            let rest = try file.readToEnd() ?? Data()
            try file.close()
            #expect(rest.count == tail)
            #expect(rest.allSatisfy { $0 == 0 })

            let reopened = try EventLog(directory: directory)
            defer { reopened.close() }
            #expect(try reopened.lastPosition() == 30_000)
            _ = try await reopened.append(contentsOf: (30_000..<31_000).map { sampleEvent($0) })
            var count = 0
            try reopened.scanEvents(from: 1) { position, id, payload in
                count += 1
                #expect(String(decoding: id, as: UTF8.self) == "evt-\(position - 1)")
                #expect(Array(payload) == samplePayload(Int(position) - 1))
                return true
            }
            #expect(count == 31_000)
        }
    }

    @Test("Without preallocation, or without sync, data.mdb is exactly the used pages")
    func noTailWhenOffOrNotDurable() async throws {
        for configuration in [EventLog.Configuration(preallocatesDataFile: false), EventLog.Configuration(durable: false)] {
            try await withTemporaryLog(configuration) { log, _ in
                for batch in 0..<10 {
                    _ = try await log.append(contentsOf: (0..<1000).map { sampleEvent(batch * 1000 + $0) })
                }
                let statistics = try log.statistics()
                #expect(statistics.fileBytes == statistics.bytesUsed)
            }
        }
    }

    @Test("A transaction storing more than 64 KiB writes no zeros: for a big batch the bytes cost more than the flush saves")
    func bigTransactionsWriteNoZeros() async throws {
        try await withTemporaryLog { log, _ in
            _ = try await log.append(contentsOf: (0..<1000).map { sampleEvent($0) })
            let afterBig = try log.statistics()
            #expect(afterBig.fileBytes == afterBig.bytesUsed)
            _ = try await log.append(sampleEvent(1000))
            let afterSmall = try log.statistics()
            #expect(afterSmall.fileBytes > afterSmall.bytesUsed)
        }
    }

    @Test("A log opened durable after growing without sync gets its tail 1 MiB per transaction, up to an eighth of the log")
    func tailIsToppedUpAtMostOneMiBPerTransaction() async throws {
        try await withTemporaryDirectory { directory in
            let unsynced = try EventLog(directory: directory, configuration: .init(durable: false))
            for batch in 0..<80 {
                _ = try await unsynced.append(contentsOf: (0..<1000).map { sampleEvent(batch * 1000 + $0) })
            }
            let before = try unsynced.statistics()
            #expect(before.fileBytes == before.bytesUsed)
            #expect(DataFilePreallocation.tailTarget(usedBytes: before.bytesUsed, pageSize: before.pageSize) > 2 << 20)
            unsynced.close()

            let log = try EventLog(directory: directory)
            defer { log.close() }
            _ = try await log.append(sampleEvent(80_000))
            let afterOne = try log.statistics()
            #expect(afterOne.fileBytes - afterOne.bytesUsed > 0)
            #expect(afterOne.fileBytes - before.fileBytes <= DataFilePreallocation.bufferSize)
            _ = try await log.append(sampleEvent(80_001))
            let afterTwo = try log.statistics()
            #expect(afterTwo.fileBytes - before.fileBytes > DataFilePreallocation.bufferSize)
            #expect(afterTwo.fileBytes - afterOne.fileBytes <= DataFilePreallocation.bufferSize)
            #expect(try log.lastPosition() == 80_002)
        }
    }

    @Test("The tail's target is an eighth of the log, in whole pages, from 256 KiB to 16 MiB")
    func chunkGrowsWithTheLog() {
        let page = 4096
        #expect(DataFilePreallocation.tailTarget(usedBytes: 0, pageSize: page) == 256 << 10)
        #expect(DataFilePreallocation.tailTarget(usedBytes: 1 << 20, pageSize: page) == 256 << 10)
        #expect(DataFilePreallocation.tailTarget(usedBytes: 8 << 20, pageSize: page) == 1 << 20)
        #expect(DataFilePreallocation.tailTarget(usedBytes: (8 << 20) + 100, pageSize: page) == (1 << 20) + page)
        #expect(DataFilePreallocation.tailTarget(usedBytes: 1 << 30, pageSize: page) == 16 << 20)
    }

    @Test("Group-committed appenders on a preallocated log: every one acknowledged, no gaps")
    func groupCommitOverTheTail() async throws {
        try await withTemporaryLog { log, _ in
            let positions = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for appender in 0..<16 {
                    group.addTask {
                        var positions: [UInt64] = []
                        for index in 0..<200 {
                            if case .appended(let position) = try await log.append(sampleEvent(appender * 1000 + index)) {
                                positions.append(position)
                            }
                        }
                        return positions
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(positions.sorted() == Array(1...3200))
            let statistics = try log.statistics()
            #expect(statistics.fileBytes > statistics.bytesUsed)
        }
    }
}
