import Benchmark
import Foundation
import SalesforceEmulator

/// The emulator's hot paths over real loopback HTTP beside the same calls straight into the org (the
/// baseline: what HTTP costs). Goal: at least 20k records/s written through collections.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 20)

    nonisolated(unsafe) var workload: EmulatorWorkload? = nil
    nonisolated(unsafe) var round = 0
    func load() async throws -> EmulatorWorkload {
        if let w = workload { return w }
        let w = try await EmulatorWorkload(contacts: 10_000)
        workload = w
        return w
    }

    Benchmark("Collections upsert: 10 x 200 Tasks over HTTP", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let w = try await load()
        benchmark.startMeasurement()
        for _ in 0..<10 {
            round += 1
            blackHole(try await w.upsertOverHTTP(round: round))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Baseline: collections upsert: 10 x 200 Tasks in process", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let w = try await load()
        benchmark.startMeasurement()
        for _ in 0..<10 {
            round += 1
            blackHole(w.upsertInProcess(round: round))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Paginated query: 10k Contacts over HTTP (5 pages)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let w = try await load()
        benchmark.startMeasurement()
        blackHole(try await w.queryOverHTTP())
        benchmark.stopMeasurement()
    }

    Benchmark("Baseline: paginated query: 10k Contacts in process", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let w = try await load()
        benchmark.startMeasurement()
        blackHole(w.queryInProcess())
        benchmark.stopMeasurement()
    }
}
