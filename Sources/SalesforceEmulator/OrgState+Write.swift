import Foundation

/// A change to one record (for notifications).
public struct RecordChange: Sendable, Equatable {
    public enum Kind: String, Sendable { case create = "CREATE", update = "UPDATE", delete = "DELETE" }
    public var object: String
    public var id: String
    public var kind: Kind
}

enum WriteMode { case create, update }

extension OrgState {
    static let fieldSecurityHint =
        "Please check the security settings of this field and verify that it is read/write for your profile or permission set."

    /// Creates or updates one record with Salesforce's checks. `lenient` is a person in the UI
    /// (admin endpoints): read-only system fields may be set, field security is not applied.
    mutating func write(
        object: String, id: String?, input: [(String, JSON)], mode: WriteMode, stamp: Int64, userId: String,
        lenient: Bool = false, changes: inout [RecordChange]
    ) -> Result<StoredRecord, APIError> {
        guard let schema = catalog.object(object) else {
            return .failure(APIError(400, "INVALID_TYPE", "sObject type '\(object)' is not supported."))
        }
        var existing: StoredRecord? = nil
        if mode == .update {
            guard let id, let r = records[schema.name]?[id] else {
                return .failure(APIError(404, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"))
            }
            if r.isDeleted { return .failure(APIError(404, "ENTITY_IS_DELETED", "entity is deleted")) }
            if schema.name == "Lead", r.fields["IsConverted"]?.boolValue == true, !lenient {
                return .failure(APIError(400, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead"))
            }
            existing = r
        }
        var values = existing?.fields ?? [:]
        var touched: [String] = []
        var junctionIds: [String]? = nil
        var givenId: String? = nil
        for (key, raw) in input {
            if key == "attributes" { continue }
            guard let f = schema.field(key) else {
                return .failure(APIError(400, "INVALID_FIELD", "No such column '\(key)' on sobject of type \(schema.name)"))
            }
            if f.name == "Id" {
                if mode == .create {
                    if lenient, let s = raw.stringValue, let n = SalesforceId.normalized(s), n.hasPrefix(schema.keyPrefix),
                        records[schema.name]?[n] == nil
                    {
                        givenId = n
                        continue
                    }
                    return .failure(APIError(400, "INVALID_FIELD_FOR_INSERT_UPDATE", "Record ID: cannot specify Id in an insert call"))
                }
                continue
            }
            let system = ["CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted", "CreatedById", "LastModifiedById"]
            let settable = mode == .create ? f.createable : f.updateable
            if !settable && (!lenient || system.contains(f.name)) {
                return .failure(APIError(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                                         "Unable to create/update fields: \(f.name). \(OrgState.fieldSecurityHint)", fields: [f.name]))
            }
            if f.type == "junctionidlist" {
                guard let list = raw.arrayValue ?? (raw.isNull ? [] : nil) else {
                    return .failure(APIError(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of \(f.name) from a non-array value"))
                }
                var ids: [String] = []
                for item in list {
                    guard let s = item.stringValue, let n = SalesforceId.normalized(s) else {
                        return .failure(APIError(400, "MALFORMED_ID", "\(f.label): id value of incorrect type: \(item.stringValue ?? "")", fields: [f.name]))
                    }
                    ids.append(n)
                }
                junctionIds = ids
                continue
            }
            switch coerce(raw, field: f) {
            case .success(let v):
                values[f.name] = v
                touched.append(f.name)
            case .failure(let e): return .failure(e)
            }
        }
        let recordId = existing?.id ?? givenId ?? newId(prefix: schema.keyPrefix)

        // Defaults on create.
        if mode == .create {
            for f in schema.fields where values[f.name] == nil || values[f.name] == .null {
                if f.type == "boolean" { values[f.name] = .bool(f.name == "IsActive") }
                else if f.name == "OwnerId" { values[f.name] = .string(userId) }
                else if f.defaultedOnCreate, f.type == "picklist",
                    let d = f.describe["picklistValues"]?.arrayValue?.first(where: { $0["defaultValue"]?.boolValue == true })?["value"]
                {
                    values[f.name] = d
                }
            }
            if schema.name == "Task", values["TaskSubtype"] == nil || values["TaskSubtype"] == .null { values["TaskSubtype"] = "Task" }
            if schema.name == "Lead", values["Status"] == nil || values["Status"] == .null { values["Status"] = "Open - Not Contacted" }
        }

        // Shared Activities: the JunctionIdList sets the primary WhoId.
        if let ids = junctionIds {
            if let e = checkWhoIds(ids, field: schema.name == "Task" ? "TaskWhoIds" : "EventWhoIds") { return .failure(e) }
            values["WhoId"] = ids.first.map { .string($0) } ?? .null
            touched.append("WhoId")
        }

        // References: the right kind, existing, not deleted, owners active, leads not converted.
        for name in touched {
            guard let f = schema.field(name), f.type == "reference", let target = values[name]?.stringValue else { continue }
            if let e = checkReference(target, field: f, object: schema.name, lenient: lenient) { return .failure(e) }
        }

        if schema.name == "Task" || schema.name == "Event" {
            if let what = values["WhatId"]?.stringValue, !what.isEmpty, let who = values["WhoId"]?.stringValue,
                who.hasPrefix("00Q")
            {
                return .failure(APIError(400, "FIELD_INTEGRITY_EXCEPTION",
                                         "Name ID: a Lead cannot be the Name of an activity that is Related To a record (WhatId must be empty)",
                                         fields: ["WhoId"]))
            }
        }
        if schema.name == "Event" {
            if let e = deriveEventTimes(&values, touched: Set(touched)) { return .failure(e) }
        }

        if mode == .create {
            let missing = schema.fields.filter { f in
                f.isRequiredOnCreate && f.name != "OwnerId" && (values[f.name] == nil || values[f.name] == .null)
            }.map(\.name)
            if !missing.isEmpty {
                return .failure(APIError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [\(missing.joined(separator: ", "))]", fields: missing))
            }
        } else {
            for name in touched {
                if let f = schema.field(name), !f.nillable, f.type != "boolean", values[name] == .null {
                    return .failure(APIError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [\(name)]", fields: [name]))
                }
            }
        }

        for rule in settings.validationRules where rule.object == schema.name {
            let value = values[rule.field].map { v -> String in
                switch v {
                case .string(let s): return s
                case .null: return ""
                default: return v.serialized()
                }
            } ?? ""
            let regex = try? NSRegularExpression(pattern: rule.pattern)
            let range = NSRange(value.startIndex..<value.endIndex, in: value)
            if let regex, regex.firstMatch(in: value, range: range) == nil {
                return .failure(APIError(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION", rule.message))
            }
        }

        for f in schema.fields where f.unique && f.name != "Id" {
            guard let key = indexKey(values[f.name]) else { continue }
            if let other = indexes[schema.name]?[f.name]?[key]?.first(where: { $0 != recordId && records[schema.name]?[$0]?.isDeleted == false }) {
                return .failure(APIError(400, "DUPLICATE_VALUE",
                                         "duplicate value found: \(f.name) duplicates value on record with id: \(other)", fields: [f.name]))
            }
        }

        let stampText = JSON.string(Timestamp.format(stamp))
        values["Id"] = .string(recordId)
        if mode == .create {
            if schema.field("CreatedDate") != nil { values["CreatedDate"] = stampText }
            if schema.field("CreatedById") != nil { values["CreatedById"] = .string(userId) }
            values["IsDeleted"] = false
        }
        if schema.field("LastModifiedDate") != nil { values["LastModifiedDate"] = stampText }
        if schema.field("LastModifiedById") != nil { values["LastModifiedById"] = .string(userId) }
        values["SystemModstamp"] = stampText
        var record = existing ?? StoredRecord(object: schema.name, id: recordId, fields: [:], modstamp: stamp)
        record.fields = values
        record.modstamp = stamp
        deriveFields(&record)
        if schema.name == "Task", record.fields["IsClosed"]?.boolValue == true,
            record.fields["CompletedDateTime"] == nil || record.fields["CompletedDateTime"] == .null
        {
            record.fields["CompletedDateTime"] = stampText
        }
        insert(record)
        changes.append(RecordChange(object: schema.name, id: recordId, kind: mode == .create ? .create : .update))
        if settings.sharedActivities, schema.name == "Task" || schema.name == "Event",
            junctionIds != nil || touched.contains("WhoId") || touched.contains("WhatId") || mode == .create
        {
            syncRelations(activity: record, whoIds: junctionIds, stamp: stamp, userId: userId, changes: &changes)
        }
        return .success(record)
    }

    /// Salesforce's type rules for one field value.
    func coerce(_ raw: JSON, field f: FieldInfo) -> Result<JSON, APIError> {
        func parserError(_ type: String) -> APIError {
            APIError(400, "JSON_PARSER_ERROR",
                     "Cannot deserialize instance of \(type) from \(raw.serialized().prefix(1) == "\"" ? "VALUE_STRING" : "VALUE") value for field \(f.name)",
                     fields: [f.name])
        }
        if raw.isNull {
            return .success(f.type == "boolean" ? .bool(false) : .null)
        }
        switch f.type {
        case "boolean":
            if let b = raw.boolValue { return .success(.bool(b)) }
            if let s = raw.stringValue?.lowercased(), s == "true" || s == "false" { return .success(.bool(s == "true")) }
            return .failure(parserError("boolean"))
        case "int":
            if let i = raw.intValue { return .success(.int(i)) }
            if let s = raw.stringValue, let i = Int(s) { return .success(.int(i)) }
            return .failure(parserError("int"))
        case "double", "currency", "percent":
            if let d = raw.doubleValue { return .success(.double(d)) }
            if let s = raw.stringValue, let d = Double(s) { return .success(.double(d)) }
            return .failure(parserError("double"))
        case "date":
            guard let s = raw.stringValue, s.utf8.count == 10, let ms = Timestamp.parse(s) else { return .failure(parserError("date")) }
            return .success(.string(Timestamp.formatDate(ms)))
        case "datetime":
            guard let s = raw.stringValue, let ms = Timestamp.parse(s) else { return .failure(parserError("datetime")) }
            return .success(.string(Timestamp.format(ms)))
        case "reference", "id":
            guard let s = raw.stringValue else { return .failure(parserError("id")) }
            if s.isEmpty { return .success(.null) }
            guard let n = SalesforceId.normalized(s) else {
                return .failure(APIError(400, "MALFORMED_ID", "\(f.label): id value of incorrect type: \(s)", fields: [f.name]))
            }
            return .success(.string(n))
        default:
            let text: String
            switch raw {
            case .string(let s): text = s
            case .int, .double, .bool: text = raw.serialized()
            default: return .failure(parserError("string"))
            }
            if f.length > 0, text.count > f.length {
                let shown = text.count > 20 ? String(text.prefix(20)) + "..." : text
                return .failure(APIError(400, "STRING_TOO_LONG",
                                         "\(f.label): data value too large: \(shown) (max length=\(f.length))", fields: [f.name]))
            }
            return .success(.string(text))
        }
    }

    func checkReference(_ target: String, field f: FieldInfo, object: String, lenient: Bool) -> APIError? {
        guard let targetObject = catalog.objectName(forId: target) else {
            // A prefix of an object the emulator does not model (RecordType, Group…): accepted as is,
            // unless the field only points at modelled objects.
            if f.referenceTo.allSatisfy({ catalog.object($0) != nil }) {
                return APIError(400, "MALFORMED_ID", "\(f.label): id value of incorrect type: \(target)", fields: [f.name])
            }
            return nil
        }
        if !f.referenceTo.contains(targetObject) {
            return APIError(400, "FIELD_INTEGRITY_EXCEPTION", "\(f.label): id value of incorrect type: \(target)", fields: [f.name])
        }
        guard let r = records[targetObject]?[target] else {
            return APIError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields: [f.name])
        }
        if r.isDeleted { return APIError(400, "ENTITY_IS_DELETED", "entity is deleted", fields: [f.name]) }
        if f.name == "OwnerId", targetObject == "User", r.fields["IsActive"]?.boolValue == false {
            return APIError(400, "INACTIVE_OWNER_OR_USER",
                            "operation performed with inactive user [\(target)] as owner of \(object.lowercased())")
        }
        if targetObject == "Lead", r.fields["IsConverted"]?.boolValue == true, !lenient {
            return APIError(400, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", fields: [f.name])
        }
        return nil
    }

    /// Up to 50 Contacts or exactly one Lead, never mixed; each must exist.
    func checkWhoIds(_ ids: [String], field: String) -> APIError? {
        if ids.count > 50 {
            return APIError(400, "FIELD_INTEGRITY_EXCEPTION", "\(field): you can relate at most 50 contacts to an activity", fields: [field])
        }
        let leads = ids.filter { $0.hasPrefix("00Q") }
        if !leads.isEmpty && ids.count > 1 {
            return APIError(400, "FIELD_INTEGRITY_EXCEPTION",
                            "\(field): an activity can be related to one lead or to up to 50 contacts, not both", fields: [field])
        }
        for id in ids {
            guard let object = catalog.objectName(forId: id), object == "Contact" || object == "Lead" else {
                return APIError(400, "FIELD_INTEGRITY_EXCEPTION", "\(field): id value of incorrect type: \(id)", fields: [field])
            }
            guard let r = records[object]?[id] else {
                return APIError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", fields: [field])
            }
            if r.isDeleted { return APIError(400, "ENTITY_IS_DELETED", "entity is deleted", fields: [field]) }
        }
        if Set(ids).count != ids.count {
            return APIError(400, "DUPLICATE_VALUE", "\(field): duplicate value found", fields: [field])
        }
        return nil
    }

    /// Event times: a start, and an end or a duration, unless it is all-day (then the date).
    func deriveEventTimes(_ values: inout [String: JSON], touched: Set<String>) -> APIError? {
        if values["IsAllDayEvent"]?.boolValue == true {
            guard let dateText = values["ActivityDate"]?.stringValue ?? values["StartDateTime"]?.stringValue.map({ String($0.prefix(10)) }),
                let day = Timestamp.parse(String(dateText.prefix(10)))
            else {
                return APIError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [ActivityDate]", fields: ["ActivityDate"])
            }
            values["ActivityDate"] = .string(Timestamp.formatDate(day))
            values["StartDateTime"] = .string(Timestamp.format(day))
            values["ActivityDateTime"] = .string(Timestamp.format(day))
            values["DurationInMinutes"] = 1440
            values["EndDateTime"] = .string(Timestamp.format(day + 86_400_000))
            values["EndDate"] = .string(Timestamp.formatDate(day))
            return nil
        }
        let startText: String?
        if touched.contains("StartDateTime") { startText = values["StartDateTime"]?.stringValue }
        else if touched.contains("ActivityDateTime") { startText = values["ActivityDateTime"]?.stringValue }
        else { startText = values["StartDateTime"]?.stringValue ?? values["ActivityDateTime"]?.stringValue }
        guard let startText, let start = Timestamp.parse(startText) else {
            return APIError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [StartDateTime]", fields: ["StartDateTime"])
        }
        var end: Int64
        if touched.contains("EndDateTime"), let e = values["EndDateTime"]?.stringValue.flatMap(Timestamp.parse) {
            end = e
        } else if let d = values["DurationInMinutes"]?.intValue {
            end = start + Int64(d) * 60_000
        } else if let e = values["EndDateTime"]?.stringValue.flatMap(Timestamp.parse) {
            end = e
        } else {
            return APIError(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [DurationInMinutes]", fields: ["DurationInMinutes"])
        }
        if end < start {
            return APIError(400, "FIELD_INTEGRITY_EXCEPTION", "End Date/Time: the end can't be before the start", fields: ["EndDateTime"])
        }
        if end - start > 14 * 86_400_000 {
            return APIError(400, "FIELD_INTEGRITY_EXCEPTION", "Event duration cannot exceed 14 days", fields: ["DurationInMinutes"])
        }
        end = max(end, start)
        values["StartDateTime"] = .string(Timestamp.format(start))
        values["ActivityDateTime"] = .string(Timestamp.format(start))
        values["EndDateTime"] = .string(Timestamp.format(end))
        values["DurationInMinutes"] = .int(Int((end - start) / 60_000))
        values["ActivityDate"] = .string(Timestamp.formatDate(start))
        values["EndDate"] = .string(Timestamp.formatDate(end))
        return nil
    }

    /// Keeps TaskRelation/EventRelation rows in step with an activity's people and related record.
    mutating func syncRelations(activity: StoredRecord, whoIds: [String]?, stamp: Int64, userId: String, changes: inout [RecordChange]) {
        let relObject = activity.object == "Task" ? "TaskRelation" : "EventRelation"
        let parentField = activity.object == "Task" ? "TaskId" : "EventId"
        let who = whoIds ?? (activity.fields["WhoId"]?.stringValue.map { [$0] } ?? [])
        var wanted: [(String, Bool)] = who.map { ($0, false) }
        if let what = activity.fields["WhatId"]?.stringValue { wanted.append((what, true)) }
        let existing = allRecords(of: relObject).filter { !$0.isDeleted && $0.fields[parentField]?.stringValue == activity.id }
        for old in existing where !wanted.contains(where: { $0.0 == old.fields["RelationId"]?.stringValue }) {
            var r = old
            r.isDeleted = true
            r.deletedAt = stamp
            r.fields["IsDeleted"] = true
            r.fields["SystemModstamp"] = .string(Timestamp.format(stamp))
            r.modstamp = stamp
            insert(r)
            changes.append(RecordChange(object: relObject, id: r.id, kind: .delete))
        }
        for (relationId, isWhat) in wanted where !existing.contains(where: { $0.fields["RelationId"]?.stringValue == relationId }) {
            let id = newId(prefix: relObject == "TaskRelation" ? "0RT" : "0RE")
            let text = JSON.string(Timestamp.format(stamp))
            var fields: [String: JSON] = [
                "Id": .string(id), parentField: .string(activity.id), "RelationId": .string(relationId), "IsWhat": .bool(isWhat),
                "AccountId": activity.fields["AccountId"] ?? .null, "IsDeleted": false, "CreatedDate": text,
                "CreatedById": .string(userId), "LastModifiedDate": text, "LastModifiedById": .string(userId), "SystemModstamp": text,
            ]
            if relObject == "EventRelation" {
                fields["IsParent"] = .bool(!isWhat); fields["IsInvitee"] = false; fields["Status"] = "New"
            }
            insert(StoredRecord(object: relObject, id: id, fields: fields, modstamp: stamp))
            changes.append(RecordChange(object: relObject, id: id, kind: .create))
        }
    }

    /// Moves a record to the recycle bin (its activities' relation rows with it).
    mutating func delete(id: String, stamp: Int64, changes: inout [RecordChange]) -> Result<StoredRecord, APIError> {
        guard let object = catalog.objectName(forId: id), var r = records[object]?[id] else {
            return .failure(APIError(404, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"))
        }
        if r.isDeleted { return .failure(APIError(404, "ENTITY_IS_DELETED", "entity is deleted")) }
        r.isDeleted = true
        r.deletedAt = stamp
        r.fields["IsDeleted"] = true
        r.fields["SystemModstamp"] = .string(Timestamp.format(stamp))
        r.modstamp = stamp
        insert(r)
        changes.append(RecordChange(object: object, id: id, kind: .delete))
        if object == "Task" || object == "Event" {
            let relObject = object == "Task" ? "TaskRelation" : "EventRelation"
            let parentField = object == "Task" ? "TaskId" : "EventId"
            for rel in allRecords(of: relObject) where !rel.isDeleted && rel.fields[parentField]?.stringValue == id {
                _ = delete(id: rel.id, stamp: stamp, changes: &changes)
            }
        }
        return .success(r)
    }
}
