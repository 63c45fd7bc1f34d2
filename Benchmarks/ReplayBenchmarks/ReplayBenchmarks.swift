import Benchmark
import EventLog
import Foundation
import SyncDomain
import SyncStore
import SyncWorkloads

/// `synclog replay` over a real LMDB log of 1M events: the raw cursor scan (baseline), scan +
/// binary decode, and scan + decode + fold (the EventCounts projection), with peak resident
/// memory. The log is memory-mapped: memory must stay flat however long the log is.
///
///   cd Benchmarks && swift package --disable-sandbox benchmark --target ReplayBenchmarks
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 5)

    let events = 1_000_000

    Benchmark("Baseline: raw cursor scan of 1M events") { benchmark in
        let store = ReplayLog.shared(events: events)
        benchmark.startMeasurement()
        var bytes = 0
        try store.log.scan(from: 1) { _, payload in
            bytes &+= payload.count
            return true
        }
        blackHole(bytes)
        benchmark.stopMeasurement()
    }

    Benchmark("Replay: scan + binary decode of 1M events") { benchmark in
        let store = ReplayLog.shared(events: events)
        benchmark.startMeasurement()
        var decoded = 0
        try store.scan { _, envelope in
            blackHole(envelope)
            decoded += 1
            return true
        }
        precondition(decoded == events)
        benchmark.stopMeasurement()
    }

    Benchmark("Replay: scan + decode + fold (EventCounts) of 1M events") { benchmark in
        let store = ReplayLog.shared(events: events)
        let before = ProcessMemory.read()
        benchmark.startMeasurement()
        let (state, report) = try store.replay(EventCounts.self)
        precondition(report.events == events)
        blackHole(state)
        benchmark.stopMeasurement()
        ProcessMemory.report(since: before, label: "replay of \(events) events")
    }
}

/// One generated log per process, built on first use (not measured).
enum ReplayLog {
    nonisolated(unsafe) private static var store: SyncStore?

    static func shared(events: Int) -> SyncStore {
        if let store { return store }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-replay-bench-\(getpid())").path
        try? FileManager.default.removeItem(atPath: directory)
        let made = try! SyncStore(directory: directory, configuration: .init(initialMapSize: 1 << 30, durable: false))
        var shape = WorkspaceWorkload.Shape()
        shape.activities = events
        var batch: [NewEvent] = []
        var written = 0
        let semaphore = DispatchSemaphore(value: 0)
        func flush() {
            let pending = batch
            batch.removeAll(keepingCapacity: true)
            Task {
                _ = try! await made.log.append(contentsOf: pending)
                semaphore.signal()
            }
            semaphore.wait()
        }
        for envelope in WorkspaceWorkload(shape) {
            guard written < events else { break }
            batch.append(NewEvent(id: envelope.id.rawValue, payload: envelope.binaryEncoded()))
            written += 1
            if batch.count == 1_000 { flush() }
        }
        if !batch.isEmpty { flush() }
        store = made
        return made
    }
}

/// Resident memory split as the kernel counts it: anonymous (what the process allocated) and
/// file-backed (the memory-mapped log: page cache, reclaimable, shared with other readers).
/// package-benchmark's resident peak counts both; the log being mapped, only the anonymous part
/// says whether replay holds the log in memory.
struct ProcessMemory {
    var anonymousKiB = 0
    var fileKiB = 0

    static func read() -> ProcessMemory {
        var memory = ProcessMemory()
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return memory }
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let value = Int(parts[1]) else { continue }
            if parts[0] == "RssAnon:" { memory.anonymousKiB = value }
            if parts[0] == "RssFile:" { memory.fileKiB = value }
        }
        return memory
    }

    static func report(since before: ProcessMemory, label: String) {
        let after = read()
        let line = "memory after \(label): anonymous \(after.anonymousKiB / 1024) MiB (\((after.anonymousKiB - before.anonymousKiB) / 1024) MiB more than before), file-backed (mapped log) \(after.fileKiB / 1024) MiB\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
