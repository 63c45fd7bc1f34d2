import ArgumentParser
import SyncDomain
import SyncStore

/// `synclog outbox [--failed|--pending]` and `synclog outbox retry KEY`.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List planned writes and their state; `outbox retry KEY` re-queues a failed one.",
        subcommands: [List.self, Retry.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List planned writes and their state.")

        @OptionGroup var options: DataOptions

        @Flag(name: .long, help: "Only writes that failed (transient or permanent).")
        var failed = false

        @Flag(name: .long, help: "Only writes not yet written (planned, dispatching, waiting for a retry).")
        var pending = false

        @Option(name: .long, help: "Only this workspace.")
        var workspace: String?

        @Flag(name: .long, help: "Print as JSON Lines.")
        var json = false

        func run() async throws {
            let store = try options.openStore()
            defer { store.close() }
            let state = try await store.catchUp().state
            var states = Set(Outbox.State.allCases)
            if failed { states = states.filter { $0.rawValue.hasPrefix("failed") } }
            if pending { states = states.filter { !$0.rawValue.hasPrefix("failed") && $0 != .written } }
            for (workspace, entry) in Audit.outbox(workspace: workspace, states: states, in: state) {
                if json {
                    print(OutboxCommand.json(workspace: workspace, entry: entry))
                } else {
                    let error = entry.lastError.map { "  \($0)" } ?? ""
                    print("\(workspace)  \(entry.write.syncKey)  \(entry.write.object.rawValue)  \(entry.state.rawValue)  attempts \(entry.attempts)\(entry.salesforceId.map { "  \($0)" } ?? "")\(error)")
                }
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Re-queue a failed write.")

        @OptionGroup var options: DataOptions

        @Argument(help: "The sync key of the write (see `synclog outbox --failed`).")
        var syncKey: String

        func run() async throws {
            let store = try options.openStore()
            defer { store.close() }
            let state = try await store.catchUp().state
            guard let (workspace, entry) = Audit.outbox(states: Set(Outbox.State.allCases), in: state)
                .first(where: { $0.entry.write.syncKey == syncKey })
            else {
                printError("error: no planned write with sync key \(syncKey)")
                throw ExitCode(1)
            }
            guard entry.state.rawValue.hasPrefix("failed") else {
                printError("error: write \(syncKey) is \(entry.state.rawValue), not failed: nothing to retry")
                throw ExitCode(1)
            }
            try await store.requeue(syncKey: syncKey, workspace: workspace, now: .now)
            print("re-queued \(syncKey)")
        }
    }

    static func json(workspace: String, entry: Outbox.Entry) -> String {
        var members: [JSONValue.Member] = [
            .init("workspace", .string(workspace)), .init("syncKey", .string(entry.write.syncKey)),
            .init("object", .string(entry.write.object.rawValue)), .init("operation", .string(entry.write.operation.rawValue)),
            .init("state", .string(entry.state.rawValue)), .init("attempts", .number(Double(entry.attempts))),
            .init("activityId", .string(entry.activityId)),
        ]
        members.append(.init("salesforceId", entry.salesforceId.map(JSONValue.string) ?? .null))
        members.append(.init("lastError", entry.lastError.map(JSONValue.string) ?? .null))
        return String(decoding: JSONValue.object(members).jsonBytes(), as: UTF8.self)
    }
}
