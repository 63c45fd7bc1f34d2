import Foundation
public import Logging
import SyncDomain
import SyncStore
import Synchronization

/// How the worker writes its logs.
public enum LogFormat: String, Sendable, CaseIterable {
    /// swift-log's plain text lines, for people at a terminal.
    case text
    /// One JSON object per line (``JSONLogHandler``), for log collectors.
    case json
}

/// A swift-log handler writing one JSON object per line:
/// `{"ts":"2026-11-20T15:04:05.123Z","level":"info","label":"synclog.worker","message":"outbox.dispatch.batch","workspace":"acme","request.id":"7"}`.
///
/// Nested metadata is flattened with dotted keys; lists become JSON arrays of strings.
///
/// Rule: default logs carry no personal data or secrets. Callers log ids, counts, rule ids and
/// error codes, never emails, subjects, names or tokens. As a safety net, a metadata value whose
/// key names such a thing (`email`, `subject`, `token`, `authorization`, `password`, `secret`,
/// `name`, `phone`, `body`, ...) is written as `"[redacted]"`.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    let write: @Sendable (String) -> Void

    /// A handler for `label` writing to standard error.
    public init(label: String) {
        self.init(label: label, write: JSONLogHandler.writeToStandardError)
    }

    /// A handler for `label` handing each line (with its `\n`) to `write` (tests).
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Key fragments whose values are never written (compared lowercased, anywhere in the key).
    public static let redactedKeyFragments = [
        "email", "subject", "token", "authorization", "password", "secret", "privatekey", "name", "phone", "body",
        "recipient",
        "address", "notes",
    ]

    static func isRedacted(_ key: String) -> Bool {
        let lower = key.lowercased()
        return redactedKeyFragments.contains { lower.contains($0) }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var flat: [(String, JSONValue)] = []
        for (key, value) in merged { Self.flatten(key, value, into: &flat) }
        flat.sort { $0.0 < $1.0 }
        var members: [JSONValue.Member] = [
            .init("ts", .string(Timestamp.now.rfc3339String)), .init("level", .string(event.level.rawValue)),
            .init("label", .string(label)), .init("message", .string(event.message.description)),
        ]
        let reserved: Set<String> = ["ts", "level", "label", "message"]
        for (key, value) in flat {
            let name = reserved.contains(key) ? "metadata." + key : key
            members.append(.init(name, Self.isRedacted(key) ? .string("[redacted]") : value))
        }
        write(JSONValue.object(members).jsonString + "\n")
    }

    static func flatten(_ key: String, _ value: Logger.Metadata.Value, into out: inout [(String, JSONValue)]) {
        switch value {
        case .string(let s): out.append((key, .string(s)))
        case .stringConvertible(let c): out.append((key, .string(c.description)))
        case .array(let items): out.append((key, .array(items.map { .string($0.description) })))
        case .dictionary(let d):
            for (k, v) in d { flatten(key + "." + k, v, into: &out) }
        }
    }

    static let standardErrorLock = Mutex(())

    @Sendable static func writeToStandardError(_ line: String) {
        standardErrorLock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}

extension WorkerService {
    /// Bootstraps swift-log for the `synclog` process (call once, from the executable only).
    ///
    /// ```swift
    /// WorkerService.bootstrapLogging(format: .json, level: .info)
    /// ```
    public static func bootstrapLogging(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in makeLogHandler(label: label, format: format, level: level) }
    }

    /// The handler ``bootstrapLogging(format:level:)`` installs, for `label`.
    public static func makeLogHandler(label: String, format: LogFormat, level: Logger.Level) -> any LogHandler {
        switch format {
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        case .json:
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
