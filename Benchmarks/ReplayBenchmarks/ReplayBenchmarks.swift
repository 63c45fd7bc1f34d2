import Benchmark
import EventLog
import Foundation
import HeapStats
import SyncDomain
import SyncStore
import SyncWorkloads

/// `synclog replay` over a real LMDB log of 1M events: the raw cursor scan (baseline), scan +
/// binary decode, and scan + decode + fold (the EventCounts projection), with peak resident
/// memory. The log is memory-mapped: memory must stay flat however long the log is.
///
/// Then the replay the worker does at start: the whole `SyncState` (every projector, audit on)
/// over the log the worker writes for a generated workspace of 100k records (activities, record
/// changes, plans, dispatch outcomes; 1M events), from LMDB. Its resident peak is the fold's:
/// the state it builds plus the map pages a scan holds before releasing them (16 MiB). The
/// log is generated once and kept (see ``WorkerLog``): run the benchmark twice, and read the
/// second run, whose process only replays.
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

    let stateHeap = BenchmarkMetric.custom("State (heap MB)", polarity: .prefersSmaller, useScalingFactor: false)
    Benchmark(
        "Replay: scan + decode + fold (SyncState, audit on) of the worker's 1M-event log, 100k records",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident, .peakMemoryResidentDelta, stateHeap], maxIterations: 3)
    ) { benchmark in
        let store = WorkerLog.shared(events: events, records: 100_000)
        synclog_heap_trim()  // the generator's heap, or the last iteration's state, handed back
        let before = synclog_heap_in_use()
        let memoryBefore = ProcessMemory.read()
        benchmark.startMeasurement()
        let (state, report) = try store.replay(SyncState.self)
        benchmark.stopMeasurement()
        precondition(report.events >= events && UInt64(report.events) == report.lastPosition)
        benchmark.measurement(stateHeap, (synclog_heap_in_use() - before) >> 20)
        ProcessMemory.report(since: memoryBefore, label: "SyncState replay of \(events) events")
        blackHole(state)
    }
}

/// The log the worker writes for a generated workspace (``SyncLoop/run(_:maximumEvents:dispatchEvery:seed:keepEvents:onAppend:)``),
/// written to LMDB as it is made, in batches of 1,000. Kept in the temp directory and used
/// again while it is newer than this binary: package-benchmark runs each benchmark in a
/// process of its own, and a process that did not generate the log measures the replay's
/// resident memory alone (one that did still holds some of the generator's heap).
enum WorkerLog {
    nonisolated(unsafe) private static var store: SyncStore?

    static func shared(events: Int, records: Int) -> SyncStore {
        if let store { return store }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-replay-worker-bench-\(events)-\(records)").path
        let marker = directory + "/generated"
        if isNewerThanThisBinary(marker), let kept = try? SyncStore(directory: directory, configuration: .init(durable: false)) {
            store = kept
            return kept
        }
        try? FileManager.default.removeItem(atPath: directory)
        let made = try! SyncStore(directory: directory, configuration: .init(initialMapSize: 1 << 30, durable: false))
        let batch = LogBatch()
        let written = SyncLoop.run(WorkspaceWorkload(.benchmark(records: records)), maximumEvents: events, keepEvents: false) { _, envelope in
            batch.add(NewEvent(id: envelope.id.rawValue, payload: envelope.binaryEncoded()), to: made)
        }.lastPosition  // the loop and its state are freed here
        batch.flush(to: made)
        precondition(written >= UInt64(events))  // the decisions after the last input come with it
        FileManager.default.createFile(atPath: marker, contents: Data("\(written)\n".utf8))
        store = made
        return made
    }

    private static func isNewerThanThisBinary(_ file: String) -> Bool {
        let fm = FileManager.default
        guard let made = (try? fm.attributesOfItem(atPath: file))?[.modificationDate] as? Date,
            let binary = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
            let built = (try? fm.attributesOfItem(atPath: binary))?[.modificationDate] as? Date
        else { return false }
        return made > built
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
        let batch = LogBatch()
        var written = 0
        for envelope in WorkspaceWorkload(shape) {
            guard written < events else { break }
            batch.add(NewEvent(id: envelope.id.rawValue, payload: envelope.binaryEncoded()), to: made)
            written += 1
        }
        batch.flush(to: made)
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

/// Events waiting to be appended to a benchmark's log, in batches of 1,000, from synchronous
/// code (a generator's loop or its append callback).
final class LogBatch: @unchecked Sendable {
    var pending: [NewEvent] = []

    func add(_ event: NewEvent, to store: SyncStore) {
        pending.append(event)
        if pending.count == 1_000 { flush(to: store) }
    }

    func flush(to store: SyncStore) {
        guard !pending.isEmpty else { return }
        let events = pending
        pending.removeAll(keepingCapacity: true)
        let done = DispatchSemaphore(value: 0)
        Task {
            _ = try! await store.log.append(contentsOf: events)
            done.signal()
        }
        done.wait()
    }
}
