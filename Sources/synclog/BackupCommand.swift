import ArgumentParser
import SyncStore

/// `synclog backup DEST`.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent, compacted copy of the data directory (safe while the worker runs)."
    )

    @OptionGroup var options: DataOptions

    @Argument(help: "The destination directory (created; must not already hold a log).")
    var destination: String

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        try store.backup(to: destination)
        print("backup written to \(destination)")
    }
}
