import Foundation

/// What one end-to-end load measured: offered and accepted activities, the latency from an
/// activity being offered to its first Task being visible in the org, the sustained rate, the
/// backlog over time, and the API calls spent.
public struct LoadReport: Sendable, CustomStringConvertible {
    /// Activities offered (sent on `POST /activities`) and accepted by the worker.
    public var offered = 0
    public var accepted = 0
    /// Activities whose Task was seen in the org, and Tasks seen in all (an activity may have several: R6, R8).
    public var visible = 0
    public var tasks = 0
    /// Tasks beyond an activity's first (one Task per Opportunity, R6), Tasks that named no
    /// activity of the load, and Tasks whose sync key another Task already had: a duplicate
    /// write (W1), which must never happen.
    public var extraTasks = 0
    public var unknownTasks = 0
    public var duplicateKeys = 0
    /// Seconds the load was offered for, and the offered rate asked for (activities/s).
    public var seconds = 0.0
    public var rate = 0
    /// Offered -> first Task visible, in seconds, one per visible activity (sorted).
    public var latencies: [Double] = []
    /// Activities visible per second over the load window (from its start to the last offered).
    public var sustainedPerSecond = 0.0
    /// Offered but not yet visible, sampled once a second during the load (the backlog).
    public var backlog: [Int] = []
    /// Seconds from the last activity offered until every accepted activity was visible (or the wait gave up).
    public var drainSeconds = 0.0
    /// API calls the org counted during the load (reads included), and those that wrote.
    public var apiCalls = 0
    public var writeCalls = 0

    public init() {}

    /// The `q`-quantile (0...1) of the latencies, nearest rank; 0 when none.
    public func latency(quantile q: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let rank = Int((q * Double(latencies.count)).rounded(.up))
        return latencies[min(max(rank, 1), latencies.count) - 1]
    }

    public var p50: Double { latency(quantile: 0.5) }
    public var p99: Double { latency(quantile: 0.99) }
    public var maximum: Double { latencies.last ?? 0 }

    /// API calls per 1,000 accepted activities (one call per activity would be 1,000).
    public var apiCallsPerThousand: Double { accepted == 0 ? 0 : Double(apiCalls) * 1000 / Double(accepted) }
    public var writeCallsPerThousand: Double { accepted == 0 ? 0 : Double(writeCalls) * 1000 / Double(accepted) }

    /// Whether the backlog grew: the lowest of its last quarter is above the peak of its first
    /// quarter by more than one second of offered load (a backlog that grows climbs every second).
    public var backlogGrew: Bool {
        guard backlog.count >= 8 else { return false }
        let quarter = backlog.count / 4
        let early = backlog.prefix(quarter).max() ?? 0
        let late = backlog.suffix(quarter).min() ?? 0
        return late > early + rate
    }

    public var description: String {
        func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
        return """
            offered \(offered) activities at \(rate)/s for \(f(seconds, 1)) s; accepted \(accepted); visible \(visible) \
            (\(tasks) Tasks: \(extraTasks) beyond an activity's first, \(unknownTasks) unknown, \(duplicateKeys) duplicate sync keys)
            latency offered -> Task visible: p50 \(f(p50)) s, p99 \(f(p99)) s, max \(f(maximum)) s
            sustained \(f(sustainedPerSecond, 1)) activities/s; drained \(f(drainSeconds, 2)) s after the last; \
            backlog per second: \(backlog.map(String.init).joined(separator: " "))\(backlogGrew ? " (GREW)" : "")
            API calls \(apiCalls) (\(writeCalls) writes) = \(f(apiCallsPerThousand, 1)) per 1,000 activities \
            (\(f(writeCallsPerThousand, 1)) writing); one call per activity would be 1,000
            """
    }
}
