import EventLog
import Testing

@Suite("Group commit and idempotency under concurrency")
struct GroupCommitTests {
    @Test("64 concurrent appenders x 200: all acknowledged, no gaps, fewer commits than appends")
    func concurrentAppenders() async throws {
        try await withTemporaryLog { log, _ in
            let tasks = 64
            let perTask = 200
            let perTaskPositions = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        var positions: [UInt64] = []
                        for index in 0..<perTask {
                            let result = try await log.append(NewEvent(id: "t\(task)-\(index)", payload: samplePayload(index)))
                            guard case .appended(let position) = result else {
                                Issue.record("fresh id t\(task)-\(index) was reported as a duplicate")
                                continue
                            }
                            positions.append(position)
                        }
                        return positions
                    }
                }
                var all: [[UInt64]] = []
                for try await positions in group { all.append(positions) }
                return all
            }
            // Each task's own appends are ordered, and together they fill 1...N exactly.
            for positions in perTaskPositions {
                #expect(positions == positions.sorted())
            }
            #expect(perTaskPositions.flatMap { $0 }.sorted() == Array(1...UInt64(tasks * perTask)))
            #expect(try log.lastPosition() == UInt64(tasks * perTask))

            let statistics = try log.statistics()
            #expect(statistics.eventCount == tasks * perTask)
            #expect(statistics.appendedSinceOpen == tasks * perTask)
            #expect(statistics.commitCount < tasks * perTask, "group commit should coalesce concurrent appends")

            // Every id reads back at its position.
            var expected: UInt64 = 1
            try log.scanEvents(from: 1) { position, id, _ in
                #expect(position == expected)
                expected += 1
                return true
            }
            #expect(try log.position(ofEventID: "t17-123").flatMap { try log.event(at: $0)?.id } == "t17-123")
        }
    }

    @Test("D1: the same event id from two tasks at once is stored once; the other gets the same position")
    func sameIDFromTwoTasks() async throws {
        try await withTemporaryLog { log, _ in
            for round in 0..<100 {
                let event = NewEvent(id: "activity-\(round)", payload: samplePayload(round))
                async let first = log.append(event)
                async let second = log.append(event)
                let results = try await [first, second]
                #expect(results.filter(\.isDuplicate).count == 1, "round \(round): \(results)")
                #expect(results[0].position == results[1].position)
            }
            #expect(try log.lastPosition() == 100)
            #expect(try log.statistics().eventCount == 100)
        }
    }

    @Test("D1: an id repeated in one batch, or already in the log, is stored once")
    func duplicatesInBatch() async throws {
        try await withTemporaryLog { log, _ in
            _ = try await log.append(sampleEvent(1))
            let results = try await log.append(contentsOf: [sampleEvent(2), sampleEvent(1), sampleEvent(2), sampleEvent(3)])
            #expect(results == [
                .appended(position: 2), .duplicate(existingPosition: 1),
                .duplicate(existingPosition: 2), .appended(position: 3),
            ])
            #expect(try allEvents(log).map(\.id) == ["evt-1", "evt-2", "evt-3"])
        }
    }

    @Test("Concurrent batches each land contiguously and in order")
    func concurrentBatches() async throws {
        try await withTemporaryLog { log, _ in
            let batches = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
                for batch in 0..<16 {
                    group.addTask {
                        try await log.append(contentsOf: (0..<100).map { sampleEvent($0, prefix: "b\(batch)") })
                    }
                }
                var all: [[AppendResult]] = []
                for try await results in group { all.append(results) }
                return all
            }
            for results in batches {
                let positions = results.map(\.position)
                #expect(positions == Array(positions[0]..<positions[0] + 100))
            }
            #expect(try log.lastPosition() == 1600)
        }
    }

    @Test("Single appends, batches and checkpoints in the same groups each get their own results")
    func mixedRequestsInOneGroup() async throws {
        try await withTemporaryLog { log, _ in
            let results = try await withThrowingTaskGroup(of: (String, [AppendResult]).self) { group in
                for task in 0..<32 {
                    group.addTask {
                        var mine: [AppendResult] = []
                        for index in 0..<20 {
                            if task % 2 == 0 {
                                mine.append(try await log.append(sampleEvent(index, prefix: "s\(task)")))
                            } else {
                                // A batch that repeats its first id: a duplicate of it in the same group.
                                let batch = [sampleEvent(index, prefix: "b\(task)"), sampleEvent(index, prefix: "b\(task)")]
                                mine.append(contentsOf: try await log.append(contentsOf: batch))
                            }
                            if index % 5 == 0 {
                                try await log.saveCheckpoint("task-\(task)", position: UInt64(index), snapshot: [UInt8(index)])
                            }
                        }
                        return ("\(task)", mine)
                    }
                }
                var all: [String: [AppendResult]] = [:]
                for try await (task, mine) in group { all[task] = mine }
                return all
            }
            for task in 0..<32 {
                let mine = results["\(task)"] ?? []
                if task % 2 == 0 {
                    #expect(mine.count == 20 && mine.allSatisfy { !$0.isDuplicate })
                    for (index, result) in mine.enumerated() {
                        #expect(try log.event(at: result.position)?.id == "s\(task)-\(index)")
                    }
                } else {
                    #expect(mine.count == 40)
                    for index in 0..<20 {
                        #expect(mine[2 * index + 1] == .duplicate(existingPosition: mine[2 * index].position))
                        #expect(try log.event(at: mine[2 * index].position)?.id == "b\(task)-\(index)")
                    }
                }
                #expect(try log.checkpoint("task-\(task)") == Checkpoint(position: 15, snapshot: [15]))
            }
            #expect(try log.lastPosition() == 32 * 20)
            // 32 x 24 requests; durable commits are slow enough that they were grouped.
            #expect(try log.statistics().commitCount < 32 * 24)
        }
    }
}
