public import ArgumentParser
import Logging
import SyncStore
import WorkerService

/// `synclog run --config FILE [--until-idle]`: the pipeline worker (contract section 4).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipeline worker: ingest and real-time endpoints, poller, sweeper, describe refresh, outbox dispatcher.",
        discussion: """
            One process for every workspace in the configuration (one object or an array; contract section 2). \
            Configuration problems are all reported at once, each with its path in the file, and the worker does not start. \
            SIGTERM or SIGINT: stop taking input, let in-flight calls finish, commit, exit 0.
            """
    )

    @OptionGroup var options: DataOptions

    @Option(name: .long, help: "The worker configuration file (JSON).")
    var config: String

    @Flag(name: .long, help: "Exit once nothing is due: the first audit done, the outbox drained (scripts, tests).")
    var untilIdle = false

    @Option(name: .long, help: "Log format: text or json.")
    var logFormat: LogFormat = .text

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        WorkerService.bootstrapLogging(format: logFormat, level: logLevel)
        let configuration: WorkerConfiguration
        do { configuration = try WorkerConfiguration.load(path: config) } catch {
            printError("error: \(error)")
            throw ExitCode(2)
        }
        let store = try options.openStore()
        defer { store.close() }
        let logger = Logger(label: "synclog.worker")
        let worker = try await Worker(configuration: configuration, store: store, untilIdle: untilIdle, logger: logger)
        try await worker.run { port in
            logger.notice("worker.listening", metadata: ["port": "\(port)", "workspaces": "\(configuration.workspaces.count)"])
        }
    }
}

extension LogFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
