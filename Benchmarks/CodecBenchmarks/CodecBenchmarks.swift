import Benchmark
import Foundation
import SyncDomain

/// Binary decode of 1M log records (the replay path) beside the JSON paths
/// (the ingest validator, and Foundation's JSONSerialization as the raw
/// baseline). One iteration is the whole batch: events/s = batch size / wall
/// clock, mallocs per event = malloc total / batch size.
///
///   cd Benchmarks && swift package --disable-sandbox benchmark --target CodecBenchmarks
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 5)

    let events = 1_000_000
    let jsonLines = 100_000
    nonisolated(unsafe) var workload: CodecWorkload? = nil
    func load() -> CodecWorkload {
        if let w = workload { return w }
        let w = CodecWorkload(count: events, jsonLines: jsonLines)
        workload = w
        return w
    }

    Benchmark("Binary decode: 1M log records (mixed events)") { benchmark in
        let w = load()
        benchmark.startMeasurement()
        blackHole(try w.decodeAll())
        benchmark.stopMeasurement()
    }

    Benchmark("Binary decode: 1M log records (mixed events, one EventDecoder)") { benchmark in
        let w = load()
        benchmark.startMeasurement()
        blackHole(try w.decodeAllWithDecoder())
        benchmark.stopMeasurement()
    }

    Benchmark("Binary encode: 1M log records") { benchmark in
        let w = load()
        let decoded = try w.bytes.withUnsafeBytes { all in
            try w.records.map { r in
                try EventEnvelope(binary: UnsafeRawBufferPointer(rebasing: all[r.offset..<(r.offset + r.count)]))
            }
        }
        benchmark.startMeasurement()
        var out = BinaryWriter(capacity: w.bytes.count)
        for e in decoded { e.encode(to: &out) }
        blackHole(out.bytes.count)
        benchmark.stopMeasurement()
    }

    Benchmark("JSON decode + validate: 100k activities (ActivityJSON)") { benchmark in
        let w = load()
        benchmark.startMeasurement()
        blackHole(w.decodeAllJSON())
        benchmark.stopMeasurement()
    }

    Benchmark("Baseline: Foundation JSONSerialization parse only: 100k activities") { benchmark in
        let w = load()
        let data = w.activityLines.map { Data($0) }
        benchmark.startMeasurement()
        var n = 0
        for d in data { if (try? JSONSerialization.jsonObject(with: d)) != nil { n += 1 } }
        blackHole(n)
        benchmark.stopMeasurement()
    }
}
