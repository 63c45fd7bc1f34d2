// EventLog against raw LMDB, side by side in one run.
//
//   cd Benchmarks && swift package --disable-sandbox benchmark --target EventLogBenchmarks
//
// Each "EventLog" benchmark has a "raw LMDB" twin doing the same storage work in C
// (LMDBBaseline): the same value sizes (the raw value is as long as EventLog's stored value:
// 2-byte id length + 16-byte id + 200-byte payload), the same map size, the same durability.
// "raw LMDB + index" also maintains the id index EventLog uses for deduplication, so
//   EventLog / raw+index   = the cost of the wrapper (group-commit writer, continuations, Swift),
//   EventLog / raw         = the cost of the wrapper plus deduplication.
// Wall clock is per iteration; an iteration is one batch, so events/s = batch / time.
// The group-commit benchmarks' iteration is every appender's appends (64 x 50 = 3,200 events).
// Their raw twin runs the same pattern in C: 64 threads (created each iteration, ~1 ms), each
// waiting for its own commit, around a leader-follower group commit with no gathering window.
// With at most 64 events in flight, events/s <= 64 / (the time of one durable commit of 64),
// which "Append durable, batch 64: raw LMDB + index" measures.
//
// A durable EventLog keeps zeros written ahead of its last page (DataFilePreallocation), so
// a commit's flush overwrites allocated blocks instead of growing the file (on ext4 that
// spares a journal commit per flush). The durable benchmarks therefore also run
// "EventLog, no zero tail" (the same log with it off: the tail's effect, same run) and
// "raw LMDB + index + zero tail" (the same trick in C: the wrapper's cost, like for like).

import Benchmark
import EventLog
import Foundation
import LMDBBaseline

private let payloadSize = 200
/// EventLog stores [u16 id length][16-byte id][payload]; the raw baseline stores the same length.
private let storedValueSize = 2 + 16 + payloadSize
private let mapSize = 4 << 30

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 5,
        maxDuration: .seconds(3),
        maxIterations: 20_000
    )

    // Batch 64 is what a perfect group commit of the 64 appenders below does each round: its
    // raw durable commit time is the floor of one round there (50 rounds = 3,200 events).
    for batch in [1, 64, 100, 1000] {
        appendBenchmarks(batch: batch, durable: true)
    }
    // Without sync the disk is out of the picture: what is left is CPU, ours against raw.
    appendBenchmarks(batch: 1, durable: false)
    appendBenchmarks(batch: 1000, durable: false)
    groupCommitBenchmark(appenders: 64, appendsPerAppender: 50, durable: true)
    groupCommitBenchmark(appenders: 64, appendsPerAppender: 50, durable: false)
    scanBenchmarks(events: 1_000_000)
}

// MARK: Appending

private func appendBenchmarks(batch: Int, durable: Bool) {
    let mode = durable ? "durable" : "no-sync"
    let payload = [UInt8](repeating: 0x5A, count: payloadSize)
    // Durable logs also run without their zero-filled tail (DataFilePreallocation), so the
    // tail's effect is measured in the same run.
    for preallocates in durable ? [true, false] : [true] {
        let log = Box<EventLog>()
        var nextID = 0
        Benchmark("Append \(mode), batch \(batch): EventLog\(preallocates ? "" : ", no zero tail")") { benchmark in
            for _ in benchmark.scaledIterations {
                var events: [NewEvent] = []
                events.reserveCapacity(batch)
                for _ in 0..<batch {
                    nextID += 1
                    events.append(NewEvent(id: eventID(nextID), payload: payload))
                }
                // Only the append is measured: building the input is the caller's business.
                benchmark.startMeasurement()
                let results = try await log.value.append(contentsOf: events)
                benchmark.stopMeasurement()
                blackHole(results)
            }
        } setup: {
            log.directory = try makeBenchmarkDirectory()
            log.value = try EventLog(
                directory: log.directory,
                configuration: .init(initialMapSize: mapSize, durable: durable, preallocatesDataFile: preallocates))
        } teardown: {
            log.value.close()
            removeBenchmarkDirectory(log.directory)
        }
    }

    for (withIndex, preallocates) in [(false, false), (true, false)] + (durable ? [(true, true)] : []) {
        rawLMDBBenchmark(
            "Append \(mode), batch \(batch): raw LMDB\(withIndex ? " + index" : "")\(preallocates ? " + zero tail" : "")",
            durable: durable, preallocates: preallocates
        ) { env, value in
            lmdb_baseline_append_batch(env, Int32(batch), value.baseAddress, value.count, withIndex ? 1 : 0)
        }
    }
}

