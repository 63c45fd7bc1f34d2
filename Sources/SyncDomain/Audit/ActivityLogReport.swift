/// Filters of `synclog activity-log` (L3). Every filter is optional; `since`/`until`
/// compare with the activity's own time (the CLI defaults `since` to 15 days back).
public struct ActivityLogFilter: Sendable, Hashable {
    public var workspace: String?
    public var status: ActivityStatus?
    public var user: String?
    /// Matched case-insensitively, trimmed (like R1).
    public var recipient: String?
    public var since: Timestamp?
    public var until: Timestamp?
    public var limit: Int?

    public init(
        workspace: String? = nil, status: ActivityStatus? = nil, user: String? = nil, recipient: String? = nil,
        since: Timestamp? = nil, until: Timestamp? = nil, limit: Int? = nil
    ) {
        self.workspace = workspace
        self.status = status
        self.user = user
        self.recipient = recipient
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// One line of the activity log (L1, L2).
public struct ActivityLogRow: Sendable, Hashable {
    public var workspace: String
    public var activityId: String
    public var occurredAt: Timestamp
    public var type: ActivityType
    /// `Task`, `Event`, `Task+Event`, or nil without writes.
    public var object: String?
    public var recipient: String?
    public var userId: String
    public var role: String?
    public var status: ActivityStatus
    /// The rule that decided a Not Synced, or the error code of an Error.
    public var rule: String?
    /// Salesforce's message for an Error (verbatim), else the deciding reason's text.
    public var detail: String?
    public var salesforceIds: [String]
    public var reasons: [Reason]
    public var lastRequest: String?
    public var lastResponse: String?

    public var jsonValue: JSONValue {
        .object([
            .init("workspace", .string(workspace)), .init("activityId", .string(activityId)),
            .init("occurredAt", .string(occurredAt.rfc3339String)), .init("type", .string(type.rawValue)),
            .init("object", object.map(JSONValue.string) ?? .null),
            .init("recipient", recipient.map(JSONValue.string) ?? .null), .init("userId", .string(userId)),
            .init("role", role.map(JSONValue.string) ?? .null), .init("status", .string(status.rawValue)),
            .init("rule", rule.map(JSONValue.string) ?? .null), .init("detail", detail.map(JSONValue.string) ?? .null),
            .init("salesforceIds", .array(salesforceIds.map(JSONValue.string))),
            .init("reasons", .array(reasons.map(AuditJSON.reason))),
            .init("request", lastRequest.map(JSONValue.string) ?? .null),
            .init("response", lastResponse.map(JSONValue.string) ?? .null),
        ])
    }
}

/// L4: counts per role.
public struct RoleSummary: Sendable, Hashable {
    public var workspace: String
    public var role: String
    public var synced = 0
    public var notSynced = 0
    public var error = 0
    public var pending = 0

    public var jsonValue: JSONValue {
        .object([
            .init("workspace", .string(workspace)), .init("role", .string(role)),
            .init("Synced", .number(Double(synced))), .init("Not Synced", .number(Double(notSynced))),
            .init("Error", .number(Double(error))), .init("Pending", .number(Double(pending))),
        ])
    }
}

extension Audit {
    /// The activity log rows matching `filter`, in log order (oldest first).
    /// `planAt` reads the plan at a log position when the state keeps plans in the log only.
    public static func activityLog(
        _ filter: ActivityLogFilter = ActivityLogFilter(), in state: SyncState, planAt: (UInt64) -> ActivityPlanned? = { _ in nil }
    ) -> [ActivityLogRow] {
        var rows: [ActivityLogRow] = []
        let names = filter.workspace.map { [$0] } ?? state.workspaces.keys.sorted()
        let recipient = filter.recipient.map(EmailAddress.normalize)
        for name in names {
            guard let ws = state.workspaces[name] else { continue }
            let log = ws.activityLog
            // Use the narrowest index.
            let slots: [Int32]?
            if let u = filter.user { slots = log.byUser[u] ?? [] }
            else if let r = recipient { slots = log.byRecipient[r] ?? [] }
            else { slots = nil }  // all of them, in log order
            for i in 0..<(slots?.count ?? log.entries.count) {
                let e = log.entries.values[slots.map { Int($0[i]) } ?? i]
                if let u = filter.user, e.userId != u { continue }
                if let r = recipient, !e.recipients.contains(r) { continue }
                if let s = filter.since, e.occurredAt < s { continue }
                if let u = filter.until, e.occurredAt > u { continue }
                let status = ws.status(of: e)
                if let s = filter.status, s != status { continue }
                rows.append(row(e, status: status, in: ws, workspace: name, planAt: planAt))
                if let limit = filter.limit, rows.count >= limit { return rows }
            }
        }
        return rows
    }

    static func row(
        _ e: ActivityLog.Entry, status: ActivityStatus, in ws: WorkspaceState, workspace: String, planAt: (UInt64) -> ActivityPlanned?
    ) -> ActivityLogRow {
        var objects = Set<String>()
        var ids: [String] = []
        var rule: String?
        var detail: String?
        var request: String?
        var response: String?
        for key in e.syncKeys {
            guard let o = ws.outbox.entries[key] else { continue }
            objects.insert(o.write.object.rawValue)
            if let id = o.salesforceId { ids.append(id) }
            if o.state == .failedPermanent, rule == nil {
                rule = o.lastErrorCode
                detail = o.lastError
            }
            if let r = o.lastRequest { request = r }
            if let r = o.lastResponse { response = r }
        }
        let reasons = e.latestPlan?.plan?.reasons ?? e.planPositions.last.flatMap(planAt)?.reasons ?? []
        if status == .notSynced {
            rule = reasons.last?.rule ?? e.lastRule
            detail = reasons.last?.text
        }
        let object = objects.isEmpty ? nil : objects.sorted().joined(separator: "+")
        return ActivityLogRow(
            workspace: workspace, activityId: e.activityId, occurredAt: e.occurredAt, type: e.type, object: object,
            recipient: e.recipient, userId: e.userId, role: e.role, status: status, rule: rule, detail: detail,
            salesforceIds: ids, reasons: reasons, lastRequest: request, lastResponse: response)
    }

    /// L4: synced / not synced / error / pending counts per role (role at planning time;
    /// activities never planned count under `(unplanned)`).
    public static func summary(
        _ filter: ActivityLogFilter = ActivityLogFilter(), in state: SyncState, planAt: (UInt64) -> ActivityPlanned? = { _ in nil }
    ) -> [RoleSummary] {
        var out: [String: RoleSummary] = [:]
        var unfiltered = filter
        unfiltered.limit = nil
        for row in activityLog(unfiltered, in: state, planAt: planAt) {
            let role = row.role ?? "(unplanned)"
            let key = row.workspace + "\u{1F}" + role
            var s = out[key] ?? RoleSummary(workspace: row.workspace, role: role)
            switch row.status {
            case .synced: s.synced += 1
            case .notSynced: s.notSynced += 1
            case .error: s.error += 1
            case .pending: s.pending += 1
            }
            out[key] = s
        }
        return out.keys.sorted().map { out[$0]! }
    }

    /// Sorted-keys JSON array of rows.
    public static func json(_ rows: [ActivityLogRow]) -> String {
        String(decoding: JSONValue.array(rows.map(\.jsonValue)).jsonBytes(sortedKeys: true), as: UTF8.self)
    }

    /// Sorted-keys JSON array of role summaries.
    public static func json(_ summaries: [RoleSummary]) -> String {
        String(decoding: JSONValue.array(summaries.map(\.jsonValue)).jsonBytes(sortedKeys: true), as: UTF8.self)
    }

    /// A readable table of rows.
    public static func table(_ rows: [ActivityLogRow]) -> String {
        let header = ["TIME", "WORKSPACE", "ACTIVITY", "TYPE", "OBJECT", "RECIPIENT", "USER", "STATUS", "RULE", "SALESFORCE IDS / DETAIL"]
        let lines = rows.map { r -> [String] in
            let tail = r.salesforceIds.isEmpty ? (r.detail ?? "") : r.salesforceIds.joined(separator: ",")
            return [r.occurredAt.rfc3339String, r.workspace, r.activityId, r.type.rawValue, r.object ?? "-",
                    r.recipient ?? "-", r.userId, r.status.rawValue, r.rule ?? "-", tail]
        }
        return renderTable(header, lines)
    }

    /// A readable table of role summaries (L4).
    public static func table(_ summaries: [RoleSummary]) -> String {
        renderTable(["WORKSPACE", "ROLE", "SYNCED", "NOT SYNCED", "ERROR", "PENDING"],
                    summaries.map { [$0.workspace, $0.role, String($0.synced), String($0.notSynced), String($0.error), String($0.pending)] })
    }

    static func renderTable(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], min(c.count, 60)) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                let cell = c.count > 60 ? String(c.prefix(59)) + "…" : c
                parts.append(i == cells.count - 1 ? cell : cell.padding(widths[i]))
            }
            return parts.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// Outbox entries for `synclog outbox` (`--failed`: permanent and transient failures;
    /// `--pending`: planned, dispatching, retrying), oldest plan first.
    public static func outbox(workspace: String? = nil, states: Set<Outbox.State>, in state: SyncState) -> [(workspace: String, entry: Outbox.Entry)] {
        let names = workspace.map { [$0] } ?? state.workspaces.keys.sorted()
        return names.flatMap { name in
            (state.workspaces[name]?.outbox.entries(in: states) ?? []).map { (name, $0) }
        }
    }

    /// Writes due at `now` for the dispatcher, per workspace (W2-W4).
    public static func dueWrites(at now: Timestamp, workspace: String, in state: SyncState, limit: Int = .max) -> [Outbox.Entry] {
        state.workspace(workspace).outbox.due(at: now, limit: limit)
    }

    /// Writes sent without an outcome (in doubt after a crash).
    public static func inDoubtWrites(workspace: String, in state: SyncState) -> [Outbox.Entry] {
        state.workspace(workspace).outbox.inDoubt()
    }
}
