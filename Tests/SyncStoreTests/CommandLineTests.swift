import Foundation
import Testing

/// The built `synclog` executable, next to the test bundle.
func synclogExecutable() throws -> String {
    var candidates: [URL] = []
    let argumentZero = URL(fileURLWithPath: CommandLine.arguments[0])
    candidates.append(argumentZero.deletingLastPathComponent().appendingPathComponent("synclog"))
    candidates.append(argumentZero.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("synclog"))
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(packageRoot.appendingPathComponent(".build/debug/synclog"))
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate.path
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "synclog executable not found near \(argumentZero.path)"])
}

struct ProcessResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

func runSynclog(_ arguments: [String], standardInput: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try synclogExecutable())
    process.arguments = arguments
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    let input = Pipe()
    process.standardInput = input
    try process.run()
    if let standardInput { input.fileHandleForWriting.write(Data(standardInput.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
        standardError: String(decoding: errData, as: UTF8.self))
}

@Suite("The synclog command line")
struct CommandLineTests {
    @Test("ingest prints the counts and exits non-zero when a line was refused; stats and replay --verify agree")
    func ingestFromStandardInput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = [sentEmail(id: "act_1"), "{not json", sentEmail(id: "act_2"), sentEmail(id: "act_1")].joined(separator: "\n") + "\n"
        let ingest = try runSynclog(["ingest", "--data", directory, "-"], standardInput: input)
        #expect(ingest.status == 1)
        #expect(ingest.standardOutput.contains("accepted 2, duplicate 1, rejected 1"))
        #expect(ingest.standardError.contains("stdin:2: "))

        let clean = try runSynclog(["ingest", "--data", directory, "-"], standardInput: sentEmail(id: "act_3") + "\n")
        #expect(clean.status == 0)

        let stats = try runSynclog(["stats", "--data", directory, "--json"])
        #expect(stats.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [String: Any]
        #expect(object?["deadLetters"] as? Int == 1)

        let replay = try runSynclog(["replay", "--data", directory, "--verify"])
        #expect(replay.status == 0)
        #expect(replay.standardOutput.contains("verified"))

        let missing = try runSynclog(["ingest", "--data", directory, directory + "/no-such-file.jsonl"])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("no such file"))
    }

    /// Re-queueing itself is tested against the emulator (SyncWorkerTests: a write that failed
    /// for good is re-queued and then written); here, what the command refuses.
    @Test("outbox retry refuses an unknown key and a write that has not failed, exit 1, saying which")
    func outboxRetryRefusals() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples").path
        #expect(try runSynclog(["configure", "--data", directory, samples + "/workspace.json"]).status == 0)
        #expect(try runSynclog(["ingest", "--data", directory, "--changes", samples + "/changes.jsonl"]).status == 0)
        _ = try runSynclog(["ingest", "--data", directory, samples + "/activities.jsonl"])  // 1: refused lines on purpose
        let pending = try runSynclog(["outbox", "--data", directory, "--pending", "--json"])
        let first = try #require(pending.standardOutput.split(separator: "\n").first)
        let object = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        let key = try #require(object?["syncKey"] as? String)

        let notFailed = try runSynclog(["outbox", "retry", "--data", directory, key])
        #expect(notFailed.status == 1)
        #expect(notFailed.standardError.contains("is planned, not failed: nothing to retry"))
        let unknown = try runSynclog(["outbox", "retry", "--data", directory, "no-such-key"])
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("no planned write with sync key no-such-key"))
    }
}

@Suite("synclog run")
struct RunCommandTests {
    @Test("run reports every configuration problem at once, each with its path, and does not start")
    func configurationProblemsAllAtOnce() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("synclog-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = """
            {"workspace":"acme","internalDomains":["acme.com"],"excludedAddresses":[],"excludedDomains":[],"systemLocalParts":null,
             "defaultRole":"sales",
             "roles":{"sales":{"log":{"sent":true,"received":true,"opened":true,"replied":true,"clicked":true,"downloaded":true,
                                      "bounced":true,"meetings":true,"tasks":true},
                               "firstOnly":true,"syncUnresolved":false,"syncAllMessages":false,
                               "relatedObjects":{"standard":true,"onlyOwnedOpportunities":false,"allAccountOpportunities":false,
                                                 "closedOpportunities":false,"rollupToPrimaryAccount":false,"custom":[]},
                               "membersManageOwnSettings":false}},
             "users":[{"id":"u_1","email":"alice@acme.com","salesforceUserId":"005000000000001AAA","role":"closers","timeZone":"America/Los_Angeles","settings":null}],
             "salesforce":{"instanceUrl":"not a url","loginUrl":"https://login.salesforce.com","sandbox":false,"apiVersion":"62.0",
                           "auth":{"kind":"jwtBearer","clientId":"cid","username":"sync@acme.com","privateKeyFile":"missing-key.pem"},
                           "syncKeyField":"Synclog_Key__c","activityDateTimeField":"MixmaxActivityDateTime__c","apiReservePercent":20},
             "schedule":{"pollMinutes":30,"sweepDays":7,"describeAt":"00:00 America/Los_Angeles"},
             "server":{"listen":"127.0.0.1:8080","ingestTokenFile":"missing-ingest.txt","realtimeTokenFile":"missing-realtime.txt"}}
            """
        try config.write(toFile: directory + "/synclog.json", atomically: true, encoding: .utf8)
        let data = directory + "/data"
        let run = try runSynclog(["run", "--data", data, "--config", directory + "/synclog.json"])
        #expect(run.status == 2)
        for path in ["users[0].role", "salesforce.instanceUrl", "salesforce.auth.privateKeyFile", "server.ingestTokenFile",
                     "server.realtimeTokenFile"] {
            #expect(run.standardError.contains(path), "no problem reported at \(path): \(run.standardError)")
        }
        #expect(!run.standardError.contains("cid"), "the error output must not echo configuration secrets")
        #expect(!FileManager.default.fileExists(atPath: data), "the worker started (it created its data directory)")
    }
}