/// Many tasks appending one event at a time: what group commit is for.
private func groupCommitBenchmark(appenders: Int, appendsPerAppender: Int, durable: Bool) {
    let mode = durable ? "durable" : "no-sync"
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .cpuTotal], timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(5))
    let payload = [UInt8](repeating: 0x5A, count: payloadSize)
    for preallocates in durable ? [true, false] : [true] {
        let log = Box<EventLog>()
        let round = Box<Int>()
        Benchmark(
            "Group commit \(mode), \(appenders) appenders x \(appendsPerAppender) single appends: EventLog\(preallocates ? "" : ", no zero tail")",
            configuration: configuration
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                round.value += 1
                let thisRound = round.value
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for appender in 0..<appenders {
                        group.addTask {
                            for index in 0..<appendsPerAppender {
                                let id = eventID((thisRound * appenders + appender) * appendsPerAppender + index)
                                _ = try await log.value.append(NewEvent(id: id, payload: payload))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
        } setup: {
            round.value = 0
            log.directory = try makeBenchmarkDirectory()
            log.value = try EventLog(
                directory: log.directory,
                configuration: .init(initialMapSize: mapSize, durable: durable, preallocatesDataFile: preallocates))
        } teardown: {
            let statistics = try log.value.statistics()
            print("group commit: \(statistics.appendedSinceOpen) events in \(statistics.commitCount) commits")
            log.value.close()
            removeBenchmarkDirectory(log.directory)
        }
    }

    for preallocates in durable ? [false, true] : [false] {
        rawLMDBBenchmark(
            "Group commit \(mode), \(appenders) appenders x \(appendsPerAppender) single appends: raw LMDB + index\(preallocates ? " + zero tail" : ""), \(appenders) threads",
            configuration: configuration, durable: durable, preallocates: preallocates
        ) { env, value in
            lmdb_baseline_group_commit(env, Int32(appenders), Int32(appendsPerAppender), value.baseAddress, value.count)
        }
    }
}

/// A baseline in C (LMDBBaseline) over its own raw LMDB environment: `call` gets the environment
/// and a stored value of ``storedValueSize`` bytes once per iteration and returns LMDB's code.
private func rawLMDBBenchmark(
    _ name: String, configuration: Benchmark.Configuration = Benchmark.defaultConfiguration, durable: Bool,
    preallocates: Bool = false, _ call: @escaping @Sendable (OpaquePointer, UnsafeRawBufferPointer) -> Int32
) {
    let raw = Box<OpaquePointer>()
    let value = [UInt8](repeating: 0x5A, count: storedValueSize)
    Benchmark(name, configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            let rc = value.withUnsafeBytes { call(raw.value, $0) }
            precondition(rc == 0, "\(name): raw LMDB failed: \(rc)")
        }
    } setup: {
        raw.directory = try makeBenchmarkDirectory()
        raw.value = try openRaw(raw.directory, durable: durable)
        if preallocates { lmdb_baseline_preallocate(raw.value) }
    } teardown: {
        lmdb_baseline_close(raw.value)
        removeBenchmarkDirectory(raw.directory)
    }
}

// MARK: Scanning

private func scanBenchmarks(events: Int) {
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .cpuTotal, .mallocCountTotal], timeUnits: .milliseconds,
        warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 50)

    let log = Box<EventLog>()
    Benchmark("Scan \(events) events: EventLog.scan", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var count = 0
            var bytes = 0
            try log.value.scan(from: 1) { _, payload in
                count += 1
                bytes &+= payload.count &+ Int(payload[0])
                return true
            }
            precondition(count == events)
            blackHole(bytes)
        }
    } setup: {
        log.value = try EventLog(directory: try scanDataSet(events: events, raw: false))
    } teardown: {
        log.value.close()
    }

    let raw = Box<OpaquePointer>()
    Benchmark("Scan \(events) events: raw LMDB", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            var count: UInt64 = 0
            var bytes: UInt64 = 0
            precondition(lmdb_baseline_scan(raw.value, &count, &bytes) == 0)
            precondition(count == events)
            blackHole(bytes)
        }
    } setup: {
        raw.value = try openRaw(try scanDataSet(events: events, raw: true), durable: false)
    } teardown: {
        lmdb_baseline_close(raw.value)
    }
}

