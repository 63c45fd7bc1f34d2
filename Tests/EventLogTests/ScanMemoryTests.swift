import EventLog
import Testing

@Suite("Long scans release the map's pages as they go")
struct ScanMemoryTests {
    @Test("A scan of a log many times the release threshold returns every event, in order, and releases pages")
    func longScanReleases() async throws {
        // 64 KiB threshold, ~4.5 MB of events: some 70 releases in one scan.
        try await withTemporaryLog(.init(scanReleaseBytes: 64 << 10)) { log, _ in
            let count = 20_000
            for start in stride(from: 0, to: count, by: 2_000) {
                _ = try await log.append(contentsOf: (start..<start + 2_000).map { sampleEvent($0) })
            }
            let before = try log.statistics().scanReleaseCount
            var expected: UInt64 = 1
            try log.scanEvents(from: 1) { position, id, payload in
                #expect(position == expected)
                #expect(String(decoding: id, as: UTF8.self) == "evt-\(position - 1)")
                #expect(Array(payload) == samplePayload(Int(position - 1)))
                expected += 1
                return true
            }
            #expect(expected == UInt64(count) + 1)
            let releases = try log.statistics().scanReleaseCount - before
            #expect(releases >= 60, "a 4.5 MB scan with a 64 KiB threshold released \(releases) times")

            // A scan from the middle, stopped early, and a short one: both still exact.
            var seen: [UInt64] = []
            try log.scan(from: 15_000) { position, _ in
                seen.append(position)
                return seen.count < 3_000
            }
            #expect(seen == Array(15_000..<18_000))
        }
    }

    @Test("Pages released under a running scan, with appends and nested reads meanwhile, read back unchanged")
    func releaseWithConcurrentWriterAndNestedReads() async throws {
        try await withTemporaryLog(.init(durable: false, scanReleaseBytes: 32 << 10)) { log, _ in
            _ = try await log.append(contentsOf: (0..<10_000).map { sampleEvent($0) })
            let writer = Task {
                for index in 10_000..<12_000 { _ = try await log.append(sampleEvent(index)) }
            }
            for _ in 0..<3 {
                var expected: UInt64 = 1
                try log.scan(from: 1) { position, payload in
                    #expect(position == expected)
                    #expect(Array(payload) == samplePayload(Int(position - 1)))
                    if position % 997 == 0 {
                        // A read in its own transaction inside the scan: its pages may be released too.
                        let nested = try log.event(at: position / 2)
                        #expect(nested?.payload == samplePayload(Int(position / 2 - 1)))
                    }
                    expected += 1
                    return true
                }
                #expect(expected > 10_000)
            }
            try await writer.value
            #expect(try allEvents(log).map(\.payload) == (0..<12_000).map { samplePayload($0) })
            #expect(try log.statistics().scanReleaseCount > 0)
        }
    }

    @Test("With scanReleaseBytes 0 a scan never releases")
    func releaseOff() async throws {
        try await withTemporaryLog(.init(scanReleaseBytes: 0)) { log, _ in
            _ = try await log.append(contentsOf: (0..<5_000).map { sampleEvent($0) })
            var count = 0
            try log.scan(from: 1) { _, _ in
                count += 1
                return true
            }
            #expect(count == 5_000)
            #expect(try log.statistics().scanReleaseCount == 0)
        }
    }
}
