import Salesforce
import SyncDomain
import SyncStore

extension SalesforceReader {
    /// C1: reads every object's changed records since its cursor, page by page on the keyset
    /// `(SystemModstamp, Id)` (records sharing one stamp across a page boundary are never lost),
    /// starting `overlapMilliseconds` before the cursor (late commits; unchanged records append
    /// nothing). Each page's changes and the advanced `V1.PollCursorAdvanced` are appended in one
    /// transaction, so a crash resumes after the last page stored. Uses `queryAll`, so deleted and
    /// merged-away rows (`IsDeleted`, `MasterRecordId`, C6) come through too.
    public func poll() async throws -> ReadReport {
        let report = try await measured { report in
            let ws = try await state()
            for object in configuration.objects {
                try Task.checkCancellation()
                try await poll(object, from: ws.cursors.poll[object], report: &report)
            }
        }
        lastPollAt = clock.now()
        return report
    }

    /// Polls when `pollMinutes` passed since the last poll of this process (at once after a start).
    public func pollIfDue() async throws -> ReadReport {
        guard clock.now() >= nextPollDue() else { return ReadReport() }
        return try await poll()
    }

    func nextPollDue() -> Timestamp {
        guard let last = lastPollAt else { return clock.now() }
        return last.adding(milliseconds: Int64(configuration.pollMinutes) * 60_000)
    }

    /// The keyset condition after `(stamp, id)`; an empty id means "from `stamp` on".
    static func keyset(after stamp: Timestamp, id: String) -> String {
        if id.isEmpty { return "SystemModstamp >= \(literal(stamp))" }
        return "SystemModstamp > \(literal(stamp)) OR (SystemModstamp = \(literal(stamp)) AND Id > \(quoted(id)))"
    }

    func poll(_ object: String, from cursor: Cursors.PollCursor?, report: inout ReadReport) async throws {
        guard let fields = try await fields(of: object)?.joined(separator: ", ") else { return }
        var current = cursor
        // The first page starts overlapMilliseconds before the cursor; no cursor: from the beginning.
        var stamp = cursor.map { $0.systemModstamp.adding(milliseconds: -configuration.overlapMilliseconds) }
            ?? Timestamp(millisecondsSinceEpoch: 0)
        var lastId = ""
        var page = 0
        while true {
            try Task.checkCancellation()
            let soql = "SELECT \(fields) FROM \(object) WHERE \(Self.keyset(after: stamp, id: lastId)) ORDER BY SystemModstamp, Id LIMIT \(configuration.pageSize)"
            let rows = try await salesforce("poll query") { () async throws(SalesforceError) in try await client.query(soql, all: true) }
            page += 1
            report.recordsRead += rows.count
            var envelopes: [EventEnvelope] = []
            for row in rows {
                let change = Self.change(row, object: object, source: .poll)
                envelopes.append(SyncStore.envelope(for: change, workspace: workspace, recordedAt: clock.now()))
            }
            if let last = rows.last, let id = last["Id"]?.stringValue,
               let s = last["SystemModstamp"]?.stringValue.flatMap(Timestamp.init(salesforceDateTime:)) {
                stamp = s
                lastId = id
                if current == nil || (s, id) > (current!.systemModstamp, current!.lastId) {
                    current = Cursors.PollCursor(systemModstamp: s, lastId: id)
                    envelopes.append(envelope("cursor/poll/\(workspace)/\(object)/\(s.millisecondsSinceEpoch)/\(id)",
                                              .pollCursorAdvanced(PollCursorAdvanced(object: object, systemModstamp: s, lastId: id))))
                }
            }
            report.eventsAppended += try await append(envelopes)
            if !rows.isEmpty { try configuration.afterPage?(object, page) }
            if rows.count < configuration.pageSize { return }
        }
    }
}
