import ArgumentParser
import SyncDomain
import SyncStore

/// `synclog activity-log`.
struct ActivityLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity-log",
        abstract: "List activities with their status and the rule that decided it (L1-L4)."
    )

    @OptionGroup var options: DataOptions

    @Option(name: .long, help: "Only this status: Synced, \"Not Synced\", Error or Pending.")
    var status: String?

    @Option(name: .long, help: "Only this workspace user id.")
    var user: String?

    @Option(name: .long, help: "Only this recipient address.")
    var recipient: String?

    @Option(name: .long, help: "Only activities at or after this RFC 3339 time.")
    var since: String?

    @Option(name: .long, help: "Only this workspace.")
    var workspace: String?

    @Option(name: .long, help: "At most this many rows (in time order).")
    var limit: Int?

    @Flag(name: .long, help: "Per-role counts of synced, not synced and errored activities (L4).")
    var summary = false

    @Flag(name: .long, help: "Print as JSON.")
    var json = false

    func validate() throws {
        if let status, ActivityStatus(rawValue: status) == nil {
            throw ValidationError("--status: \"\(status)\" is not one of Synced, \"Not Synced\", Error, Pending")
        }
        if let since, Timestamp(rfc3339: since) == nil {
            throw ValidationError("--since: not an RFC 3339 date-time (e.g. 2026-11-20T00:00:00Z)")
        }
    }

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        let state = try await store.catchUp().state
        let filter = ActivityLogFilter(
            workspace: workspace, status: status.flatMap(ActivityStatus.init(rawValue:)), user: user,
            recipient: recipient, since: since.flatMap(Timestamp.init(rfc3339:)), limit: limit)
        if summary {
            let summaries = Audit.summary(filter, in: state)
            print(json ? Audit.json(summaries) : Audit.table(summaries))
        } else {
            let rows = Audit.activityLog(filter, in: state)
            print(json ? Audit.json(rows) : Audit.table(rows))
        }
    }
}
