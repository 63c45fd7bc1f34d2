import ArgumentParser
import Foundation
import SyncDomain
import SyncStore

/// `synclog replay [--verify]`.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild every projection from the log, with progress; --verify compares with the stored ones."
    )

    @OptionGroup var options: DataOptions

    @Flag(name: .long, help: "Compare the replayed projections with the stored checkpoints; exit 1 on any difference.")
    var verify = false

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        let showProgress = isatty(STDERR_FILENO) != 0
        let (_, report) = try store.replay(SyncState.self) { position, end in
            guard showProgress, end > 0 else { return }
            let width = 30
            let done = Int(Double(position) / Double(end) * Double(width))
            let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
            printError("\r[\(bar)] \(position)/\(end)", terminator: position == end ? "\n" : "")
        }
        print("replayed \(report.events) events in \(String(format: "%.2f", report.seconds)) s (\(Int(report.eventsPerSecond)) events/s)")
        guard verify else { return }
        var mismatches: [String] = []
        if let mismatch = try store.verify(EventCounts.self) { mismatches.append(mismatch) }
        if let mismatch = try store.verify(SyncState.self) { mismatches.append(mismatch) }
        if mismatches.isEmpty {
            print("verified: the stored projections match the log")
        } else {
            for mismatch in mismatches { printError("mismatch: \(mismatch)") }
            throw ExitCode(1)
        }
    }
}
