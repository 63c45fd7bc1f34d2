/// The story of one activity (L5, contract section 6): status, each decision
/// with its rule id, the writes planned and their outcomes.
///
/// ```swift
/// if let story = Audit.explain(activityId: "act_0001", workspace: nil, in: state) {
///     print(json ? story.json() : story.text())
/// }
/// ```
public struct ExplainStory: Sendable, Hashable {
    public struct WriteStory: Sendable, Hashable {
        public var write: PlannedWrite
        public var state: Outbox.State
        public var salesforceId: String?
        public var attempts: Int
        public var lastErrorCode: String?
        /// Salesforce's message, verbatim (W5).
        public var lastError: String?
        public var nextAttemptAt: Timestamp?
        public var request: String?
        public var response: String?
    }

    public var activityId: String
    public var workspace: String
    public var type: ActivityType
    public var status: ActivityStatus
    public var userId: String
    public var role: String?
    public var occurredAt: Timestamp
    public var recipient: String?
    public var activityPosition: UInt64
    public var planPositions: [UInt64]
    public var reasons: [Reason]
    public var writes: [WriteStory]
    public var duplicateDeliveries: Int

    /// Sorted-keys JSON in the shape of contract section 6 (plus more keys).
    public func json() -> String {
        String(decoding: jsonValue.jsonBytes(sortedKeys: true), as: UTF8.self)
    }

    public var jsonValue: JSONValue {
        .object([
            .init("activityId", .string(activityId)),
            .init("workspace", .string(workspace)),
            .init("type", .string(type.rawValue)),
            .init("status", .string(status.rawValue)),
            .init("userId", .string(userId)),
            .init("role", role.map(JSONValue.string) ?? .null),
            .init("occurredAt", .string(occurredAt.rfc3339String)),
            .init("recipient", recipient.map(JSONValue.string) ?? .null),
            .init("activityPosition", .number(Double(activityPosition))),
            .init("planPositions", .array(planPositions.map { .number(Double($0)) })),
            .init("duplicateDeliveries", .number(Double(duplicateDeliveries))),
            .init("reasons", .array(reasons.map(AuditJSON.reason))),
            .init("writes", .array(writes.map { w in
                .object([
                    .init("syncKey", .string(w.write.syncKey)),
                    .init("object", .string(w.write.object.rawValue)),
                    .init("operation", .string(w.write.operation.rawValue)),
                    .init("fields", AuditJSON.fields(w.write.fields)),
                    .init("state", .string(w.state.rawValue)),
                    .init("salesforceId", w.salesforceId.map(JSONValue.string) ?? .null),
                    .init("attempts", .number(Double(w.attempts))),
                    .init("lastError", w.lastError.map(JSONValue.string) ?? .null),
                    .init("lastErrorCode", w.lastErrorCode.map(JSONValue.string) ?? .null),
                    .init("nextAttemptAt", w.nextAttemptAt.map { .string($0.rfc3339String) } ?? .null),
                    .init("request", w.request.map(JSONValue.string) ?? .null),
                    .init("response", w.response.map(JSONValue.string) ?? .null),
                ])
            })),
        ])
    }

    /// A readable story for people.
    public func text() -> String {
        var out = "Activity \(activityId) (\(type.rawValue)) in workspace \(workspace)\n"
        out += "  status:     \(status.rawValue)\n"
        out += "  occurred:   \(occurredAt.rfc3339String)\n"
        out += "  user:       \(userId)" + (role.map { " (role \($0))" } ?? "") + "\n"
        if let recipient { out += "  recipient:  \(recipient)\n" }
        out += "  log:        activity at position \(activityPosition)"
        if !planPositions.isEmpty { out += ", planned at " + planPositions.map(String.init).joined(separator: ", ") }
        out += "\n"
        if duplicateDeliveries > 0 { out += "  D1:         delivered \(duplicateDeliveries) more time(s), stored once\n" }
        out += "Decisions:\n"
        if reasons.isEmpty { out += "  (not planned yet)\n" }
        for r in reasons { out += "  \(r.rule.padding(4)) \(r.text)\n" }
        out += "Writes:\n"
        if writes.isEmpty { out += "  (none)\n" }
        for w in writes {
            out += "  \(w.write.operation.rawValue) \(w.write.object.rawValue) \(w.write.syncKey): \(w.state.rawValue)"
            if let id = w.salesforceId { out += " -> \(id)" }
            if w.attempts > 0 { out += ", \(w.attempts) attempt(s)" }
            out += "\n"
            for f in w.write.fields { out += "      \(f.name) = \(AuditJSON.display(f.value))\n" }
            if let code = w.lastErrorCode { out += "      error: \(code): \(w.lastError ?? "")\n" }
            if let r = w.request, !r.isEmpty { out += "      request:  \(r)\n" }
            if let r = w.response, !r.isEmpty { out += "      response: \(r)\n" }
        }
        return out
    }
}