/// A directory holding `events` events, written once (without sync) and reused by later runs.
private func scanDataSet(events: Int, raw: Bool) throws -> String {
    let directory = NSTemporaryDirectory() + "/synclog-benchmark-scan-\(events)-\(raw ? "raw" : "eventlog")"
    let complete = directory + "/complete"
    if FileManager.default.fileExists(atPath: complete) { return directory }
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let batch = 10_000
    if raw {
        let handle = try openRaw(directory, durable: false)
        let value = [UInt8](repeating: 0x5A, count: storedValueSize)
        for _ in 0..<(events / batch) {
            let rc = value.withUnsafeBytes { lmdb_baseline_append_batch(handle, Int32(batch), $0.baseAddress, $0.count, 1) }
            precondition(rc == 0)
        }
        lmdb_baseline_close(handle)
    } else {
        let log = try EventLog(directory: directory, configuration: .init(initialMapSize: mapSize, durable: false))
        let payload = [UInt8](repeating: 0x5A, count: payloadSize)
        let semaphore = DispatchSemaphore(value: 0)
        let failure = Box<(any Error)?>()
        failure.value = nil
        Task {
            do {
                for start in stride(from: 0, to: events, by: batch) {
                    _ = try await log.append(contentsOf: (start..<start + batch).map { NewEvent(id: eventID($0), payload: payload) })
                }
            } catch {
                failure.value = error
            }
            semaphore.signal()
        }
        semaphore.wait()
        log.close()
        if let error = failure.value { throw error }
    }
    _ = FileManager.default.createFile(atPath: complete, contents: nil)
    return directory
}

// MARK: Helpers

/// Mutable state shared between a benchmark's setup, body and teardown (run one after another).
private final class Box<Value>: @unchecked Sendable {
    private var stored: Value?
    var directory = ""
    var value: Value {
        get { stored! }
        set { stored = newValue }
    }
}

/// "evt-" and 12 zero-padded digits: 16 bytes, like the raw baseline's ids.
private func eventID(_ number: Int) -> String {
    var digits = [UInt8](repeating: UInt8(ascii: "0"), count: 16)
    digits[0] = UInt8(ascii: "e")
    digits[1] = UInt8(ascii: "v")
    digits[2] = UInt8(ascii: "t")
    digits[3] = UInt8(ascii: "-")
    var rest = number
    var index = 15
    while rest > 0 && index >= 4 {
        digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
        index -= 1
    }
    return String(decoding: digits, as: UTF8.self)
}

private struct BaselineError: Error {
    let returnCode: Int32
}

private func openRaw(_ directory: String, durable: Bool) throws -> OpaquePointer {
    var handle: OpaquePointer?
    let rc = lmdb_baseline_open(directory, mapSize, durable ? 1 : 0, &handle)
    guard rc == 0, let handle else { throw BaselineError(returnCode: rc) }
    return handle
}

private func makeBenchmarkDirectory() throws -> String {
    let directory = NSTemporaryDirectory() + "/synclog-benchmark-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}

private func removeBenchmarkDirectory(_ directory: String) {
    try? FileManager.default.removeItem(atPath: directory)
}
