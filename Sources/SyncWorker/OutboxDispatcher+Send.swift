import Logging
import Salesforce
import SyncDomain

extension FailureClass {
    init(_ c: ErrorClass) {
        switch c {
        case .transient: self = .transient
        case .quota: self = .quota
        case .auth: self = .auth
        case .permanentRecord: self = .permanentRecord
        case .permanentConfig: self = .permanentConfig
        }
    }
}

extension OutboxDispatcher {
    func attempt(of entry: Outbox.Entry) -> Int { entry.attempts + 1 }

    /// Deterministic outcome ids: the same attempt of the same plan always gets the same id.
    func outcomeID(_ entry: Outbox.Entry, attempt: Int) -> String {
        "outcome/\(workspace)/\(entry.write.syncKey)/\(entry.plannedAt)/\(attempt)"
    }

    func succeeded(_ entry: Outbox.Entry, attempt: Int, id: String, created: Bool, request: String, response: String) -> EventEnvelope {
        envelope(outcomeID(entry, attempt: attempt), .writeSucceeded(WriteSucceeded(
            syncKey: entry.write.syncKey, salesforceId: id, created: created, request: request, response: response)))
    }

    func failed(_ entry: Outbox.Entry, attempt: Int, failure: SalesforceFailure, now: Timestamp, retryAt: Timestamp? = nil,
                report: inout DispatchReport) -> EventEnvelope {
        let cls = FailureClass(failure.errorClass)
        var next: Timestamp? = nil
        switch cls {
        case .transient: next = retryAt ?? configuration.retry.nextAttempt(after: attempt, at: now, random: random.next())
        case .quota: next = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + configuration.pauseRecheckMilliseconds)
        default: next = retryAt
        }
        if next == nil && (cls == .transient || cls == .permanentRecord || cls == .permanentConfig) { report.failedPermanent += 1 }
        else { report.failedTransient += 1 }
        return envelope(outcomeID(entry, attempt: attempt), .writeFailed(WriteFailed(
            syncKey: entry.write.syncKey, failureClass: cls, errorCode: failure.errorCode, message: failure.message, attempt: attempt,
            nextAttemptAt: next)))
    }

    /// Sends the due writes in batches; returns true when it had to stop (paused, re-authorisation).
    func send(_ due: [Outbox.Entry], ws: WorkspaceState, field: String?, report: inout DispatchReport) async throws -> Bool {
        let keyField = syncKeyField(ws)
        let syncUser: String?
        if let configured = configuration.syncUserId { syncUser = configured } else { syncUser = await client.syncUserId() }
        for (kind, entries) in WriteMapping.batches(due, externalIdField: field, size: configuration.batchSize) {
            let now = clock.now()
            if !client.budget.allows(calls: 1) {
                let usage = client.budget.usage.map { "\($0.used)/\($0.max)" } ?? "?"
                try await pause(reason: "W4 API reserve of \(client.configuration.apiReservePercent)% reached (\(usage) used)", now: now)
                report.paused = true
                return true
            }
            let records = entries.map { e in
                WriteMapping.record(
                    for: e, kind: kind, syncKeyField: keyField, hidden: { ws.org.isHidden($0, on: e.write.object.rawValue) },
                    ownerOverride: e.lastErrorCode == "INACTIVE_OWNER_OR_USER" ? syncUser : nil,
                    existing: e.lastErrorCode == "INVALID_FIELD_FOR_INSERT_UPDATE")
            }
            if case .create = kind {
                // W1 without an external id: the intent is durable before the call.
                try await gate.append(entries.map { e in
                    envelope("dispatching/\(workspace)/\(e.write.syncKey)/\(e.plannedAt)/\(attempt(of: e))",
                             .writeDispatching(WriteDispatching(syncKey: e.write.syncKey, attempt: attempt(of: e))))
                })
                configuration.crashPoint?(.afterDispatchingAppended)
            }
            var outcomes: [EventEnvelope] = []
            var stop = false
            do {
                switch kind {
                case .deleteUnknown:
                    outcomes = try await deleteUnknown(entries, field: field, report: &report)
                default:
                    let request: SalesforceRequest
                    switch kind {
                    case .upsertByKey(let object, let f):
                        request = try client.api.collectionsUpsert(object: object, externalIdField: f, records: records)
                    case .create: request = try client.api.collectionsCreate(records: records)
                    case .update: request = try client.api.collectionsUpdate(records: records)
                    case .delete: request = try client.api.collectionsDelete(ids: entries.map { $0.salesforceId ?? "" })
                    case .deleteUnknown: fatalError("handled above")
                    }
                    report.writeCalls += 1
                    report.recordsSent += entries.count
                    let results = try await client.send(collection: request, count: entries.count)
                    outcomes = try await outcomesOf(results, entries: entries, records: records, kind: kind, ws: ws, syncUser: syncUser,
                                                    now: now, report: &report)
                }
            } catch let error as SalesforceError {
                // Stopped (shutdown, or a test's simulated crash): record nothing; what was sent is settled on restart.
                if Task.isCancelled { throw CancellationError() }
                (outcomes, stop) = try await wholeCallFailed(error, entries: entries, kind: kind, now: now, report: &report)
            }
            configuration.crashPoint?(.afterCallBeforeOutcomes)
            try await gate.append(outcomes)
            if stop { return true }
        }
        return false
    }

    /// Per-record outcomes of a collection answer (W2, W5, W6, INVALID_FIELD, INACTIVE_OWNER_OR_USER).
    func outcomesOf(_ results: [RecordResult], entries: [Outbox.Entry], records: [SObjectRecord], kind: DispatchKind,
                    ws: WorkspaceState, syncUser: String?, now: Timestamp, report: inout DispatchReport) async throws -> [EventEnvelope] {
        var out: [EventEnvelope] = []
        var hiddenNow: [String: [String]] = [:]
        for (i, r) in results.enumerated() {
            let e = entries[i]
            let n = attempt(of: e)
            let requestText = records[i].collectionJSON.text(sortedKeys: true)
            if r.success {
                report.succeeded += 1
                let created: Bool
                switch kind {
                case .create: created = true
                case .upsertByKey: created = r.created ?? (e.salesforceId == nil)
                default: created = false
                }
                out.append(succeeded(e, attempt: n, id: r.id ?? e.salesforceId ?? "", created: created, request: requestText, response: r.raw))
                continue
            }
            let f = r.errors.first ?? SalesforceFailure(errorCode: "UNKNOWN_EXCEPTION", message: "no error given", httpStatus: 200)
            if case .delete = kind, f.errorCode == "ENTITY_IS_DELETED" {
                report.succeeded += 1
                out.append(succeeded(e, attempt: n, id: e.salesforceId ?? "", created: false, request: requestText, response: r.raw))
                continue
            }
            let retryNow = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1)
            func retried(_ f: SalesforceFailure) -> SalesforceFailure {
                // Kept as transient so the outbox schedules it; code and message stay Salesforce's.
                SalesforceFailure(errorCode: f.errorCode, message: f.message, fields: f.fields, httpStatus: f.httpStatus, errorClass: .transient)
            }
            switch f.errorCode {
            case "INVALID_FIELD_FOR_INSERT_UPDATE" where !f.fields.isEmpty && f.fields.allSatisfy(WriteMapping.createOnly.contains)
                || WriteMapping.createOnly.contains(where: { f.message.contains("fields: \($0)") }):
                // An upsert matched an existing record (a lost answer): TaskSubtype cannot be updated; send without it.
                if e.lastErrorCode != f.errorCode {
                    out.append(failed(e, attempt: n, failure: retried(f), now: now, retryAt: retryNow, report: &report))
                    continue
                }
            case "INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE":
                // Stop sending the field (describe refreshed below) and retry the record without it.
                let names = f.fields.isEmpty ? Self.fieldNamed(in: f.message, of: records[i]) : f.fields
                if !names.isEmpty {
                    hiddenNow[e.write.object.rawValue, default: []] += names
                    out.append(failed(e, attempt: n, failure: retried(f), now: now, retryAt: retryNow, report: &report))
                    continue
                }
            case "INACTIVE_OWNER_OR_USER":
                if let syncUser, records[i]["OwnerId"]?.stringValue != syncUser {
                    out.append(failed(e, attempt: n, failure: retried(f), now: now, retryAt: retryNow, report: &report))
                    continue
                }
            default: break
            }
            out.append(failed(e, attempt: n, failure: f, now: now, report: &report))
        }
        for (object, names) in hiddenNow {
            try await observeDescribe(in: ws, object: object, extraHidden: names)
        }
        return out
    }

    /// `No such column 'Type' on sobject of type Task` -> the field of the record it names.
    static func fieldNamed(in message: String, of record: SObjectRecord) -> [String] {
        record.fields.map(\.0).filter { message.contains("'\($0)'") }
    }

    /// The call as a whole got no usable answer.
    func wholeCallFailed(_ error: SalesforceError, entries: [Outbox.Entry], kind: DispatchKind, now: Timestamp,
                         report: inout DispatchReport) async throws -> ([EventEnvelope], Bool) {
        switch error.code {
        case .budgetReserved:
            try await pause(reason: "W4 API reserve reached", now: now)
            report.paused = true
            let f = SalesforceFailure(errorCode: "API_RESERVE", message: error.message, httpStatus: 0, errorClass: .quota)
            return (isCreate(kind) ? entries.map { failed($0, attempt: attempt(of: $0), failure: f, now: now, report: &report) } : [], true)
        case .authentication:
            try await needsReauthorisation(error)
            report.needsReauthorisation = true
            let f = error.failure ?? SalesforceFailure(errorCode: "INVALID_SESSION_ID", message: error.message, httpStatus: 401, errorClass: .auth)
            let auth = SalesforceFailure(errorCode: f.errorCode, message: f.message, httpStatus: f.httpStatus, errorClass: .auth)
            return (entries.map { failed($0, attempt: attempt(of: $0), failure: auth, now: now, report: &report) }, true)
        case .transport, .malformedResponse:
            if isCreate(kind) {
                // The outcome is unknown: the keys stay in doubt and are reconciled by a query next round.
                logger.warning("dispatcher.create.unknown", metadata: ["workspace": "\(workspace)", "records": "\(entries.count)"])
                return ([], false)
            }
            let f = SalesforceFailure(errorCode: "CONNECTION_FAILED", message: error.message, httpStatus: 0, errorClass: .transient)
            return (entries.map { failed($0, attempt: attempt(of: $0), failure: f, now: now, report: &report) }, false)
        case .api:
            let f = error.failure ?? SalesforceFailure(errorCode: "UNKNOWN_EXCEPTION", message: error.message, httpStatus: 0)
            switch f.errorClass {
            case .quota:
                try await pause(reason: "W4 \(f.errorCode): \(f.message)", now: now)
                report.paused = true
                return (entries.map { failed($0, attempt: attempt(of: $0), failure: f, now: now, report: &report) }, true)
            case .auth:
                try await needsReauthorisation(error)
                report.needsReauthorisation = true
                return (entries.map { failed($0, attempt: attempt(of: $0), failure: f, now: now, report: &report) }, true)
            case .permanentConfig:
                if case .upsertByKey = kind, f.errorCode == "NOT_FOUND" {
                    // The external-id field went away: describe again; the next round creates instead.
                    describeObserved = false
                    let retry = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1)
                    let transient = SalesforceFailure(errorCode: f.errorCode, message: f.message, httpStatus: f.httpStatus, errorClass: .transient)
                    return (entries.map { failed($0, attempt: attempt(of: $0), failure: transient, now: now, retryAt: retry, report: &report) }, false)
                }
                return (entries.map { failed($0, attempt: attempt(of: $0), failure: f, now: now, report: &report) }, false)
            default:
                if f.errorCode == "INVALID_FIELD", let object = entries.first?.write.object.rawValue {
                    // The whole call named a field the org hides: stop sending it, retry the records.
                    let names = f.fields.isEmpty ? Self.fieldNamed(in: f.message, of: entries.first.map {
                        SObjectRecord(type: object, fields: $0.write.fields.map { ($0.name, .null) }) }!) : f.fields
                    if !names.isEmpty {
                        try await observeDescribe(in: try await gate.catchUp().workspace(workspace), object: object, extraHidden: names)
                        let t = SalesforceFailure(errorCode: f.errorCode, message: f.message, fields: f.fields, httpStatus: f.httpStatus, errorClass: .transient)
                        let retry = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1)
                        return (entries.map { failed($0, attempt: attempt(of: $0), failure: t, now: now, retryAt: retry, report: &report) }, false)
                    }
                }
                return (entries.map { failed($0, attempt: attempt(of: $0), failure: f, now: now, report: &report) }, false)
            }
        default:
            let f = SalesforceFailure(errorCode: "CLIENT_ERROR", message: error.message, httpStatus: 0, errorClass: .permanentConfig)
            return (entries.map { failed($0, attempt: attempt(of: $0), failure: f, now: now, report: &report) }, false)
        }
    }

    func isCreate(_ kind: DispatchKind) -> Bool { if case .create = kind { return true } else { return false } }

    /// E5: delete a record whose Salesforce id the outbox never learned: find it by the sync key when the
    /// org has the field; without it nothing was ever written under this key (creates are reconciled first).
    func deleteUnknown(_ entries: [Outbox.Entry], field: String?, report: inout DispatchReport) async throws(SalesforceError) -> [EventEnvelope] {
        var ids: [String: String] = [:]
        if let field, let object = entries.first?.write.object.rawValue {
            let list = entries.map { "'\(Self.soqlEscape($0.write.syncKey))'" }.joined(separator: ",")
            for r in try await client.query("SELECT Id, \(field) FROM \(object) WHERE \(field) IN (\(list))") {
                if let key = r[field]?.stringValue, let id = r["Id"]?.stringValue { ids[key] = id }
            }
        }
        var out: [EventEnvelope] = []
        let found = entries.filter { ids[$0.write.syncKey] != nil }
        if !found.isEmpty {
            report.writeCalls += 1
            report.recordsSent += found.count
            let results = try await client.send(collection: try client.api.collectionsDelete(ids: found.map { ids[$0.write.syncKey]! }), count: found.count)
            for (e, r) in zip(found, results) {
                let n = attempt(of: e)
                if r.success || r.errors.first?.errorCode == "ENTITY_IS_DELETED" {
                    report.succeeded += 1
                    out.append(succeeded(e, attempt: n, id: ids[e.write.syncKey]!, created: false, request: "DELETE", response: r.raw))
                } else {
                    let f = r.errors.first ?? SalesforceFailure(errorCode: "UNKNOWN_EXCEPTION", message: "no error given", httpStatus: 200)
                    out.append(failed(e, attempt: n, failure: f, now: clock.now(), report: &report))
                }
            }
        }
        for e in entries where ids[e.write.syncKey] == nil {
            report.succeeded += 1
            out.append(succeeded(e, attempt: attempt(of: e), id: "", created: false, request: "DELETE", response: "nothing to delete"))
        }
        return out
    }

    static func soqlEscape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out
    }
}
