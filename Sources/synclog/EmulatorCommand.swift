import ArgumentParser
import Logging
import SalesforceEmulator

/// `synclog emulator`: a local Salesforce org that answers the REST API (contract.md section 5).
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Run a local Salesforce org that answers the REST API like the real one."
    )

    @Option(help: "Port to listen on (0 picks a free one and prints it).")
    var port: Int = 8443

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Org fixture (JSON): settings and records by object. Default: an empty org.")
    var org: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for HTTPS.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS.")
    var tlsKey: String?

    @Option(help: "URL that changes made through the admin endpoints are POSTed to (contract section 3).")
    var notify: String?

    @Option(name: .customLong("notify-token"), help: "Bearer token sent with each notification.")
    var notifyToken: String?

    @Option(help: "File the org's records are loaded from at start (when it exists) and saved to on exit.")
    var state: String?

    @Option(name: .customLong("data"), help: "Unused by the emulator; accepted like every subcommand.")
    var data: String = "./synclog-data"

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        if notifyToken != nil && notify == nil {
            throw ValidationError("--notify-token needs --notify URL")
        }
        if !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535")
        }
    }

    func run() async throws {
        var logger = Logger(label: "synclog.emulator")
        logger.logLevel = .info
        let fixture: OrgFixture
        do {
            fixture = try org.map { try OrgFixture.load(path: $0) } ?? OrgFixture()
        } catch {
            throw ValidationError("\(error)")
        }
        let configuration = EmulatorConfiguration(
            host: host, port: port, fixture: fixture, tlsCertificatePath: tlsCert, tlsKeyPath: tlsKey,
            notifyURL: notify, notifyToken: notifyToken, stateFile: state, logger: logger)
        try await EmulatorService.run(configuration: configuration)
    }
}
