import ArgumentParser
import Foundation
import EventLog
import SyncDomain
import SyncStore

/// `synclog dead-letters`.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List refused input with its source, line and reason."
    )

    @OptionGroup var options: DataOptions

    @Flag(name: .long, help: "Print as JSON Lines, with the refused bytes (base64).")
    var json = false

    func run() async throws {
        let store = try options.openStore()
        defer { store.close() }
        for letter in try store.deadLetters() {
            if json {
                let object: [String: Any] = [
                    "source": letter.source, "line": letter.line, "reason": letter.reason, "kind": letter.kind,
                    "receivedAt": letter.receivedAt.rfc3339String, "bytes": Data(letter.bytes).base64EncodedString(),
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print("\(letter.receivedAt.rfc3339String)  \(letter.kind)  \(letter.summary)")
            }
        }
    }
}