extension String {
    func padding(_ width: Int) -> String {
        let n = self.count
        return n >= width ? self : self + String(repeating: " ", count: width - n)
    }
}

enum AuditJSON {
    static func reason(_ r: Reason) -> JSONValue {
        var data: [JSONValue.Member] = []
        for d in r.data {
            if let i = data.firstIndex(where: { $0.name == d.key }) {
                // Repeated keys (R2 losers) become arrays.
                if case .array(let items) = data[i].value {
                    data[i].value = .array(items + [.string(d.value)])
                } else {
                    data[i].value = .array([data[i].value, .string(d.value)])
                }
            } else {
                data.append(.init(d.key, .string(d.value)))
            }
        }
        return .object([.init("rule", .string(r.rule)), .init("text", .string(r.text)), .init("data", .object(data))])
    }

    static func value(_ v: FieldValue) -> JSONValue {
        switch v {
        case .string(let s): return .string(s)
        case .date(let d): return .string(d.isoString)
        case .dateTime(let t): return .string(t.rfc3339String)
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .idList(let ids): return .array(ids.map(JSONValue.string))
        case .null: return .null
        }
    }

    static func fields(_ fields: [WriteField]) -> JSONValue {
        .object(fields.map { .init($0.name, value($0.value)) })
    }

    static func display(_ v: FieldValue) -> String {
        switch v {
        case .string(let s): return s
        case .idList(let ids): return ids.joined(separator: ", ")
        default: return value(v).jsonString
        }
    }
}

/// Queries for the CLI: explain, the activity log (L1-L4) and the outbox.
public enum Audit {
    /// The story of `activityId` (in `workspace`, or the first workspace, by name, that has it).
    ///
    /// `planAt` reads the `ActivityPlanned` stored at a log position; needed only when the state
    /// keeps plans in the log (`SyncState(auditPlansInMemory: false)`).
    public static func explain(
        activityId: String, workspace: String? = nil, in state: SyncState, planAt: (UInt64) -> ActivityPlanned? = { _ in nil }
    ) -> ExplainStory? {
        let names = workspace.map { [$0] } ?? state.workspaces.keys.sorted()
        for name in names {
            guard let ws = state.workspaces[name], let e = ws.activityLog.entries[activityId] else { continue }
            let plan = e.latestPlan?.plan ?? e.planPositions.last.flatMap(planAt)
            let writes = e.syncKeys.compactMap { key -> ExplainStory.WriteStory? in
                guard let o = ws.outbox.entries[key] else { return nil }
                let planned = plan?.writes.first { $0.syncKey == key }
                return ExplainStory.WriteStory(
                    write: o.state == .written ? (planned ?? o.write) : o.write, state: o.state, salesforceId: o.salesforceId, attempts: o.attempts,
                    lastErrorCode: o.lastErrorCode, lastError: o.lastError, nextAttemptAt: o.nextAttemptAt,
                    request: o.lastRequest, response: o.lastResponse)
            }
            return ExplainStory(
                activityId: activityId, workspace: name, type: e.type, status: ws.status(of: e), userId: e.userId,
                role: e.role, occurredAt: e.occurredAt, recipient: e.recipient, activityPosition: e.activityPosition,
                planPositions: e.planPositions, reasons: plan?.reasons ?? [], writes: writes, duplicateDeliveries: e.duplicateDeliveries)
        }
        return nil
    }
}
