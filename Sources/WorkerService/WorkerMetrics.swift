public import Metrics
public import Prometheus

/// The worker's metrics, made through an injected `MetricsFactory` (never the global bootstrap,
/// so tests can make as many as they like).
///
/// | metric | labels |
/// |---|---|
/// | `synclog_events_appended_total` | workspace, source |
/// | `synclog_plan_decisions_total` | workspace, rule |
/// | `synclog_outbox_depth`, `synclog_outbox_oldest_age_seconds` | workspace |
/// | `synclog_api_calls_total`, `synclog_api_remaining` | workspace |
/// | `synclog_poll_lag_seconds`, `synclog_realtime_lag_seconds` | workspace |
/// | `synclog_own_writes_ignored_total` | workspace |
/// | `synclog_dispatch_latency_seconds` (histogram) | |
/// | `synclog_ingest_requests_total` | endpoint, status |
///
/// ```swift
/// let metrics = WorkerMetrics(registry: PrometheusCollectorRegistry())
/// metrics.appended(workspace: "acme", source: "activities", count: 3)
/// print(metrics.prometheusText() ?? "")
/// ```
public final class WorkerMetrics: Sendable {
    /// The registry `/metrics` renders; nil when the factory is not Prometheus.
    public let registry: PrometheusCollectorRegistry?
    let factory: any MetricsFactory

    /// Metrics in `registry` (Prometheus).
    public convenience init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.init(factory: PrometheusMetricsFactory(registry: registry), registry: registry)
    }

    /// Metrics through any factory; `/metrics` serves `registry` when given.
    public init(factory: any MetricsFactory, registry: PrometheusCollectorRegistry? = nil) {
        self.factory = factory
        self.registry = registry
    }

    func counter(_ label: String, _ dimensions: [(String, String)], by count: Int) {
        guard count > 0 else { return }
        Counter(label: label, dimensions: dimensions, factory: factory).increment(by: count)
    }

    func gauge(_ label: String, _ dimensions: [(String, String)], _ value: Double) {
        Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }

    /// New events appended to the log (`source`: `activities`, `realtime`, `poll`, `plan`, ...).
    public func appended(workspace: String, source: String, count: Int) {
        counter("synclog_events_appended_total", [("workspace", workspace), ("source", source)], by: count)
    }

    /// Decisions the planner made, by rule id.
    public func planDecision(workspace: String, rule: String, count: Int = 1) {
        counter("synclog_plan_decisions_total", [("workspace", workspace), ("rule", rule)], by: count)
    }

    /// The outbox: writes waiting, and how long the oldest has waited.
    public func observeOutbox(workspace: String, depth: Int, oldestAgeSeconds: Double) {
        gauge("synclog_outbox_depth", [("workspace", workspace)], Double(depth))
        gauge("synclog_outbox_oldest_age_seconds", [("workspace", workspace)], oldestAgeSeconds)
    }

    /// Salesforce API calls made.
    public func apiCalls(workspace: String, count: Int = 1) {
        counter("synclog_api_calls_total", [("workspace", workspace)], by: count)
    }

    /// The org's API calls left today, as last reported by Salesforce.
    public func observeAPIRemaining(workspace: String, remaining: Int) {
        gauge("synclog_api_remaining", [("workspace", workspace)], Double(remaining))
    }

    /// How far the poller is behind the org (now minus the last poll's high-water mark).
    public func observePollLag(workspace: String, seconds: Double) {
        gauge("synclog_poll_lag_seconds", [("workspace", workspace)], seconds)
    }

    /// How late real-time changes arrive (receipt minus `commitTimestamp`).
    public func observeRealtimeLag(workspace: String, seconds: Double) {
        gauge("synclog_realtime_lag_seconds", [("workspace", workspace)], seconds)
    }

    /// Real-time changes dropped because they were our own writes (C2).
    public func ownWritesIgnored(workspace: String, count: Int) {
        counter("synclog_own_writes_ignored_total", [("workspace", workspace)], by: count)
    }

    /// Time from a write being planned to its outcome being appended.
    public func dispatchLatency(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        Timer(label: "synclog_dispatch_latency_seconds", dimensions: [], factory: factory).recordNanoseconds(
            nanoseconds)
    }

    /// An HTTP request to an endpoint (`/activities`, `/salesforce/changes`) and its status.
    public func ingestRequest(endpoint: String, status: Int) {
        counter("synclog_ingest_requests_total", [("endpoint", endpoint), ("status", String(status))], by: 1)
    }

    /// The Prometheus text exposition of ``registry``; nil when there is none.
    public func prometheusText() -> String? {
        registry.map { String(decoding: $0.emitToBuffer(), as: UTF8.self) }
    }
}
