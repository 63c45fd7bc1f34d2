/// Where the reader of Salesforce stands, per object (C1, C3, C4, C5): the poll watermark,
/// the progress of a full state audit, the last deletion sweep, the last describe, and the
/// objects that need a (re-)audit.
///
/// Folded from `V1.PollCursorAdvanced`, `V1.AuditCursorAdvanced`, `V1.SweepCursorAdvanced`,
/// `V1.DescribeObserved` (its time is the envelope's `recordedAt`) and, for C3, from
/// `V1.SalesforceRecordChanged`: an `UPDATE` about an Id ``KnownRecords`` has never seen
/// (not from an audit) flags its object until an audit of that object completes.
///
/// ```swift
/// let cursor = state.workspace("acme").cursors.poll["Contact"]   // (SystemModstamp, lastId)
/// if state.workspace("acme").cursors.needsAudit("Contact") { ... }
/// ```
public struct Cursors: Sendable, Hashable, Codable {
    /// C1: the poller asks for `(SystemModstamp, Id) > (systemModstamp, lastId)` next.
    public struct PollCursor: Sendable, Hashable, Codable {
        public var systemModstamp: Timestamp
        public var lastId: String
        public init(systemModstamp: Timestamp, lastId: String) {
            self.systemModstamp = systemModstamp
            self.lastId = lastId
        }
    }

    /// C3: a full audit of one object, paged by Id.
    public struct AuditProgress: Sendable, Hashable, Codable {
        /// The last Id read by the running audit (nil: not started, or just completed).
        public var lastId: String?
        /// Whether an audit of the object ever completed.
        public var everCompleted: Bool
        /// Whether an audit is under way (started, not completed).
        public var running: Bool
    }

    public var poll: [String: PollCursor] = [:]
    public var audits: [String: AuditProgress] = [:]
    /// C4: the end of the last deletion sweep window, per object.
    public var sweptThrough: [String: Timestamp] = [:]
    /// C5: when each object's describe was last observed (the envelope's `recordedAt`).
    public var describedAt: [String: Timestamp] = [:]
    /// C5: the signature of the last describe per object (see ``describeSignature(_:)``).
    public var describeSignatures: [String: String] = [:]
    /// C3: objects flagged as inconsistent (an update about an Id never seen), with the count of flags.
    public var flagged: [String: Int] = [:]

    public static let initial = Cursors()

    public init() {}

    /// C3: the object was never fully audited, or it was flagged since its last complete audit.
    public func needsAudit(_ object: String) -> Bool {
        guard let a = audits[object], a.everCompleted else { return true }
        return flagged[object] != nil || a.running
    }

    /// The earliest sweep end over `objects` (nil when one was never swept).
    public func lastSweep(of objects: [String]) -> Timestamp? {
        var best: Timestamp?
        for o in objects {
            guard let t = sweptThrough[o] else { return nil }
            if best == nil || t < best! { best = t }
        }
        return best
    }

    /// What of a describe matters to the sync (C5): field names, external ids and hidden fields,
    /// lower-cased and sorted (the sync-key field, `MixmaxActivityDateTime__c`, `TaskWhoIds` are among them).
    public static func describeSignature(_ d: DescribeObserved) -> String {
        let names = d.fields.map { $0.name.lowercased() }.sorted().joined(separator: ",")
        let external = d.fields.filter(\.externalId).map { $0.name.lowercased() }.sorted().joined(separator: ",")
        let hidden = d.hiddenFields.map { $0.lowercased() }.sorted().joined(separator: ",")
        return "\(names)|\(external)|\(hidden)"
    }

    // MARK: evolve

    public mutating func evolve(_ p: PollCursorAdvanced) {
        poll[p.object] = PollCursor(systemModstamp: p.systemModstamp, lastId: p.lastId)
    }

    public mutating func evolve(_ a: AuditCursorAdvanced) {
        var progress = audits[a.object] ?? AuditProgress(lastId: nil, everCompleted: false, running: false)
        if a.completed {
            progress.everCompleted = true
            progress.running = false
            progress.lastId = nil
            flagged[a.object] = nil
        } else {
            progress.running = true
            progress.lastId = a.lastId
        }
        audits[a.object] = progress
    }

    public mutating func evolve(_ s: SweepCursorAdvanced) {
        sweptThrough[s.object] = s.sweptThrough
    }

    public mutating func evolve(_ d: DescribeObserved, recordedAt: Timestamp) {
        describedAt[d.object] = recordedAt
        describeSignatures[d.object] = Self.describeSignature(d)
    }

    /// C3: `change` was folded into ``KnownRecords``, which noted `newInconsistencies` for it.
    public mutating func evolve(_ change: SalesforceRecordChange, newInconsistencies: Int) {
        guard newInconsistencies > 0, change.source != .audit,
              change.changeType == .update || change.changeType == .gapUpdate else { return }
        flagged[change.object, default: 0] += 1
    }
}
