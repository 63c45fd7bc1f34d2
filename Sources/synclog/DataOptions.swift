import ArgumentParser
import SyncStore

/// Options every subcommand shares.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory (created if missing).")
    var data: String = "synclog-data"

    /// Opens the data directory, turning failures into a clean message.
    func openStore() throws -> SyncStore {
        do { return try SyncStore(directory: data) } catch {
            throw CleanExit.message("error: \(error)")
        }
    }
}

/// Prints to standard error.
func printError(_ text: String, terminator: String = "\n") {
    var stream = StandardError()
    print(text, terminator: terminator, to: &stream)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

import Foundation
