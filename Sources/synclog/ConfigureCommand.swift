import ArgumentParser
import Foundation
import SyncDomain
import SyncStore

/// `synclog configure FILE`.
struct ConfigureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Append a workspace configuration if it differs from the one in force, and print what changed."
    )

    @OptionGroup var options: DataOptions

    @Argument(help: "The configuration file (contract section 2), JSON: one workspace object or an array of them.")
    var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("\(file): cannot be read")
        }
        let store = try options.openStore()
        defer { store.close() }
        let reports: [ConfigureReport]
        do {
            reports = try await store.configure([UInt8](data), source: file, now: .now)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        for report in reports {
            if !report.appended {
                print("\(report.workspace): unchanged")
                continue
            }
            print("\(report.workspace): configuration appended")
            for change in report.changes { print("  \(change)") }
        }
        try await store.catchUp()
    }
}
