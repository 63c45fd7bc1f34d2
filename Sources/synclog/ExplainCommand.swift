import ArgumentParser
import SyncDomain
import SyncStore

/// `synclog explain ACTIVITY_ID`.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell the story of one activity: status, each decision with its rule id, writes and responses."
    )

    @OptionGroup var options: DataOptions

    @Option(name: .long, help: "The workspace (needed only when several have an activity with this id).")
    var workspace: String?

    @Flag(name: .long, help: "Print as JSON (contract section 6).")
    var json = false

    @Argument(help: "The activity id, as delivered (e.g. act_0001).")
    var activityId: String

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        let state = try await store.catchUp().state
        guard let story = Audit.explain(activityId: activityId, workspace: workspace, in: state) else {
            printError("error: no activity \(activityId)\(workspace.map { " in workspace \($0)" } ?? "") in \(options.data)")
            throw ExitCode(1)
        }
        print(json ? story.json() : story.text())
    }
}
