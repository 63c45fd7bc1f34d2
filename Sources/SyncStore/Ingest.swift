public import SyncDomain
import EventLog

/// What one ingest did: the counts a user sees, and the refused lines.
public struct IngestReport: Sendable, Hashable {
    /// New events appended.
    public var accepted = 0
    /// Lines whose id was already in the log (D1): stored once, the redelivery recorded.
    public var duplicates = 0
    /// Lines refused; each is in the dead-letter store with its reason.
    public var rejected = 0
    /// The refused lines, in input order.
    public var rejections: [DeadLetter] = []
    /// Positions of the events this ingest appended, in order.
    public var appendedPositions: [UInt64] = []

    public init() {}

    /// `accepted 120, duplicate 2, rejected 1`.
    public var summary: String { "accepted \(accepted), duplicate \(duplicates), rejected \(rejected)" }
}

extension SyncStore {
    /// Appends activities (contract section 1, one JSON object a line).
    ///
    /// Each line is validated by the domain's decoder; valid lines are appended in batches of
    /// ``appendBatchSize`` in input order; a refused line goes to the dead-letter store with its
    /// line number and reason and the other lines still go in. An activity id seen before is a
    /// duplicate delivery (D1): nothing changes but a `V1.DuplicateDelivery` record saying
    /// whether the body differed (the first body wins).
    public func ingestActivities(
        _ lines: some Sequence<InputLines.Line>, source: String, now: Timestamp
    ) async throws(SyncStoreError) -> IngestReport {
        try await ingest(lines, source: source, kind: "activity", now: now) { bytes in
            switch ActivityJSON.decode(bytes) {
            case .success(let activity): return .success(EventEnvelope(activity: activity, recordedAt: now))
            case .failure(let rejection): return .failure(rejection)
            }
        }
    }

    /// Appends Salesforce changes (contract section 3, one JSON object a line) for `workspace`.
    ///
    /// The event id is derived from the object, record id, change type, commit time and field
    /// values, so the same change arriving twice (poll and real time, or a replayed export) is
    /// stored once.
    public func ingestChanges(
        _ lines: some Sequence<InputLines.Line>, source: String, workspace: String, now: Timestamp
    ) async throws(SyncStoreError) -> IngestReport {
        try await ingest(lines, source: source, kind: "salesforce-change", now: now) { bytes in
            switch SalesforceChangeJSON.decode(bytes) {
            case .success(let change):
                return .success(Self.envelope(for: change, workspace: workspace, recordedAt: now))
            case .failure(let rejection): return .failure(rejection)
            }
        }
    }

    /// The envelope of a Salesforce change, with its content-derived id.
    public static func envelope(
        for change: SalesforceRecordChange, workspace: String, recordedAt: Timestamp
    ) -> EventEnvelope {
        var hash = StableHash()
        hash.add(change.object)
        hash.add(change.changeType.rawValue)
        hash.add(change.commitTimestamp.map { String($0.millisecondsSinceEpoch) } ?? "")
        for field in change.record.fields.sorted(by: { $0.name < $1.name }) {
            hash.add(field.name)
            hash.add(field.value)
        }
        let id = EventID("change/\(workspace)/\(change.object)/\(change.record.id ?? "-")/\(hash.hex)")
        return EventEnvelope(id: id, workspace: workspace, recordedAt: recordedAt, event: .salesforceRecordChanged(change))
    }

    private func ingest(
        _ lines: some Sequence<InputLines.Line>,
        source: String,
        kind: String,
        now: Timestamp,
        decode: ([UInt8]) -> Result<EventEnvelope, InputRejection>
    ) async throws(SyncStoreError) -> IngestReport {
        var report = IngestReport()
        var batch: [EventEnvelope] = []
        batch.reserveCapacity(Self.appendBatchSize)
        for line in lines {
            switch decode(line.bytes) {
            case .success(let envelope):
                batch.append(envelope)
                if batch.count == Self.appendBatchSize {
                    try await appendInput(batch, into: &report, now: now)
                    batch.removeAll(keepingCapacity: true)
                }
            case .failure(let rejection):
                let letter = DeadLetter(
                    source: source, line: line.number, reason: rejection.description, kind: kind,
                    receivedAt: now, bytes: line.bytes)
                try await keep(letter)
                report.rejected += 1
                report.rejections.append(letter)
            }
        }
        try await appendInput(batch, into: &report, now: now)
        return report
    }

    private func appendInput(
        _ batch: [EventEnvelope], into report: inout IngestReport, now: Timestamp
    ) async throws(SyncStoreError) {
        let results = try await append(batch)
        var redeliveries: [EventEnvelope] = []
        for (envelope, result) in zip(batch, results) {
            switch result {
            case .appended(let position):
                report.accepted += 1
                report.appendedPositions.append(position)
            case .duplicate(let existingPosition):
                report.duplicates += 1
                if case .activity(let activity) = envelope.event {
                    let first = try self.envelope(at: existingPosition)
                    redeliveries.append(Self.duplicateDelivery(of: activity, first: first, recordedAt: now))
                }
            }
        }
        try await append(redeliveries)
    }

    /// D1: the record of a second delivery. Identical redeliveries share one record; a
    /// differing body is kept for the audit (the first body stays the activity).
    static func duplicateDelivery(of activity: Activity, first: EventEnvelope?, recordedAt: Timestamp) -> EventEnvelope {
        var firstSource: [UInt8] = []
        if case .activity(let firstActivity)? = first?.event { firstSource = firstActivity.source }
        let differs = firstSource != activity.source
        var hash = StableHash()
        hash.add(activity.source)
        let id = EventID("duplicate/\(activity.workspace)/\(activity.id)/\(hash.hex)")
        let delivery = DuplicateDelivery(
            activityId: activity.id, bodyDiffers: differs, source: differs ? activity.source : [])
        return EventEnvelope(id: id, workspace: activity.workspace, recordedAt: recordedAt, event: .duplicateDelivery(delivery))
    }
}
