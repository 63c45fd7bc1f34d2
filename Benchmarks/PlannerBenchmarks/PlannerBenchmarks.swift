import Benchmark
import SyncDomain
import SyncWorkloads

/// The projectors and the planner over a generated workspace log (SyncWorkloads),
/// beside a raw baseline that only switches on each event (the floor of any fold).
/// The 1M-event / 100k-record figures of the issue come from the same code with
/// `events = 1_000_000, records = 100_000` (see the report; memory grows with
/// records and activities).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 5)

    let events: UInt64 = 200_000
    let records = 20_000
    let shape = WorkspaceWorkload.Shape(
        seed: 1, users: 50, accounts: records / 10, contactsPerAccount: 5, leads: records * 15 / 100,
        customRecords: records / 20, activities: Int.max / 4, meanGapMilliseconds: 2_000)

    nonisolated(unsafe) var cached: [EventEnvelope]? = nil
    func log() -> [EventEnvelope] {
        if let c = cached { return c }
        var loop = SyncLoop(keepEvents: true)
        var random = SeededRandom(seed: 5)
        var inputs = 0
        for e in WorkspaceWorkload(shape) {
            loop.append(e)
            inputs += 1
            if inputs % 200 == 0 { loop.dispatch(at: e.recordedAt, workspace: "acme", random: &random) }
            if loop.lastPosition >= events { break }
        }
        cached = loop.events
        return loop.events
    }

    Benchmark("Fold (replay, audit on): 200k events, 20k records", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let all = log()
        benchmark.startMeasurement()
        var state = SyncState.initial
        for (i, e) in all.enumerated() { state.evolve(e, at: UInt64(i + 1)) }
        benchmark.stopMeasurement()
        blackHole(state.eventsApplied)
    }

    Benchmark("Fold (replay, plans kept in the log only): 200k events, 20k records", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let all = log()
        benchmark.startMeasurement()
        var state = SyncState(auditPlansInMemory: false)
        for (i, e) in all.enumerated() { state.evolve(e, at: UInt64(i + 1)) }
        benchmark.stopMeasurement()
        blackHole(state.eventsApplied)
    }

    Benchmark("Live loop (generate, fold, plan, dispatch): 200k events", configuration: .init(scalingFactor: .kilo)) { benchmark in
        benchmark.startMeasurement()
        var loop = SyncLoop(keepEvents: false)
        var random = SeededRandom(seed: 5)
        var inputs = 0
        for e in WorkspaceWorkload(shape) {
            loop.append(e)
            inputs += 1
            if inputs % 200 == 0 { loop.dispatch(at: e.recordedAt, workspace: "acme", random: &random) }
            if loop.lastPosition >= events { break }
        }
        benchmark.stopMeasurement()
        blackHole(loop.lastPosition)
    }

    Benchmark("Baseline: switch on every event (no state): 200k events", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let all = log()
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
}
