public import SyncDomain
import EventLog
import Foundation

/// Input that was refused, kept with its reason so that nothing that arrived is lost.
///
/// Stored in the log's `dead-letters` side table as a JSON object; the bytes are kept exactly
/// as they arrived (base64), whatever they were.
public struct DeadLetter: Sendable, Hashable {
    /// Where it came from: a file path, `stdin`, `POST /activities`.
    public var source: String
    /// 1-based line number within the source (0 when the input was not line-based).
    public var line: Int
    /// What was wrong (path and problem; never the personal data itself).
    public var reason: String
    /// What kind of input it was meant to be: `activity`, `salesforce-change`, `configuration`.
    public var kind: String
    public var receivedAt: Timestamp
    /// The input exactly as received.
    public var bytes: [UInt8]

    public init(source: String, line: Int, reason: String, kind: String, receivedAt: Timestamp, bytes: [UInt8]) {
        self.source = source
        self.line = line
        self.reason = reason
        self.kind = kind
        self.receivedAt = receivedAt
        self.bytes = bytes
    }

    /// `source:17: reason` as a user reads it.
    public var summary: String { line > 0 ? "\(source):\(line): \(reason)" : "\(source): \(reason)" }

    func encoded() -> [UInt8] {
        let object: [String: Any] = [
            "source": source, "line": line, "reason": reason, "kind": kind,
            "receivedAt": receivedAt.rfc3339String, "bytes": Data(bytes).base64EncodedString(),
        ]
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    init?(encoded: UnsafeRawBufferPointer) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(encoded)) as? [String: Any],
            let source = object["source"] as? String, let line = object["line"] as? Int,
            let reason = object["reason"] as? String, let kind = object["kind"] as? String,
            let receivedAtText = object["receivedAt"] as? String, let receivedAt = Timestamp(rfc3339: receivedAtText),
            let base64 = object["bytes"] as? String, let data = Data(base64Encoded: base64)
        else { return nil }
        self.init(source: source, line: line, reason: reason, kind: kind, receivedAt: receivedAt, bytes: [UInt8](data))
    }
}

extension SyncStore {
    static let deadLetterTable = "dead-letters"

    /// Keeps refused input with its reason.
    public func keep(_ deadLetter: DeadLetter) async throws(SyncStoreError) {
        do {
            _ = try await log.appendSideRecord(table: Self.deadLetterTable, deadLetter.encoded())
        } catch {
            throw SyncStoreError(.storage, "\(directory): cannot store a dead letter", cause: error)
        }
    }

    /// Every dead letter, oldest first.
    public func deadLetters() throws(SyncStoreError) -> [DeadLetter] {
        var result: [DeadLetter] = []
        do {
            try log.scanSideRecords(table: Self.deadLetterTable) { _, bytes in
                if let letter = DeadLetter(encoded: bytes) { result.append(letter) }
                return true
            }
        } catch {
            throw SyncStoreError(.storage, "\(directory): cannot read the dead letters", cause: error)
        }
        return result
    }
}
