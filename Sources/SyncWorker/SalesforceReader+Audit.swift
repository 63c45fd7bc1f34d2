import Logging
import Salesforce
import SyncDomain
import SyncStore

extension SalesforceReader {
    /// C3: a full state audit of every object never audited, flagged as inconsistent (an update about
    /// an Id never seen), or whose audit was interrupted (it resumes after the last Id stored).
    ///
    /// Pages by Id (`WHERE Id > 'last' ORDER BY Id`); records identical to what the log holds append
    /// nothing (content-derived ids); `V1.AuditCursorAdvanced` follows each page and, at the end,
    /// `completed: true`. An object with no poll cursor yet gets one at the audit's start time, so
    /// polling begins there (C1).
    public func auditIfNeeded() async throws -> ReadReport {
        try await measured { report in
            let ws = try await state()
            for object in configuration.objects where ws.cursors.needsAudit(object) {
                try Task.checkCancellation()
                let progress = ws.cursors.audits[object]
                try await audit(object, resumeAfter: progress?.running == true ? progress?.lastId : nil,
                                hasPollCursor: ws.cursors.poll[object] != nil, report: &report)
            }
        }
    }

    func audit(_ object: String, resumeAfter: String?, hasPollCursor: Bool, report: inout ReadReport) async throws {
        let started = clock.now()
        guard let fields = try await fields(of: object)?.joined(separator: ", ") else { return }
        var lastId = resumeAfter
        var page = 0
        // A run id (start time and log position) keeps the cursor events of two audits of one object apart.
        let run = "\(started.millisecondsSinceEpoch)-\(try await gate.lastPosition())"
        if resumeAfter == nil {
            report.eventsAppended += try await append([envelope("cursor/audit/\(workspace)/\(object)/\(run)/start",
                                                                .auditCursorAdvanced(AuditCursorAdvanced(object: object, lastId: nil, completed: false)))])
        }
        while true {
            try Task.checkCancellation()
            let condition = lastId.map { " WHERE Id > \(Self.quoted($0))" } ?? ""
            let soql = "SELECT \(fields) FROM \(object)\(condition) ORDER BY Id LIMIT \(configuration.pageSize)"
            let rows = try await salesforce("audit query") { () async throws(SalesforceError) in try await client.query(soql) }
            page += 1
            report.recordsRead += rows.count
            var envelopes = rows.map {
                SyncStore.envelope(for: Self.change($0, object: object, source: .audit), workspace: workspace, recordedAt: clock.now())
            }
            if let id = rows.last?["Id"]?.stringValue {
                lastId = id
                envelopes.append(envelope("cursor/audit/\(workspace)/\(object)/\(run)/\(id)",
                                          .auditCursorAdvanced(AuditCursorAdvanced(object: object, lastId: id, completed: false))))
            }
            report.eventsAppended += try await append(envelopes)
            if !rows.isEmpty { try configuration.afterPage?(object, page) }
            if rows.count < configuration.pageSize { break }
        }
        var done = [envelope("cursor/audit/\(workspace)/\(object)/\(run)/done",
                             .auditCursorAdvanced(AuditCursorAdvanced(object: object, lastId: lastId, completed: true)))]
        if !hasPollCursor {
            done.append(envelope("cursor/poll/\(workspace)/\(object)/\(started.millisecondsSinceEpoch)/",
                                 .pollCursorAdvanced(PollCursorAdvanced(object: object, systemModstamp: started, lastId: ""))))
        }
        report.eventsAppended += try await append(done)
        logger.info("reader.audit.completed", metadata: ["workspace": "\(workspace)", "object": "\(object)", "pages": "\(page)"])
    }
}
