import Foundation
import SyncDomain
import Testing

/// The JSON Schemas in Schemas/ and the Swift decoders must agree on every
/// example and every line of the sample data, so that the two never drift:
/// Python's `jsonschema` (scripts/validate_schemas.py) gives one verdict, the
/// decoders another, and the test compares them document by document.
@Suite("Schemas and Swift decoders agree")
struct SchemaTests {
    /// One verdict from scripts/validate_schemas.py.
    struct SchemaVerdict: Hashable {
        var file: String
        var line: Int?
        var schema: String
        var valid: Bool
        var error: String?
    }

    /// The repository root: the first ancestor of this file that has Schemas/.
    static let root: URL = {
        if let env = ProcessInfo.processInfo.environment["SYNCLOG_ROOT"] { return URL(fileURLWithPath: env) }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Schemas").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    static func runValidator() throws -> [SchemaVerdict] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", root.appendingPathComponent("scripts/validate_schemas.py").path, "--root", root.path]
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        if !errData.isEmpty {
            Issue.record("validate_schemas.py: \(String(decoding: errData, as: UTF8.self))")
        }
        var verdicts: [SchemaVerdict] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            let v = try JSONParser.parse(Array(line))
            verdicts.append(
                SchemaVerdict(
                    file: v["file"]?.stringValue ?? "", line: v["line"].flatMap { if case .number(let n) = $0 { Int(n) } else { nil } },
                    schema: v["schema"]?.stringValue ?? "", valid: v["valid"] == .bool(true), error: v["error"]?.stringValue))
        }
        return verdicts
    }

    /// The Swift decoders' verdict on one document: nil when accepted, else the rejection text.
    static func swiftVerdict(schema: String, bytes: [UInt8]) -> String? {
        switch schema {
        case "activity": return ActivityJSON.decode(bytes).failureText
        case "salesforce-change": return SalesforceChangeJSON.decode(bytes).failureText
        case "workspace-configuration": return WorkspaceConfigurationJSON.decode(bytes).failureText
        default: return "no decoder for \(schema)"
        }
    }

    static func read(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    @Test("every example: good ones pass both, bad ones fail both, semantic ones only the decoder")
    func examplesAgree() throws {
        let verdicts = try Self.runValidator().filter { $0.file.hasPrefix("Schemas/examples/") }
        let expected = try JSONParser.parse(Self.read("Schemas/examples/expected-rejections.json"))
        // Every example directory is covered and the validator saw every file.
        let onDisk = try FileManager.default.subpathsOfDirectory(atPath: Self.root.appendingPathComponent("Schemas/examples").path)
            .filter { $0.hasSuffix(".json") && $0 != "expected-rejections.json" }
        #expect(Set(verdicts.map(\.file)) == Set(onDisk.map { "Schemas/examples/" + $0 }))
        #expect(verdicts.count >= 90)
        for kind in ["activity", "workspace-configuration", "salesforce-change"] {
            #expect(verdicts.contains { $0.schema == kind && $0.file.contains("/good/") })
            #expect(verdicts.contains { $0.schema == kind && $0.file.contains("/bad/") })
        }

        for v in verdicts {
            let relative = String(v.file.dropFirst("Schemas/examples/".count))
            let swift = Self.swiftVerdict(schema: v.schema, bytes: try Self.read(v.file))
            if relative.hasPrefix("good/") {
                #expect(v.valid, "schema refuses good example \(v.file): \(v.error ?? "")")
                #expect(swift == nil, "decoder refuses good example \(v.file): \(swift ?? "")")
            } else if relative.hasPrefix("bad/") {
                #expect(!v.valid, "schema accepts bad example \(v.file)")
                #expect(swift != nil, "decoder accepts bad example \(v.file)")
            } else {
                #expect(v.valid, "schema refuses \(v.file); move it to bad/ if the schema can express the check")
                #expect(swift != nil, "decoder accepts semantically bad example \(v.file)")
            }
            if !relative.hasPrefix("good/") {
                let want = try #require(expected[relative]?.stringValue, "no expected rejection listed for \(relative)")
                #expect(swift == want, "\(v.file)")
            }
        }
    }

    @Test("the sample data passes the schemas and the decoders, line by line")
    func samplesAgree() throws {
        let verdicts = try Self.runValidator().filter { $0.file.hasPrefix("Samples/") }
        #expect(Set(verdicts.map(\.file)) == ["Samples/activities.jsonl", "Samples/changes.jsonl", "Samples/workspace.json"])
        for v in verdicts {
            #expect(v.valid, "\(v.file):\(v.line ?? 0): \(v.error ?? "")")
        }
        // The decoders over the same documents.
        let activityLines = try Self.read("Samples/activities.jsonl").split(separator: UInt8(ascii: "\n"))
        #expect(activityLines.count == verdicts.filter { $0.file == "Samples/activities.jsonl" }.count)
        var types: Set<ActivityType> = []
        for (i, line) in activityLines.enumerated() {
            switch ActivityJSON.decode(Array(line)) {
            case .success(let a): types.insert(a.type)
            case .failure(let r): Issue.record("activities.jsonl:\(i + 1): \(r)")
            }
        }
        #expect(types == Set(ActivityType.allCases), "the sample covers every activity type")
        for (i, line) in try Self.read("Samples/changes.jsonl").split(separator: UInt8(ascii: "\n")).enumerated() {
            if let r = SalesforceChangeJSON.decode(Array(line)).failureText { Issue.record("changes.jsonl:\(i + 1): \(r)") }
        }
        let configs = try WorkspaceConfigurationJSON.decode(Self.read("Samples/workspace.json")).get()
        #expect(configs.count == 1)
    }

    @Test("the contract's own examples are among the good examples, unchanged")
    func contractExamplesPresent() throws {
        let activity = try JSONParser.parse(Self.read("Schemas/examples/good/activity/contract-email-sent.json"))
        #expect(activity["id"] == .string("act_0001"))
        #expect(activity["message"]?["sequence"]?["name"] == .string("Q4 Renewals"))
        let config = try JSONParser.parse(Self.read("Schemas/examples/good/workspace-configuration/contract-example.json"))
        #expect(config["salesforce"]?["auth"]?["refreshTokenFile"] == .string("…"))
        let change = try JSONParser.parse(Self.read("Schemas/examples/good/salesforce-change/contract-example.json"))
        #expect(change["record"]?["SystemModstamp"] == .string("2026-11-20T15:00:00.000+0000"))
        // When the shared docs are present (beside the repository, as in CI), compare with the JSON
        // blocks of contract.md itself.
        let contract = Self.root.deletingLastPathComponent().appendingPathComponent("shared/docs/contract.md")
        if let text = try? String(contentsOf: contract, encoding: .utf8) {
            let blocks = text.components(separatedBy: "```json\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
            let parsed = blocks.compactMap { try? JSONParser.parse($0) }
            #expect(parsed.contains(activity))
            #expect(parsed.contains(config))
            #expect(parsed.contains(change))
        }
    }
}

extension Result where Failure == InputRejection {
    var failureText: String? {
        if case .failure(let r) = self { return r.description }
        return nil
    }
}
