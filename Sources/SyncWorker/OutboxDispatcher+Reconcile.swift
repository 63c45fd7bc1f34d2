import Logging
import Salesforce
import SyncDomain

extension OutboxDispatcher {
    /// Design "Idempotency" 3: creates dispatched without an outcome are looked for in Salesforce
    /// (owner, subject, who, date) before they are ever sent again. A match not claimed by another
    /// written key settles the write as succeeded; no match puts it back in the queue.
    func reconcile(_ inDoubt: [Outbox.Entry], ws: WorkspaceState, report: inout DispatchReport) async throws {
        var claimed = Set<String>()
        for e in ws.outbox.openEntries { if let id = e.salesforceId { claimed.insert(id) } }
        for e in ws.outbox.entries.values where e.state == .written { if let id = e.salesforceId { claimed.insert(id) } }
        let syncUser: String?
        if let configured = configuration.syncUserId { syncUser = configured } else { syncUser = await client.syncUserId() }
        let now = clock.now()
        var outcomes: [EventEnvelope] = []
        for object in WriteObject.allCases {
            let group = inDoubt.filter { $0.write.object == object }
            for start in stride(from: 0, to: group.count, by: 50) {
                let chunk = Array(group[start..<min(start + 50, group.count)])
                let candidates: [SObjectRecord]
                switch await queryCandidates(Self.reconcileQuery(chunk, object: object)) {
                case .success(let found): candidates = found
                case .failure(let error):
                    if Task.isCancelled { throw CancellationError() }
                    if error.code == .authentication {
                        try await needsReauthorisation(error)
                        report.needsReauthorisation = true
                        return
                    }
                    if error.code == .budgetReserved || error.failure?.errorClass == .quota {
                        try await pause(reason: "W4 API reserve reached while reconciling", now: now)
                        report.paused = true
                        return
                    }
                    throw SyncWorkerError(code: .salesforce, message: "reconciling \(chunk.count) in-doubt \(object.rawValue) writes failed",
                                          cause: error)
                }
                for e in chunk {
                    let match = candidates.first { r in
                        guard let id = r["Id"]?.stringValue, !claimed.contains(id) else { return false }
                        return Self.matches(r, e.write, syncUser: syncUser)
                    }
                    report.reconciled += 1
                    if let id = match?["Id"]?.stringValue {
                        claimed.insert(id)
                        report.succeeded += 1
                        outcomes.append(succeeded(e, attempt: e.attempts, id: id, created: true, request: "reconciled after a restart",
                                                  response: match!.fieldsJSON.text(sortedKeys: true)))
                    } else {
                        outcomes.append(envelope("requeue/\(workspace)/\(e.write.syncKey)/\(e.plannedAt)/\(e.attempts)",
                                                 .writeRequeued(WriteRequeued(syncKey: e.write.syncKey, reason: "in doubt, not found in Salesforce"))))
                    }
                }
            }
        }
        try await gate.append(outcomes)
    }

    func queryCandidates(_ soql: String) async -> Result<[SObjectRecord], SalesforceError> {
        do { return .success(try await client.query(soql)) } catch { return .failure(error) }
    }

    static func string(_ write: PlannedWrite, _ name: String) -> String? {
        if case .string(let s)? = write[field: name] { return s }
        return nil
    }

    static func reconcileQuery(_ chunk: [Outbox.Entry], object: WriteObject) -> String {
        let subjects = Set(chunk.compactMap { string($0.write, "Subject") }).sorted().map { "'\(soqlEscape($0))'" }
        let dateFields = object == .task ? "ActivityDate" : "ActivityDate, StartDateTime"
        var soql = "SELECT Id, Subject, OwnerId, WhoId, WhatId, \(dateFields) FROM \(object.rawValue)"
        if !subjects.isEmpty { soql += " WHERE Subject IN (\(subjects.joined(separator: ",")))" }
        return soql
    }

    /// Same subject, who, what, owner (or the sync user it fell back to) and date as planned.
    static func matches(_ r: SObjectRecord, _ w: PlannedWrite, syncUser: String?) -> Bool {
        func same(_ field: String) -> Bool {
            let planned = string(w, field) ?? ""
            let actual = r[field]?.stringValue ?? ""
            return planned == actual || (planned.count >= 15 && actual.count >= 15 && planned.prefix(15) == actual.prefix(15))
        }
        guard same("Subject"), same("WhoId"), same("WhatId") else { return false }
        let owner = r["OwnerId"]?.stringValue ?? ""
        if let planned = string(w, "OwnerId"), !planned.isEmpty, owner.prefix(15) != planned.prefix(15), owner != syncUser { return false }
        switch w[field: "ActivityDate"] {
        case .date(let d)?: if r["ActivityDate"]?.stringValue != d.isoString { return false }
        default: break
        }
        if case .dateTime(let t)? = w[field: "StartDateTime"],
            SalesforceDateTime.parse(r["StartDateTime"]?.stringValue ?? "") != t.millisecondsSinceEpoch {
            return false
        }
        return true
    }
}
