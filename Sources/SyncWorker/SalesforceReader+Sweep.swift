import Salesforce
import SyncDomain

extension SalesforceReader {
    /// C4: sweeps deletions when the last sweep is older than `sweepDays` (or there never was one).
    ///
    /// Per object, `GET sobjects/X/deleted/?start=&end=` from the last sweep: known, live ids in it
    /// get `V1.SalesforceRecordDeleted`. When the window no longer reaches back to the last sweep
    /// (`earliestDateAvailable` after it, or the start refused), or there never was a sweep but
    /// records are known, a full reconcile by id: `queryAll SELECT Id, IsDeleted, MasterRecordId`
    /// and every known live id deleted or absent is marked (merged-away ones as merges, R4/C6).
    /// `V1.SweepCursorAdvanced` records the window's end.
    public func sweepIfDue() async throws -> ReadReport {
        let ws = try await state()
        guard clock.now() >= nextSweepDue(ws) else { return ReadReport() }
        return try await sweep()
    }

    /// Sweeps every object now (C4).
    public func sweep() async throws -> ReadReport {
        try await measured { report in
            let ws = try await state()
            for object in configuration.objects {
                try Task.checkCancellation()
                try await sweep(object, ws: ws, report: &report)
            }
        }
    }

    func nextSweepDue(_ ws: WorkspaceState) -> Timestamp {
        guard let last = ws.cursors.lastSweep(of: configuration.objects) else { return clock.now() }
        return last.adding(milliseconds: Int64(configuration.sweepDays) * 86_400_000)
    }

    func sweep(_ object: String, ws: WorkspaceState, report: inout ReadReport) async throws {
        guard try await fields(of: object) != nil else { return }
        let now = clock.now()
        let known = Self.liveKnownIds(of: object, in: ws.records)
        var end = now
        var fullReconcile = false
        var envelopes: [EventEnvelope] = []
        if let since = ws.cursors.sweptThrough[object] {
            do {
                let deleted = try await client.deleted(object, start: SalesforceDateTime.format(millisecondsSinceEpoch: since.millisecondsSinceEpoch),
                                                       end: SalesforceDateTime.format(millisecondsSinceEpoch: now.millisecondsSinceEpoch))
                report.recordsRead += deleted.deletedRecords.count
                if let earliest = deleted.earliestDateAvailable.flatMap(Timestamp.init(salesforceDateTime:)), earliest > since {
                    fullReconcile = true
                } else {
                    for d in deleted.deletedRecords {
                        let id = SalesforceIdentifier.canonical(d.id)
                        guard known.contains(id) else { continue }
                        let at = d.deletedDate.flatMap(Timestamp.init(salesforceDateTime:))
                        envelopes.append(envelope("deleted/\(workspace)/\(object)/\(id)/\(at?.millisecondsSinceEpoch ?? 0)",
                                                  .salesforceRecordDeleted(SalesforceRecordDeleted(object: object, recordId: id, deletedAt: at, source: .sweep))))
                    }
                }
                if let covered = deleted.latestDateCovered.flatMap(Timestamp.init(salesforceDateTime:)) { end = covered }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                guard error.failure?.errorCode == "INVALID_REPLICATION_DATE" else {
                    throw SyncWorkerError(code: .salesforce, message: "deleted records of \(object) failed", cause: error)
                }
                fullReconcile = true
            }
        } else {
            fullReconcile = !known.isEmpty
        }
        if fullReconcile {
            envelopes += try await reconcile(object, known: known, report: &report)
        }
        envelopes.append(envelope("cursor/sweep/\(workspace)/\(object)/\(end.millisecondsSinceEpoch)",
                                  .sweepCursorAdvanced(SweepCursorAdvanced(object: object, sweptThrough: end))))
        report.eventsAppended += try await append(envelopes)
    }

    /// The full reconcile by id of one object (C4): events for known live ids deleted, merged away or absent.
    func reconcile(_ object: String, known: Set<String>, report: inout ReadReport) async throws -> [EventEnvelope] {
        let fields = (try await fields(of: object) ?? ["Id"]).filter { ["Id", "IsDeleted", "MasterRecordId"].contains($0) }
        let soql = "SELECT \(fields.joined(separator: ", ")) FROM \(object)"
        let rows = try await salesforce("reconcile query") { () async throws(SalesforceError) in try await client.query(soql, all: true) }
        report.recordsRead += rows.count
        var alive = Set<String>()
        var out: [EventEnvelope] = []
        for row in rows {
            guard let raw = row["Id"]?.stringValue else { continue }
            let id = SalesforceIdentifier.canonical(raw)
            if row["IsDeleted"]?.boolValue != true { alive.insert(id); continue }
            guard known.contains(id) else { continue }
            if let master = row["MasterRecordId"]?.stringValue, !master.isEmpty {
                let m = SalesforceIdentifier.canonical(master)
                out.append(envelope("merged/\(workspace)/\(object)/\(id)/\(m)",
                                    .salesforceRecordsMerged(SalesforceRecordsMerged(object: object, masterId: m, mergedIds: [id], source: .sweep))))
            } else {
                out.append(envelope("deleted/\(workspace)/\(object)/\(id)/reconcile",
                                    .salesforceRecordDeleted(SalesforceRecordDeleted(object: object, recordId: id, source: .sweep))))
            }
        }
        for id in known.subtracting(alive).sorted() where !out.contains(where: { $0.id.rawValue.contains("/\(id)/") }) {
            out.append(envelope("deleted/\(workspace)/\(object)/\(id)/reconcile",
                                .salesforceRecordDeleted(SalesforceRecordDeleted(object: object, recordId: id, source: .sweep))))
        }
        return out
    }

    /// Ids of `object` the projections hold as alive.
    static func liveKnownIds(of object: String, in r: KnownRecords) -> Set<String> {
        switch object {
        case "Lead": return Set(r.people.values.filter { $0.kind == .lead && !$0.isDeleted }.map(\.id))
        case "Contact": return Set(r.people.values.filter { $0.kind == .contact && !$0.isDeleted }.map(\.id))
        case "Account": return Set(r.accounts.values.filter { !$0.isDeleted }.map(\.id))
        case "User": return Set(r.users.values.filter { !$0.isDeleted }.map(\.id))
        case "Opportunity": return Set(r.opportunities.values.filter { !$0.isDeleted }.map(\.id))
        case "OpportunityContactRole": return Set(r.contactRoles.values.filter { !$0.isDeleted }.map(\.id))
        default: return Set(r.customRecords.values.filter { $0.object == object && !$0.isDeleted }.map(\.id))
        }
    }
}
