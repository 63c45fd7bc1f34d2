import ArgumentParser
import Foundation
import EventLog
import SyncDomain
import SyncStore

/// `synclog stats`.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show log size, positions, projection lag and counts."
    )

    @OptionGroup var options: DataOptions

    @Flag(name: .long, help: "Print as JSON.")
    var json = false

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        let statistics = try store.log.statistics()
        let checkpoint = try store.storedCheckpoint(SyncState.self)
        let counts = try await store.current(EventCounts.self)
        let deadLetters = try store.deadLetters().count
        let lag = statistics.lastPosition - (checkpoint?.position ?? 0)
        if json {
            let object: [String: Any] = [
                "lastPosition": statistics.lastPosition, "events": statistics.eventCount,
                "mapSizeBytes": statistics.mapSize, "usedBytes": statistics.bytesUsed, "fileBytes": statistics.fileBytes,
                "projectionLag": lag, "deadLetters": deadLetters, "byWorkspace": counts.byWorkspace,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("data directory   \(store.directory)")
        print("last position    \(statistics.lastPosition)")
        print("events           \(statistics.eventCount)")
        print("used / map size  \(megabytes(statistics.bytesUsed)) / \(megabytes(statistics.mapSize))")
        print("data.mdb         \(megabytes(statistics.fileBytes)) (used, plus zeros written ahead for faster commits)")
        print("projection lag   \(lag) events behind the sync state's checkpoint")
        print("dead letters     \(deadLetters)")
        for workspace in counts.byWorkspace.keys.sorted() {
            print("workspace \(workspace)")
            for (type, count) in counts.byWorkspace[workspace, default: [:]].sorted(by: { $0.key < $1.key }) {
                print("  \(type.padding(toLength: 36, withPad: " ", startingAt: 0)) \(count)")
            }
        }
    }

    private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
}
