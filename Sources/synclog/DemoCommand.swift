import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOPosix
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorkloads
import WorkerService

/// `synclog demo`: the first thing a new user runs (contract section 4).
///
/// Everything real, on loopback: an emulator with a generated org, the worker (`synclog run`'s
/// code, in this process) with its HTTP endpoints, activities delivered over `POST /activities`,
/// Salesforce changes made through the emulator's admin endpoints and pushed to the worker in
/// real time, transient errors injected, then the activity log. Leaves nothing running and
/// keeps nothing unless `--keep DIR` is given.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run an emulated org, the worker and a few thousand sample activities, then show the activity log."
    )

    @Option(name: .long, help: "How many activities to generate.")
    var activities = DemoScenario.defaultShape.activities

    @Option(name: .long, help: "Keep the data directory and configuration here (default: a temporary directory, removed).")
    var keep: String?

    @Flag(name: .long, help: "End with one JSON line of figures (for scripts and CI).")
    var json = false

    @Flag(name: .long, help: "Show the worker's logs (info level).")
    var verbose = false

    func run() async throws {
        var shape = DemoScenario.defaultShape
        shape.activities = activities
        let run = try DemoRun(shape: shape, keep: keep, verbose: verbose)
        let figures = try await run.execute()
        if json { print(figures.jsonLine) }
    }
}
