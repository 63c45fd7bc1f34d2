import Benchmark
import Foundation
import HeapStats
import SyncDomain
import SyncWorkloads

/// The projectors over a generated workspace log of 1M events with 100k known records (the
/// issue's size), read back as replay reads it: each event binary-encoded as in the log and
/// decoded with `EventDecoder`. Beside it, the same with the decode measured, the decode alone, a
/// raw baseline that only switches on each event (the floor of any fold), and the live loop
/// (planner + projectors).
///
/// Time is per event (`scalingFactor: .mega` over 1M events, in nanoseconds: 1,000 ns is 1M
/// events/s; package-benchmark would round a throughput in millions to an integer).
/// "State (heap MB)" is the heap the fold's state holds when done (glibc's in-use bytes after
/// minus before). Read it on the decode + fold: there the state owns everything it keeps,
/// while a fold of events decoded beforehand shares their strings and plan bytes, already
/// counted before the fold. Resident peak also counts the log held in memory for the fold.
///
/// Other sizes, to see what the state grows with (the names say the size):
/// - `SYNCLOG_BENCH_EVENTS=2000000`: twice the events, so twice the activities;
/// - `SYNCLOG_BENCH_RECORDS=200000`: twice the known records;
/// - `SYNCLOG_BENCH_ACTIVITIES=N` stops the workload after N activities, and
///   `SYNCLOG_BENCH_UPDATES=K` adds K updates of known records per 100 activities. Measured:
///   `SYNCLOG_BENCH_EVENTS=10000000 SYNCLOG_BENCH_ACTIVITIES=250000` (856k events) against the
///   same with `SYNCLOG_BENCH_UPDATES=400` (1M more events, the same activities and records).
///
/// The generated log is cached in the temp directory (one file per size) and made again when
/// the benchmark binary is newer than it, since package-benchmark runs every benchmark in a
/// process of its own.
let benchmarks: @Sendable () -> Void = {
    let stateHeap = BenchmarkMetric.custom("State (heap MB)", polarity: .prefersSmaller, useScalingFactor: false)
    let partHeaps = ["known records", "outbox", "activity log", "engagement"].map {
        BenchmarkMetric.custom("  of it \($0) (MB)", polarity: .prefersSmaller, useScalingFactor: false)
    }
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, stateHeap],
        timeUnits: .nanoseconds, warmupIterations: 1, scalingFactor: .mega, maxDuration: .seconds(30), maxIterations: 5)

    let size = PlannerLog.Size.fromEnvironment()

    func fold(_ auditPlansInMemory: Bool, _ benchmark: Benchmark) {
        let all = PlannerLog.decoded(size)
        let before = synclog_heap_in_use()
        benchmark.startMeasurement()
        var state = SyncState(auditPlansInMemory: auditPlansInMemory)
        for (i, e) in all.enumerated() { state.evolve(e, at: UInt64(i + 1)) }
        benchmark.stopMeasurement()
        benchmark.measurement(stateHeap, (synclog_heap_in_use() - before) >> 20)
        precondition(state.eventsApplied == UInt64(all.count))
        blackHole(state)
    }

    Benchmark("Fold (replay, audit on): \(size)") { fold(true, $0) }

    Benchmark("Fold (replay, plans kept in the log only): \(size)") { fold(false, $0) }

    /// The state's heap, and each big projector's part of it: the heap freed when that projector
    /// is reset (its storage is not shared, so resetting frees it).
    func decodeAndFold(_ auditPlansInMemory: Bool, _ benchmark: Benchmark) {
        let records = PlannerLog.records(size)
        let before = synclog_heap_in_use()
        benchmark.startMeasurement()
        let decoder = EventDecoder()
        var state = SyncState(auditPlansInMemory: auditPlansInMemory)
        for (i, bytes) in records.enumerated() {
            bytes.withUnsafeBytes { state.evolve(try! decoder.decode($0), at: UInt64(i + 1)) }
        }
        benchmark.stopMeasurement()
        benchmark.measurement(stateHeap, (synclog_heap_in_use() - before) >> 20)
        let resets: [(inout WorkspaceState) -> Void] = [
            { $0.records = .initial }, { $0.outbox = .initial }, { $0.activityLog = .initial }, { $0.engagement = .initial },
        ]
        for (metric, reset) in zip(partHeaps, resets) {
            let held = synclog_heap_in_use()
            for key in Array(state.workspaces.keys) { reset(&state.workspaces[key]!) }
            benchmark.measurement(metric, (held - synclog_heap_in_use()) >> 20)
        }
        blackHole(state)
    }

    let withParts = Benchmark.Configuration(metrics: [.wallClock, .peakMemoryResident, stateHeap] + partHeaps)
    Benchmark("Decode + fold (replay, audit on): \(size)", configuration: withParts) { decodeAndFold(true, $0) }

    Benchmark("Decode + fold (replay, plans kept in the log only): \(size)", configuration: withParts) { decodeAndFold(false, $0) }

    Benchmark("Decode only (replay's EventDecoder, nothing kept): \(size)") { benchmark in
        let records = PlannerLog.records(size)
        benchmark.startMeasurement()
        let decoder = EventDecoder()
        var plans = 0
        for bytes in records {
            bytes.withUnsafeBytes {
                if case .activityPlanned = try! decoder.decode($0).event { plans += 1 }
            }
        }
        benchmark.stopMeasurement()
        blackHole(plans)
    }

    Benchmark("Baseline: switch on every event (no state): \(size)") { benchmark in
        let all = PlannerLog.decoded(size)
        benchmark.startMeasurement()
        var counts = [Int](repeating: 0, count: 4)
        for e in all {
            switch e.event {
            case .activity: counts[0] += 1
            case .activityPlanned: counts[1] += 1
            case .writeSucceeded, .writeFailed: counts[2] += 1
            default: counts[3] += 1
            }
        }
        benchmark.stopMeasurement()
        blackHole(counts)
    }

    Benchmark(
        "Live loop (generate, fold, plan, dispatch): \(size)",
        configuration: .init(warmupIterations: 0, maxIterations: 2)
    ) { benchmark in
        benchmark.startMeasurement()
        let loop = PlannerLog.live(size, keepEvents: false)
        benchmark.stopMeasurement()
        blackHole(loop.lastPosition)
    }
}

