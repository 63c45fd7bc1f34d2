import EventLog
import EventLogTorture
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Crash safety")
struct CrashSafetyTests {
    /// Kills a child that appends with several concurrent tasks (single events and batches)
    /// with SIGKILL at random moments, reopens the log after each kill, and checks that every
    /// acknowledged event is there exactly once at its acknowledged position, in order, with
    /// its payload intact and no gaps.
    @Test("Every acknowledged append survives kill -9, exactly once, in order", .timeLimit(.minutes(10)))
    func acknowledgedAppendsSurviveKill() async throws {
        let torture = try Self.tortureExecutable()
        try await withTemporaryDirectory { directory in
            let logDirectory = directory + "/log"
            var acknowledged: [String: UInt64] = [:]
            var generator = SystemRandomNumberGenerator()
            let kills = 24
            let started = ContinuousClock.now
            var killedWhileRunning = 0

            for round in 0..<kills {
                let outputPath = directory + "/round-\(round).out"
                let errorPath = directory + "/round-\(round).err"
                _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
                _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
                let output = try #require(FileHandle(forWritingAtPath: outputPath))
                let errors = try #require(FileHandle(forWritingAtPath: errorPath))
                let process = Process()
                process.executableURL = URL(fileURLWithPath: torture)
                process.arguments = [logDirectory, "r\(round)", "6"]
                process.standardOutput = output
                process.standardError = errors
                try process.run()

                // Let it acknowledge something, then kill it at a random moment.
                let deadline = ContinuousClock.now + .seconds(20)
                while Self.fileSize(outputPath) == 0 && process.isRunning && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(2))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
                if process.isRunning { killedWhileRunning += 1 }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                try output.close()
                try errors.close()
                let stderrText = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
                #expect(process.terminationReason == .uncaughtSignal, "round \(round): the child exited by itself: \(stderrText)")
                #expect(stderrText.isEmpty, "round \(round): \(stderrText)")

                // What the child acknowledged (complete lines only: a kill can cut the last one).
                let text = try String(contentsOfFile: outputPath, encoding: .utf8)
                var problems: [String] = []
                var roundAcks = 0
                for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                    let fields = line.split(separator: " ")
                    guard fields.count == 3, let position = UInt64(fields[2]) else {
                        problems.append("round \(round): unreadable line '\(line)'")
                        continue
                    }
                    let id = String(fields[1])
                    switch fields[0] {
                    case "ack":
                        roundAcks += 1
                        if let earlier = acknowledged[id] { problems.append("\(id) acknowledged twice: \(earlier), \(position)") }
                        acknowledged[id] = position
                    case "dup":
                        if acknowledged[id] != position {
                            problems.append("\(id) duplicate reported at \(position), acknowledged at \(acknowledged[id] ?? 0)")
                        }
                    default:
                        problems.append("round \(round): unknown line '\(line)'")
                    }
                }
                #expect(roundAcks > 0, "round \(round): nothing was acknowledged before the kill")

                // Reopen and check the whole log against everything ever acknowledged.
                let log = try EventLog(directory: logDirectory)
                var expectedPosition: UInt64 = 1
                var positionOfID: [String: UInt64] = [:]
                var lastSequence: [String: (sequence: Int, position: UInt64)] = [:]
                try log.scanEvents(from: 1) { position, idBytes, payload in
                    let id = String(decoding: idBytes, as: UTF8.self)
                    if position != expectedPosition { problems.append("gap: expected \(expectedPosition), found \(position)") }
                    expectedPosition = position + 1
                    if let earlier = positionOfID[id] { problems.append("\(id) stored twice: \(earlier) and \(position)") }
                    positionOfID[id] = position
                    if !payload.elementsEqual(torturePayload(for: id)) { problems.append("\(id) at \(position): payload differs") }
                    // Within one task of one run, later sequence numbers have later positions.
                    let parts = id.split(separator: "-")
                    if parts.count == 3, let sequence = Int(parts[2]) {
                        let stream = "\(parts[0])-\(parts[1])"
                        if let previous = lastSequence[stream], previous.sequence >= sequence {
                            problems.append("\(id) at \(position) is out of order after sequence \(previous.sequence)")
                        }
                        lastSequence[stream] = (sequence, position)
                    } else {
                        problems.append("unexpected id \(id)")
                    }
                    return problems.count < 20
                }
                #expect(try log.lastPosition() == expectedPosition - 1)
                #expect(try log.statistics().eventCount == Int(expectedPosition - 1))
                for (id, position) in acknowledged where positionOfID[id] != position {
                    problems.append("acknowledged \(id) at \(position) but the log has it at \(positionOfID[id].map(String.init) ?? "nowhere")")
                    if problems.count >= 20 { break }
                }
                log.close()
                #expect(problems.isEmpty, "round \(round): \(problems.prefix(20).joined(separator: "; "))")
                if !problems.isEmpty { break }
                // Bounded in time, but never before the 20 kills the test promises (a loaded CI
                // machine, running other suites in parallel, makes rounds slower).
                if killedWhileRunning >= 20 && ContinuousClock.now - started > .seconds(90) { break }
            }
            #expect(killedWhileRunning >= 20, "the child should be killed while appending, at least 20 times")
            #expect(acknowledged.count > 1000)
        }
    }

    /// LMDB lets one process read while another writes; when the writer grows the map past
    /// the reader's, the reader's next transaction gets `MDB_MAP_RESIZED`, which the log must
    /// absorb (adopt the new size and retry) rather than throw.
    @Test("A reader in another process keeps reading while the writing process grows the map", .timeLimit(.minutes(2)))
    func readerInAnotherProcessFollowsMapGrowth() async throws {
        let torture = try Self.tortureExecutable()
        try await withTemporaryDirectory { directory in
            let logDirectory = directory + "/log"
            let reader = try EventLog(directory: logDirectory, configuration: .init(initialMapSize: 1 << 20))
            defer { reader.close() }
            let initialMapSize = try reader.statistics().mapSize

            let process = Process()
            process.executableURL = URL(fileURLWithPath: torture)
            process.arguments = [logDirectory, "grow", "4"]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            defer {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }

            var readsAfterGrowth = 0
            var last: UInt64 = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while readsAfterGrowth < 20 && ContinuousClock.now < deadline {
                let position = try reader.lastPosition()
                #expect(position >= last)
                last = position
                if position > 0 {
                    let event = try #require(try reader.event(at: position))
                    #expect(event.payload == torturePayload(for: event.id))
                }
                if try reader.statistics().mapSize > initialMapSize { readsAfterGrowth += 1 }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(readsAfterGrowth >= 20, "the writer should have grown the map past the reader's \(initialMapSize) bytes")

            var count: UInt64 = 0
            try reader.scan(from: 1) { position, _ in
                count += 1
                return position == count
            }
            #expect(count >= last)
        }
    }

    private static func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// The EventLogTorture executable built next to this test binary.
    ///
    /// Looks in `EVENTLOG_TORTURE` if set, then in the directories of this process's
    /// executable and of `argv[0]` (and their parents, for bundle layouts), then in the
    /// package's `.build/debug`.
    static func tortureExecutable() throws -> String {
        let name = "EventLogTorture"
        if let path = ProcessInfo.processInfo.environment["EVENTLOG_TORTURE"] { return path }
        var starts: [URL] = []
        if let executable = Bundle.main.executableURL { starts.append(executable.resolvingSymlinksInPath()) }
        if let selfExecutable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: selfExecutable))
        }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath())
        starts.append(Bundle.main.bundleURL)
        var candidates: [String] = []
        for start in starts {
            var directory = start.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent(name).path)
                directory = directory.deletingLastPathComponent()
            }
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/\(name)").path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        Issue.record("EventLogTorture not found; looked in: \(candidates.joined(separator: ", ")). Build it (swift build) or set EVENTLOG_TORTURE.")
        throw CancellationError()
    }
}
