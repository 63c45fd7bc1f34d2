import Benchmark
import EndToEndLoad
import Foundation

/// Issue 5's end-to-end figures: activities offered to the real worker on `POST /activities` at
/// 1,000 a second for 60 s, written by its dispatcher to the emulator over loopback HTTP; the
/// latency from an activity being offered to its first Task being visible in the org (p50, p99,
/// max), the sustained rate, the backlog, and the API calls spent per 1,000 activities beside the
/// 1,000 that one call per activity would cost. One iteration is the whole load (about 70 s).
///
///   cd Benchmarks && swift package --disable-sandbox benchmark --target DispatchBenchmarks
///
/// The rate and duration can be changed for a quick look: `SYNCLOG_LOAD_RATE=500 SYNCLOG_LOAD_SECONDS=10`.
let benchmarks: @Sendable () -> Void = {
    let environment = ProcessInfo.processInfo.environment
    let rate = environment["SYNCLOG_LOAD_RATE"].flatMap(Int.init) ?? 1_000
    let seconds = environment["SYNCLOG_LOAD_SECONDS"].flatMap(Double.init) ?? 60

    let p50 = BenchmarkMetric.custom("latency p50 (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    let p99 = BenchmarkMetric.custom("latency p99 (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    let maximum = BenchmarkMetric.custom("latency max (ms)", polarity: .prefersSmaller, useScalingFactor: false)
    let sustained = BenchmarkMetric.custom("sustained (activities/s)", polarity: .prefersLarger, useScalingFactor: false)
    let backlog = BenchmarkMetric.custom("backlog, last 10 s peak", polarity: .prefersSmaller, useScalingFactor: false)
    let calls = BenchmarkMetric.custom("API calls per 1,000 activities", polarity: .prefersSmaller, useScalingFactor: false)
    let naive = BenchmarkMetric.custom("one call per activity, per 1,000", polarity: .prefersSmaller, useScalingFactor: false)

    Benchmark(
        "End to end: \(rate) activities/s for \(Int(seconds)) s, offered -> Task visible",
        configuration: .init(
            metrics: [p50, p99, maximum, sustained, backlog, calls, naive, .peakMemoryResident],
            timeUnits: .milliseconds, warmupIterations: 0, maxDuration: .seconds(600), maxIterations: 1)
    ) { benchmark in
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-bench-load-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try await EndToEndLoad.run(EndToEndLoad.Options(rate: rate, seconds: seconds), in: directory)
        print(report)
        benchmark.measurement(p50, Int((report.p50 * 1000).rounded()))
        benchmark.measurement(p99, Int((report.p99 * 1000).rounded()))
        benchmark.measurement(maximum, Int((report.maximum * 1000).rounded()))
        benchmark.measurement(sustained, Int(report.sustainedPerSecond.rounded()))
        benchmark.measurement(backlog, report.backlog.suffix(10).max() ?? 0)
        benchmark.measurement(calls, Int(report.apiCallsPerThousand.rounded()))
        benchmark.measurement(naive, 1_000)
        if report.visible != report.accepted || report.duplicateKeys != 0 {
            benchmark.error("not every activity was written exactly once: \(report)")
        }
    }
}