/// The generated log, made once per size by the live loop and kept as log records.
enum PlannerLog {
    struct Size: CustomStringConvertible {
        /// At most this many events (fewer when `activities` ends the workload first).
        var events: Int
        var records: Int
        var activities: Int?
        var updatesPer100Activities: Int

        static func fromEnvironment() -> Size {
            let env = ProcessInfo.processInfo.environment
            return Size(
                events: env["SYNCLOG_BENCH_EVENTS"].flatMap(Int.init) ?? 1_000_000,
                records: env["SYNCLOG_BENCH_RECORDS"].flatMap(Int.init) ?? 100_000,
                activities: env["SYNCLOG_BENCH_ACTIVITIES"].flatMap(Int.init),
                updatesPer100Activities: env["SYNCLOG_BENCH_UPDATES"].flatMap(Int.init) ?? 0)
        }

        var shape: WorkspaceWorkload.Shape {
            .benchmark(records: records, activities: activities ?? Int.max / 4, recordUpdatesPer100Activities: updatesPer100Activities)
        }

        var description: String {
            var s = "\(Self.short(events)) events, \(Self.short(records)) records"
            if let activities { s += ", at most \(Self.short(activities)) activities" }
            if updatesPer100Activities > 0 { s += ", \(updatesPer100Activities) record updates per 100 activities" }
            return s
        }

        /// The file name part that tells one cached log from another.
        var fileTag: String { "\(events)-\(records)-\(activities ?? 0)-\(updatesPer100Activities)" }

        private static func short(_ n: Int) -> String {
            if n >= 1_000_000, n % 100_000 == 0 { return n % 1_000_000 == 0 ? "\(n / 1_000_000)M" : "\(Double(n) / 1e6)M" }
            if n >= 1_000, n % 1_000 == 0 { return "\(n / 1_000)k" }
            return "\(n)"
        }
    }

    /// Activities, record changes and the decisions that follow (plans, dispatch outcomes), as
    /// the worker appends them: a dispatch every 200 inputs.
    static func live(_ size: Size, keepEvents: Bool) -> SyncLoop {
        SyncLoop.run(WorkspaceWorkload(size.shape), maximumEvents: size.events, keepEvents: keepEvents)
    }

    nonisolated(unsafe) private static var cachedRecords: [[UInt8]]?
    nonisolated(unsafe) private static var cachedDecoded: [EventEnvelope]?

    /// The log records (binary), from the cache file when it is newer than this binary.
    static func records(_ size: Size) -> [[UInt8]] {
        if let cachedRecords { return cachedRecords }
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("synclog-planner-bench-\(size.fileTag).log").path
        let made: [[UInt8]]
        if let kept = read(file) {
            made = kept
        } else {
            made = live(size, keepEvents: true).events.prefix(size.events).map { $0.binaryEncoded() }
            write(made, to: file)
        }
        cachedRecords = made
        return made
    }

    /// The records decoded as replay decodes them (one `EventDecoder` for the scan).
    static func decoded(_ size: Size) -> [EventEnvelope] {
        if let cachedDecoded { return cachedDecoded }
        let decoder = EventDecoder()
        let all = records(size).map { bytes in bytes.withUnsafeBytes { try! decoder.decode($0) } }
        cachedRecords = nil
        cachedDecoded = all
        return all
    }

    /// Length-prefixed records (4 bytes little-endian each).
    private static func write(_ records: [[UInt8]], to file: String) {
        var out: [UInt8] = []
        out.reserveCapacity(records.reduce(0) { $0 + $1.count + 4 })
        for r in records {
            withUnsafeBytes(of: UInt32(r.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: r)
        }
        FileManager.default.createFile(atPath: file + ".tmp", contents: Data(out))
        _ = rename(file + ".tmp", file)
    }

    private static func read(_ file: String) -> [[UInt8]]? {
        let fm = FileManager.default
        guard let logDate = (try? fm.attributesOfItem(atPath: file))?[.modificationDate] as? Date,
            let binary = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
            let binaryDate = (try? fm.attributesOfItem(atPath: binary))?[.modificationDate] as? Date,
            logDate > binaryDate, let data = fm.contents(atPath: file)
        else { return nil }
        var records: [[UInt8]] = []
        let ok = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Bool in
            var i = 0
            while i + 4 <= raw.count {
                let n = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                guard i + 4 + n <= raw.count else { return false }
                records.append(Array(raw[(i + 4)..<(i + 4 + n)]))
                i += 4 + n
            }
            return i == raw.count
        }
        return ok ? records : nil
    }
}
