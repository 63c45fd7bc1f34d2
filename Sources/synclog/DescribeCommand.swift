import ArgumentParser
import Salesforce
import SyncDomain
import SyncStore
import SyncWorker
import WorkerService

/// `synclog describe [--refresh] --config FILE`: the Task and Event field metadata the log holds
/// (C5); `--refresh` reads it from Salesforce now ("get latest fields") and appends what changed.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show the Task/Event field metadata the log holds; --refresh reads it from Salesforce now (C5)."
    )

    @OptionGroup var options: DataOptions

    @Option(name: .long, help: "The worker configuration file (needed with --refresh).")
    var config: String?

    @Option(name: .long, help: "Only this workspace.")
    var workspace: String?

    @Flag(name: .long, help: "Read the describe from Salesforce now and append what changed.")
    var refresh = false

    @Flag(name: .long, help: "Print as JSON.")
    var json = false

    func validate() throws {
        if refresh && config == nil { throw ValidationError("--refresh needs --config FILE (how to reach Salesforce)") }
    }

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        if refresh, let config {
            let configuration: WorkerConfiguration
            do { configuration = try WorkerConfiguration.load(path: config) } catch {
                printError("error: \(error)")
                throw ExitCode(2)
            }
            let gate = StoreGate(store: store)
            for loaded in configuration.workspaces where workspace == nil || loaded.name == workspace {
                let client = SalesforceClient(configuration: loaded.salesforceConfiguration())
                let reader = SalesforceReader(gate: gate, client: client, configuration: ReaderConfiguration(configuration: loaded.configuration))
                let report = try await reader.refreshDescribe()
                print("\(loaded.name): \(report.eventsAppended == 0 ? "unchanged" : "\(report.eventsAppended) describe(s) changed and appended")")
            }
        }
        let state = try await store.catchUp().state
        var out: [JSONValue] = []
        for (name, ws) in state.workspaces.sorted(by: { $0.key < $1.key }) where workspace == nil || name == workspace {
            let org = ws.org
            let hidden = org.hiddenFields.sorted { $0.key < $1.key }.map { "\($0.key).\($0.value.sorted().joined(separator: ","))" }
            if json {
                out.append(.object([.init("workspace", .string(name)), .init("taskDescribeSeen", .bool(org.taskDescribeSeen)),
                                    .init("taskFields", .array(org.taskFields.sorted().map { .string($0) })),
                                    .init("externalIdFields", .array(org.taskExternalIdFields.sorted().map { .string($0) })),
                                    .init("sharedActivities", .bool(org.sharedActivities)),
                                    .init("hiddenFields", .array(hidden.map { .string($0) }))]))
            } else {
                print("\(name): Task describe \(org.taskDescribeSeen ? "seen" : "never seen"); \(org.taskFields.count) fields; "
                      + "sync-key external id: \(org.taskExternalIdFields.sorted().joined(separator: ", ").isEmpty ? "none" : org.taskExternalIdFields.sorted().joined(separator: ", ")); "
                      + "shared activities (TaskWhoIds): \(org.sharedActivities ? "on" : "off"); hidden: \(hidden.isEmpty ? "none" : hidden.joined(separator: "; "))")
            }
        }
        if json { print(JSONValue.array(out).jsonString) }
    }
}
