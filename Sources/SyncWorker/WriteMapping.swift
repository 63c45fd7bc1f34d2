public import Salesforce
public import SyncDomain

/// How one due write is sent (W1): by the sync-key external id where the org has it, else create
/// (or update / delete by the Salesforce id the outbox already knows).
public enum DispatchKind: Hashable, Sendable {
    case upsertByKey(object: String, field: String)
    case create(object: String)
    case update(object: String)
    case delete
    /// A delete of a record that was never written (nothing to do) or whose id must be found first.
    case deleteUnknown(object: String)
}

/// Pure mapping from planned writes to Salesforce records and batches.
public enum WriteMapping {
    /// Fields that Salesforce takes on create only (T1: TaskSubtype cannot be updated).
    public static let createOnly: Set<String> = ["TaskSubtype", "EventSubtype"]

    public static func json(_ value: FieldValue) -> SalesforceJSON {
        switch value {
        case .string(let s): return .string(s)
        case .date(let d): return .string(d.isoString)
        case .dateTime(let t): return .string(SalesforceDateTime.format(millisecondsSinceEpoch: t.millisecondsSinceEpoch))
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .idList(let ids): return .array(ids.map { .string($0) })
        case .null: return .null
        }
    }

    /// The kind of call for `entry` given the external-id field in force (nil: the org has none).
    public static func kind(of entry: Outbox.Entry, externalIdField: String?) -> DispatchKind {
        let object = entry.write.object.rawValue
        switch entry.write.operation {
        case .delete:
            return entry.salesforceId != nil ? .delete : .deleteUnknown(object: object)
        case .upsert:
            if let field = externalIdField { return .upsertByKey(object: object, field: field) }
            return entry.salesforceId != nil ? .update(object: object) : .create(object: object)
        }
    }

    /// The record to send: hidden fields (field security, W5 INVALID_FIELD) dropped, the sync-key field set
    /// for upserts and removed otherwise, create-only fields dropped from updates, the owner replaced
    /// by `ownerOverride` (INACTIVE_OWNER_OR_USER).
    public static func record(
        for entry: Outbox.Entry, kind: DispatchKind, syncKeyField: String, hidden: (String) -> Bool, ownerOverride: String?,
        existing: Bool = false
    ) -> SObjectRecord {
        let isUpdate: Bool
        switch kind {
        case .update: isUpdate = true
        case .upsertByKey: isUpdate = entry.salesforceId != nil || existing
        default: isUpdate = false
        }
        var fields: [(String, SalesforceJSON)] = []
        for f in entry.write.fields {
            if f.name.lowercased() == syncKeyField.lowercased() || f.name == "Id" { continue }
            if hidden(f.name) { continue }
            if isUpdate && createOnly.contains(f.name) { continue }
            if f.name == "OwnerId", let ownerOverride { fields.append(("OwnerId", .string(ownerOverride))); continue }
            fields.append((f.name, json(f.value)))
        }
        switch kind {
        case .upsertByKey(_, let field): fields.insert((field, .string(entry.write.syncKey)), at: 0)
        case .update: if let id = entry.salesforceId { fields.insert(("Id", .string(id)), at: 0) }
        default: break
        }
        return SObjectRecord(type: entry.write.object.rawValue, fields: fields)
    }

    /// The record a write is "about" for row locks: its WhatId, else its WhoId.
    static func parent(of entry: Outbox.Entry) -> String {
        if case .string(let what)? = entry.write[field: "WhatId"], !what.isEmpty { return what }
        if case .string(let who)? = entry.write[field: "WhoId"], !who.isEmpty { return who }
        return ""
    }

    /// W7: batches of at most `size`, one kind (object + operation) per batch, writes that touch the same
    /// parent kept in the same batch (row locks), plan order otherwise.
    public static func batches(_ entries: [Outbox.Entry], externalIdField: String?, size: Int = SalesforceAPI.maxCollectionSize)
        -> [(kind: DispatchKind, entries: [Outbox.Entry])]
    {
        var byKind: [DispatchKind: [Outbox.Entry]] = [:]
        var kindOrder: [DispatchKind] = []
        for e in entries {
            let k = kind(of: e, externalIdField: externalIdField)
            if byKind[k] == nil { kindOrder.append(k) }
            byKind[k, default: []].append(e)
        }
        var out: [(kind: DispatchKind, entries: [Outbox.Entry])] = []
        for k in kindOrder {
            // Group by parent in order of first appearance.
            var groups: [String: [Outbox.Entry]] = [:]
            var parentOrder: [String] = []
            for e in byKind[k]! {
                let p = parent(of: e)
                if groups[p] == nil { parentOrder.append(p) }
                groups[p, default: []].append(e)
            }
            var current: [Outbox.Entry] = []
            for p in parentOrder {
                var group = groups[p]!
                if p.isEmpty {
                    // No parent: fill freely.
                    for e in group {
                        if current.count == size { out.append((kind: k, entries: current)); current = [] }
                        current.append(e)
                    }
                    continue
                }
                if current.count + group.count > size, !current.isEmpty, group.count <= size {
                    out.append((kind: k, entries: current))
                    current = []
                }
                while !group.isEmpty {
                    let room = size - current.count
                    current += group.prefix(room)
                    group.removeFirst(min(room, group.count))
                    if current.count == size { out.append((kind: k, entries: current)); current = [] }
                }
            }
            if !current.isEmpty { out.append((kind: k, entries: current)) }
        }
        return out
    }
}
