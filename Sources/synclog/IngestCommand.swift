import ArgumentParser
import Foundation
import SyncDomain
import SyncStore

/// `synclog ingest FILE|-` and `synclog ingest --changes FILE|-`.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Append activities (or, with --changes, Salesforce changes) from a JSON Lines file or stdin.",
        discussion: """
            Valid lines are appended in order; a refused line goes to the dead-letter store with its line \
            number and reason, the other lines still go in, and the exit status is 1. An activity id seen \
            before is a duplicate delivery (D1): stored once, the redelivery recorded.
            """
    )

    @OptionGroup var options: DataOptions

    @Flag(name: .long, help: "The file holds Salesforce changes (contract section 3), not activities.")
    var changes = false

    @Option(name: .long, help: "The workspace the Salesforce changes belong to (default: the only configured one).")
    var workspace: String?

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Argument(help: "A JSON Lines file, or - for standard input.")
    var file: String

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        let lines = try InputLines(path: file)
        let now = Timestamp.now
        let report: IngestReport
        if changes {
            let workspace = try resolveWorkspace(store)
            report = try await store.ingestChanges(lines, source: lines.name, workspace: workspace, now: now)
        } else {
            report = try await store.ingestActivities(lines, source: lines.name, now: now)
        }
        let planning = try await store.catchUp().report
        if json {
            let object: [String: Any] = [
                "accepted": report.accepted, "duplicate": report.duplicates, "rejected": report.rejected,
                "decisions": planning.decisionsAppended,
                "rejections": report.rejections.map { ["line": $0.line, "reason": $0.reason] },
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for letter in report.rejections.prefix(20) { printError("rejected \(letter.summary)") }
            if report.rejections.count > 20 {
                printError("... and \(report.rejections.count - 20) more (all kept in the dead-letter store)")
            }
            print(report.summary)
            if planning.decisionsAppended > 0 { print("planned \(planning.decisionsAppended) activities") }
        }
        if report.rejected > 0 { throw ExitCode(1) }
    }

    private func resolveWorkspace(_ store: SyncStore) throws -> String {
        if let workspace { return workspace }
        let known = try store.configuredWorkspaces()
        guard known.count == 1 else {
            throw ValidationError(
                known.isEmpty
                    ? "no workspace is configured yet: run `synclog configure FILE` first or pass --workspace"
                    : "several workspaces are configured (\(known.joined(separator: ", "))): pass --workspace")
        }
        return known[0]
    }
}
