public import AsyncHTTPClient
public import Logging
import Hummingbird
import Metrics
import Prometheus
import Salesforce
import ServiceLifecycle
import UnixSignals
public import SyncStore
import SyncDomain
import SyncWorker
import Synchronization

/// The pipeline worker (`synclog run`): the HTTP endpoints and one ``WorkspacePipeline`` per
/// configured workspace, in one swift-service-lifecycle `ServiceGroup`.
///
/// ```swift
/// let configuration = try WorkerConfiguration.load(path: "synclog.json")
/// let worker = try await Worker(configuration: configuration, store: SyncStore(directory: "synclog-data"))
/// try await worker.run()          // until SIGTERM/SIGINT (or idle, with untilIdle)
/// ```
///
/// Start-up appends each workspace's configuration when it differs from the one in force, so
/// replay and `explain` see the settings of the time. Shutdown (SIGTERM, SIGINT, or
/// ``shutdown()``) stops the HTTP server first (no new input; requests already acknowledged are
/// in the log, since the endpoints answer only after a durable append), then lets every
/// pipeline finish its step, then returns.
public final class Worker: Sendable {
    public let store: SyncStore
    public let configuration: WorkerConfiguration
    public let pipelines: [WorkspacePipeline]
    public let metrics: WorkerMetrics
    public let readiness: Readiness
    let untilIdle: Bool
    let logger: Logger
    let gate: StoreGate
    let group = Mutex<ServiceGroup?>(nil)
    let boundPort = Mutex<Int?>(nil)

    public init(configuration: WorkerConfiguration, store: SyncStore, untilIdle: Bool = false, httpClient: HTTPClient = .shared,
                logger: Logger = Logger(label: "synclog.worker")) async throws {
        self.configuration = configuration
        self.store = store
        self.untilIdle = untilIdle
        self.logger = logger
        let registry = PrometheusCollectorRegistry()
        metrics = WorkerMetrics(factory: PrometheusMetricsFactory(registry: registry), registry: registry)
        readiness = Readiness(workspaces: configuration.workspaces.map(\.name))
        let gate = StoreGate(store: store)
        self.gate = gate
        var pipelines: [WorkspacePipeline] = []
        for loaded in configuration.workspaces {
            let name = loaded.configuration.workspace
            readiness.mark(.storeOpen, workspace: name)
            do {
                _ = try await store.configure(loaded.configurationBytes, source: "synclog run", now: .now)
            } catch {
                throw WorkerStartError("workspace \(name): cannot append its configuration: \(error)")
            }
            readiness.mark(.configurationAppended, workspace: name)
            let client = SalesforceClient(configuration: loaded.salesforceConfiguration(), httpClient: httpClient)
            var dispatching = DispatcherConfiguration(workspace: name, maxRetryWaitMilliseconds: untilIdle ? 10 * 60_000 : 0)
            dispatching.batchLingerMilliseconds = Self.batchLingerMilliseconds
            let dispatcher = OutboxDispatcher(gate: gate, client: client, configuration: dispatching, logger: logger)
            let reader = SalesforceReader(gate: gate, client: client, configuration: ReaderConfiguration(configuration: loaded.configuration),
                                          logger: logger)
            pipelines.append(WorkspacePipeline(workspace: name, reader: reader, dispatcher: dispatcher, gate: gate, store: store, readiness: readiness,
                                               metrics: metrics, untilIdle: untilIdle, budget: { client.budget.available }, logger: logger))
        }
        self.pipelines = pipelines
    }

    /// How long a write may wait for a fuller batch (W7): under a stream of activities the
    /// dispatcher sends full collections of 200 instead of a call per trickle, at the cost of at
    /// most this much latency when fewer arrive.
    public static let batchLingerMilliseconds: Int64 = 250

    /// How long a graceful shutdown may take before the remaining steps are cancelled.
    public static let maximumShutdown: Duration = .seconds(30)

    /// The port the HTTP endpoints listen on, once they do.
    public var port: Int? { boundPort.withLock { $0 } }

    /// True when every pipeline waits with no new input and no write left to send or retry
    /// (``WorkspacePipeline/isIdle``): what the demo and the tests wait for before they read the org.
    public var isIdle: Bool { pipelines.allSatisfy(\.isIdle) }

    /// Runs until SIGTERM/SIGINT or ``shutdown()`` (with `untilIdle`: until every pipeline is idle).
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let byName = Dictionary(uniqueKeysWithValues: pipelines.map { ($0.workspace, $0) })
        let app = buildWorkerApplication(
            store: store, workspaces: configuration.workspaces.map(\.endpointWorkspace), metrics: metrics, readiness: readiness,
            host: configuration.listenHost, port: configuration.listenPort, logger: logger,
            onAppended: { workspace in byName[workspace]?.wake() },
            onServerRunning: { [self] port in
                self.boundPort.withLock { $0 = port }
                await onServerRunning(port)
            })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = pipelines.map {
            .init(service: $0, successTerminationBehavior: untilIdle ? .ignore : .gracefullyShutdownGroup)
        }
        // Last in the list, so shut down first: no new input while pipelines finish.
        services.append(.init(service: app))
        if untilIdle { services.insert(.init(service: IdleWatcher(pipelines: pipelines), successTerminationBehavior: .gracefullyShutdownGroup), at: 0) }
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A step that does not finish in time (a hung call) is cancelled: what it appended stays, the rest is redone on restart.
        groupConfiguration.maximumGracefulShutdownDuration = Self.maximumShutdown
        let group = ServiceGroup(configuration: groupConfiguration)
        self.group.withLock { $0 = group }
        try await group.run()
        readiness.beginDraining()
        // The state the pipelines folded in memory, stored so the next start need not fold it again.
        do { try await gate.saveCheckpoint() } catch {
            logger.warning("worker.checkpoint.failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        }
    }

    /// Graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        readiness.beginDraining()
        let group = self.group.withLock { $0 }
        await group?.triggerGracefulShutdown()
    }
}

/// With `--until-idle`: returns once every pipeline has returned (nothing due), which shuts the group down.
/// The worker could not start (the configuration could not be appended).
public struct WorkerStartError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

struct IdleWatcher: Service {
    let pipelines: [WorkspacePipeline]
    func run() async throws {
        while !pipelines.allSatisfy({ $0.hasFinished }) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
