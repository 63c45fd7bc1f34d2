import Foundation

/// What the emulator knows of one field: the describe entry and the parts the checks use.
public struct FieldInfo: Sendable {
    public var name: String
    public var type: String
    public var label: String
    public var length: Int
    public var createable: Bool
    public var updateable: Bool
    public var nillable: Bool
    public var defaultedOnCreate: Bool
    public var externalId: Bool
    public var unique: Bool
    public var idLookup: Bool
    public var referenceTo: [String]
    public var relationshipName: String?
    /// The describe entry as served.
    var describe: JSON

    var isRequiredOnCreate: Bool { createable && !nillable && !defaultedOnCreate && type != "boolean" }
    var canBeExternalIdKey: Bool { externalId || idLookup || name == "Id" }

    init(describe: JSON) {
        self.describe = describe
        name = describe["name"]?.stringValue ?? ""
        type = describe["type"]?.stringValue ?? "string"
        label = describe["label"]?.stringValue ?? name
        length = describe["length"]?.intValue ?? 0
        createable = describe["createable"]?.boolValue ?? false
        updateable = describe["updateable"]?.boolValue ?? false
        nillable = describe["nillable"]?.boolValue ?? true
        defaultedOnCreate = describe["defaultedOnCreate"]?.boolValue ?? false
        externalId = describe["externalId"]?.boolValue ?? false
        unique = describe["unique"]?.boolValue ?? false
        idLookup = describe["idLookup"]?.boolValue ?? false
        referenceTo = describe["referenceTo"]?.arrayValue?.compactMap(\.stringValue) ?? []
        relationshipName = describe["relationshipName"]?.stringValue
    }
}

/// One object's metadata: its describe and its fields by name.
public struct ObjectSchema: Sendable {
    public var name: String
    public var keyPrefix: String
    public var fields: [FieldInfo]
    var fieldIndex: [String: Int]
    /// Lower-cased field name -> canonical name (SOQL and JSON field names are case-insensitive).
    var lowerNames: [String: String]
    var describeTop: [(String, JSON)]

    init(describe: JSON) {
        describeTop = describe.objectValue ?? []
        name = describe["name"]?.stringValue ?? ""
        keyPrefix = describe["keyPrefix"]?.stringValue ?? "a00"
        fields = (describe["fields"]?.arrayValue ?? []).map(FieldInfo.init(describe:))
        fieldIndex = [:]
        lowerNames = [:]
        reindex()
    }

    mutating func reindex() {
        fieldIndex = [:]
        lowerNames = [:]
        for (i, f) in fields.enumerated() {
            fieldIndex[f.name] = i
            lowerNames[f.name.lowercased()] = f.name
        }
    }

    public func field(_ name: String) -> FieldInfo? {
        if let i = fieldIndex[name] { return fields[i] }
        if let canonical = lowerNames[name.lowercased()], let i = fieldIndex[canonical] { return fields[i] }
        return nil
    }

    /// The field whose `relationshipName` is `name` (case-insensitive), e.g. `Account` -> `AccountId`.
    func relationshipField(_ name: String) -> FieldInfo? {
        let lower = name.lowercased()
        return fields.first { $0.relationshipName?.lowercased() == lower && $0.type == "reference" }
    }

    /// The describe as served: the recorded body with this org's fields.
    var describeJSON: JSON {
        .object(describeTop.map { key, value in
            if key == "fields" { return (key, .array(fields.map(\.describe))) }
            if key == "urls", let urls = value.objectValue {
                return (key, .object(urls.map { ($0.0, $0.1.stringValue.map { JSON.string(SchemaCatalog.pinVersion($0)) } ?? $0.1) }))
            }
            return (key, value)
        })
    }

    mutating func removeFields(_ names: Set<String>) {
        fields.removeAll { names.contains($0.name) }
        reindex()
    }

    mutating func addField(_ field: FieldInfo) {
        fields.removeAll { $0.name == field.name }
        fields.append(field)
        reindex()
    }

    /// Adds `object` to the targets of the reference field `name`, in place (a custom object that
    /// allows activities becomes a target of Task and Event `WhatId`).
    mutating func addReferenceTarget(_ object: String, toField name: String) {
        guard let i = fieldIndex[name], !fields[i].referenceTo.contains(object),
            let pairs = fields[i].describe.objectValue
        else { return }
        fields[i].referenceTo.append(object)
        let targets = JSON.array(fields[i].referenceTo.map { .string($0) })
        fields[i].describe = .object(pairs.map { $0.0 == "referenceTo" ? ($0.0, targets) : $0 })
    }
}

/// The org's objects: the recorded describes, the synthesised ones (Task, User, TaskRelation,
/// EventRelation), activity custom fields, hidden fields and Shared Activities applied.
public struct SchemaCatalog: Sendable {
    public private(set) var objects: [String: ObjectSchema] = [:]
    var lowerNames: [String: String] = [:]
    var prefixes: [String: String] = [:]
    /// External-id and unique fields by object (kept indexed).
    var indexedFields: [String: [String]] = [:]
    var globalDescribe: JSON = .null

    /// Recorded urls name the recording's API version (`vxx.0`, `v48.0`): serve them as v62.0.
    static func pinVersion(_ url: String) -> String {
        guard let range = url.range(of: "/services/data/v") else { return url }
        guard let end = url[range.upperBound...].firstIndex(of: "/") else { return url }
        return url.replacingCharacters(in: range.upperBound..<end, with: "62.0")
    }

    public func object(_ name: String) -> ObjectSchema? {
        if let o = objects[name] { return o }
        if let canonical = lowerNames[name.lowercased()] { return objects[canonical] }
        return nil
    }

    /// The object an id belongs to, by key prefix.
    public func objectName(forId id: String) -> String? { prefixes[String(id.prefix(3))] }

    static func loadResource(_ name: String) throws(EmulatorError) -> JSON {
        guard let text = RecordedDescribes.all[name] else { throw EmulatorError(.fixture, "missing recorded describe \(name)") }
        do { return try JSON.parse(text) } catch {
            throw EmulatorError(.fixture, "recorded describe \(name): \(error)")
        }
    }

    /// The bundled describes, parsed once per process.
    static let bundled: Result<[String: JSON], EmulatorError> = {
        var out: [String: JSON] = [:]
        for name in ["Account", "Contact", "Custom__c", "Event", "Lead", "Opportunity", "OpportunityContactRole"] {
            do throws(EmulatorError) { out[name] = try loadResource(name) } catch { return .failure(error) }
        }
        do throws(EmulatorError) { out["__global"] = try loadResource("__global") } catch { return .failure(error) }
        return .success(out)
    }()

    public init(settings: OrgSettings) throws(EmulatorError) {
        let bundled = try SchemaCatalog.bundled.get()
        for (name, json) in bundled where name != "__global" {
            objects[name] = ObjectSchema(describe: json)
        }
        let event = objects["Event"]!
        let custom = objects["Custom__c"]!
        let templates = FieldTemplates(event: event, custom: custom, opportunity: objects["Opportunity"]!)

        objects["Task"] = SchemaCatalog.makeTask(event: event, templates: templates)
        objects["User"] = SchemaCatalog.makeSimple(
            name: "User", prefix: "005", label: "User", base: event, templates: templates,
            fields: [("Username", "string", 80, true), ("Email", "email", 128, true), ("FirstName", "string", 40, false),
                     ("LastName", "string", 80, true), ("Name", "string", 121, false), ("IsActive", "boolean", 0, false),
                     ("TimeZoneSidKey", "picklist", 40, false)])
        objects["TaskRelation"] = SchemaCatalog.makeSimple(
            name: "TaskRelation", prefix: "0RT", label: "Task Relation", base: event, templates: templates,
            fields: [("TaskId", "reference:Task", 18, true), ("RelationId", "reference:Contact,Lead,Account,Opportunity", 18, true),
                     ("IsWhat", "boolean", 0, false), ("AccountId", "reference:Account", 18, false)])
        objects["EventRelation"] = SchemaCatalog.makeSimple(
            name: "EventRelation", prefix: "0RE", label: "Event Relation", base: event, templates: templates,
            fields: [("EventId", "reference:Event", 18, true), ("RelationId", "reference:Contact,Lead,Account,Opportunity,User", 18, true),
                     ("IsWhat", "boolean", 0, false), ("IsParent", "boolean", 0, false), ("IsInvitee", "boolean", 0, false),
                     ("Status", "picklist", 40, false), ("AccountId", "reference:Account", 18, false)])
        for spec in settings.customObjects {
            var o = SchemaCatalog.makeSimple(name: spec.name, prefix: spec.keyPrefix, label: spec.name, base: custom,
                                             templates: templates, fields: [("Name", "string", 80, false)])
            for f in spec.fields { o.addField(templates.customField(f)) }
            objects[spec.name] = o
            // Custom objects here allow activities (R8 relates Tasks to them): they are WhatId targets.
            for activity in ["Task", "Event"] { objects[activity]!.addReferenceTarget(spec.name, toField: "WhatId") }
        }
        // Activity custom fields are defined once on Activity and appear on Task and Event.
        for spec in settings.activityFields {
            for name in ["Task", "Event"] { objects[name]!.addField(templates.customField(spec)) }
        }
        if settings.sharedActivities {
            objects["Task"]!.addField(templates.junctionIdList(name: "TaskWhoIds", label: "Name IDs"))
            objects["Event"]!.addField(templates.junctionIdList(name: "EventWhoIds", label: "Name IDs"))
        }
        for (object, hidden) in settings.hiddenFields {
            objects[object]?.removeFields(Set(hidden))
        }
        for (name, o) in objects {
            lowerNames[name.lowercased()] = name
            prefixes[o.keyPrefix] = name
            indexedFields[name] = o.fields.filter { ($0.externalId || $0.unique) && $0.name != "Id" }.map(\.name)
        }
        globalDescribe = SchemaCatalog.makeGlobal(bundled["__global"]!, objects: objects, shared: settings.sharedActivities)
    }

    static func makeGlobal(_ recorded: JSON, objects: [String: ObjectSchema], shared: Bool) -> JSON {
        var entries = recorded["sobjects"]?.arrayValue ?? []
        let present = Set(entries.compactMap { $0["name"]?.stringValue })
        let template = entries.first { $0["name"]?.stringValue == "Event" } ?? .object([])
        var extra = ["Task"] + objects.keys.filter { !present.contains($0) && $0 != "Task" && !$0.hasSuffix("Relation") }.sorted()
        if shared { extra += ["TaskRelation", "EventRelation"] }
        for name in extra where !present.contains(name) {
            guard let o = objects[name], let pairs = template.objectValue else { continue }
            entries.append(.object(pairs.map { key, value in
                switch key {
                case "name": return (key, .string(name))
                case "label": return (key, .string(o.describeTop.first { $0.0 == "label" }?.1.stringValue ?? name))
                case "labelPlural": return (key, .string(name + "s"))
                case "keyPrefix": return (key, .string(o.keyPrefix))
                case "custom": return (key, .bool(name.hasSuffix("__c")))
                case "urls":
                    return (key, .object([("describe", .string("/services/data/v62.0/sobjects/\(name)/describe")),
                                          ("rowTemplate", .string("/services/data/v62.0/sobjects/\(name)/{ID}")),
                                          ("sobject", .string("/services/data/v62.0/sobjects/\(name)"))]))
                default: return (key, value)
                }
            }))
        }
        // Fix up recorded urls to this API version.
        entries = entries.map { entry in
            guard let pairs = entry.objectValue else { return entry }
            return .object(pairs.map { key, value in
                guard key == "urls", let urls = value.objectValue else { return (key, value) }
                return (key, .object(urls.map { ($0.0, $0.1.stringValue.map { JSON.string(SchemaCatalog.pinVersion($0)) } ?? $0.1) }))
            })
        }
        return .object([("encoding", recorded["encoding"] ?? "UTF-8"), ("maxBatchSize", recorded["maxBatchSize"] ?? 200),
                        ("sobjects", .array(entries))])
    }

    static func makeTask(event: ObjectSchema, templates t: FieldTemplates) -> ObjectSchema {
        var top = event.describeTop
        top = top.map { key, value in
            switch key {
            case "name": return (key, "Task")
            case "label": return (key, "Task")
            case "labelPlural": return (key, "Tasks")
            case "keyPrefix": return (key, "00T")
            case "childRelationships": return (key, .array([]))
            case "urls":
                return (key, .object([("describe", "/services/data/v62.0/sobjects/Task/describe"),
                                      ("rowTemplate", "/services/data/v62.0/sobjects/Task/{ID}"),
                                      ("sobject", "/services/data/v62.0/sobjects/Task")]))
            default: return (key, value)
            }
        }
        var task = ObjectSchema(describe: .object(top.filter { $0.0 != "fields" } + [("fields", .array([]))]))
        let copied = ["Id", "WhoId", "WhatId", "Subject", "ActivityDate"]
        for name in copied { task.addField(event.field(name)!) }
        task.addField(t.picklist(name: "Status", label: "Status", required: true, values: ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"], defaultValue: "Not Started"))
        task.addField(t.picklist(name: "Priority", label: "Priority", required: true, values: ["High", "Normal", "Low"], defaultValue: "Normal"))
        task.addField(t.boolean(name: "IsHighPriority", label: "High Priority", settable: false))
        task.addField(event.field("OwnerId")!)
        task.addField(event.field("Description")!)
        task.addField(t.picklist(name: "Type", label: "Type", required: false, values: ["Call", "Email", "Meeting", "Other"], defaultValue: nil))
        for name in ["IsDeleted", "AccountId"] { task.addField(event.field(name)!) }
        task.addField(t.boolean(name: "IsClosed", label: "Closed", settable: false))
        for name in ["CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp", "IsArchived"] {
            task.addField(event.field(name)!)
        }
        task.addField(t.integer(name: "CallDurationInSeconds", label: "Call Duration"))
        task.addField(t.picklist(name: "CallType", label: "Call Type", required: false, values: ["Internal", "Inbound", "Outbound"], defaultValue: nil))
        task.addField(t.string(name: "CallDisposition", label: "Call Result", length: 255))
        task.addField(t.string(name: "CallObject", label: "Call Object Identifier", length: 255))
        for name in ["ReminderDateTime", "IsReminderSet"] { task.addField(event.field(name)!) }
        task.addField(t.datetime(name: "CompletedDateTime", label: "Completed Date/Time", settable: false))
        var subtype = event.field("EventSubtype")!
        subtype.describe = t.rename(subtype.describe, name: "TaskSubtype", label: "Task Subtype")
        subtype.describe = t.replace(subtype.describe, "picklistValues", .array(["Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"].map { t.picklistValue($0, default: $0 == "Task") }))
        subtype = FieldInfo(describe: subtype.describe)
        task.addField(subtype)
        return task
    }

    static func makeSimple(name: String, prefix: String, label: String, base: ObjectSchema, templates t: FieldTemplates,
                           fields: [(String, String, Int, Bool)]) -> ObjectSchema {
        let top = base.describeTop.filter { $0.0 != "fields" }.map { key, value -> (String, JSON) in
            switch key {
            case "name": return (key, .string(name))
            case "label", "labelPlural": return (key, .string(label))
            case "keyPrefix": return (key, .string(prefix))
            case "custom": return (key, .bool(name.hasSuffix("__c")))
            case "customSetting": return (key, false)
            case "childRelationships": return (key, .array([]))
            case "urls":
                return (key, .object([("describe", .string("/services/data/v62.0/sobjects/\(name)/describe")),
                                      ("rowTemplate", .string("/services/data/v62.0/sobjects/\(name)/{ID}")),
                                      ("sobject", .string("/services/data/v62.0/sobjects/\(name)"))]))
            default: return (key, value)
            }
        }
        var o = ObjectSchema(describe: .object(top + [("fields", .array([]))]))
        o.addField(base.field("Id")!)
        for (fname, type, length, required) in fields {
            if type.hasPrefix("reference:") {
                let targets = type.dropFirst("reference:".count).split(separator: ",").map(String.init)
                o.addField(t.reference(name: fname, label: fname, to: targets, required: required))
            } else if type == "boolean" {
                o.addField(t.boolean(name: fname, label: fname, settable: true))
            } else if type == "picklist" {
                o.addField(t.picklist(name: fname, label: fname, required: false, values: [], defaultValue: nil))
            } else {
                var f = t.string(name: fname, label: fname, length: length)
                if required { f.describe = t.replace(f.describe, "nillable", false); f = FieldInfo(describe: f.describe) }
                if type == "email" { f.describe = t.replace(f.describe, "type", "email"); f = FieldInfo(describe: f.describe) }
                if fname == "Name" && name == "User" { f.describe = t.replace(t.replace(f.describe, "createable", false), "updateable", false); f = FieldInfo(describe: f.describe) }
                o.addField(f)
            }
        }
        for fname in ["IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp"] {
            o.addField(base.field(fname) ?? t.event.field(fname)!)
        }
        return o
    }
}

/// Field describe entries made from recorded ones, so synthesised fields look like real ones.
struct FieldTemplates {
    let event: ObjectSchema
    let custom: ObjectSchema
    let opportunity: ObjectSchema

    func replace(_ json: JSON, _ key: String, _ value: JSON) -> JSON {
        guard let pairs = json.objectValue else { return json }
        return .object(pairs.map { $0.0 == key ? ($0.0, value) : $0 })
    }

    func rename(_ json: JSON, name: String, label: String) -> JSON {
        replace(replace(json, "name", .string(name)), "label", .string(label))
    }

    func picklistValue(_ value: String, default isDefault: Bool) -> JSON {
        .object([("active", true), ("defaultValue", .bool(isDefault)), ("label", .string(value)), ("validFor", .null),
                 ("value", .string(value))])
    }

    func picklist(name: String, label: String, required: Bool, values: [String], defaultValue: String?) -> FieldInfo {
        var d = rename(event.field("ShowAs")!.describe, name: name, label: label)
        d = replace(d, "nillable", .bool(!required))
        d = replace(d, "defaultedOnCreate", .bool(defaultValue != nil))
        d = replace(d, "picklistValues", .array(values.map { picklistValue($0, default: $0 == defaultValue) }))
        return FieldInfo(describe: d)
    }

    func boolean(name: String, label: String, settable: Bool) -> FieldInfo {
        var d = rename(event.field("IsPrivate")!.describe, name: name, label: label)
        d = replace(d, "createable", .bool(settable))
        d = replace(d, "updateable", .bool(settable))
        return FieldInfo(describe: d)
    }

    func integer(name: String, label: String) -> FieldInfo {
        FieldInfo(describe: rename(event.field("DurationInMinutes")!.describe, name: name, label: label))
    }

    func string(name: String, label: String, length: Int) -> FieldInfo {
        var d = rename(event.field("Location")!.describe, name: name, label: label)
        d = replace(d, "length", .int(length))
        d = replace(d, "byteLength", .int(length * 3))
        return FieldInfo(describe: d)
    }

    func datetime(name: String, label: String, settable: Bool) -> FieldInfo {
        var d = rename(event.field("ActivityDateTime")!.describe, name: name, label: label)
        d = replace(d, "createable", .bool(settable))
        d = replace(d, "updateable", .bool(settable))
        return FieldInfo(describe: d)
    }

    func reference(name: String, label: String, to: [String], required: Bool) -> FieldInfo {
        var d = rename(event.field("WhatId")!.describe, name: name, label: label)
        d = replace(d, "referenceTo", .array(to.map { .string($0) }))
        d = replace(d, "relationshipName", name.hasSuffix("Id") ? .string(String(name.dropLast(2))) : .null)
        d = replace(d, "polymorphicForeignKey", .bool(to.count > 1))
        d = replace(d, "nillable", .bool(!required))
        return FieldInfo(describe: d)
    }

    func junctionIdList(name: String, label: String) -> FieldInfo {
        var d = rename(event.field("WhoId")!.describe, name: name, label: label)
        d = replace(d, "type", "junctionidlist")
        d = replace(d, "soapType", "tns:ID")
        d = replace(d, "relationshipName", .null)
        d = replace(d, "filterable", false)
        d = replace(d, "sortable", false)
        d = replace(d, "groupable", false)
        d = replace(d, "length", 0)
        d = replace(d, "byteLength", 0)
        return FieldInfo(describe: d)
    }

    /// An org-defined custom field (activity fields, custom objects).
    func customField(_ spec: CustomFieldSpec) -> FieldInfo {
        let label = spec.name.replacingOccurrences(of: "__c", with: "").replacingOccurrences(of: "_", with: " ")
        var d: JSON
        switch spec.type {
        case "datetime": d = event.field("ActivityDateTime")!.describe
        case "date": d = event.field("ActivityDate")!.describe
        case "boolean": d = event.field("IsPrivate")!.describe
        case "int": d = event.field("DurationInMinutes")!.describe
        case "double", "currency", "percent":
            d = opportunity.field("Amount")!.describe
            d = replace(d, "type", .string(spec.type))
        case "reference":
            d = event.field("WhatId")!.describe
            d = replace(d, "referenceTo", .array(spec.referenceTo.map { .string($0) }))
            d = replace(d, "relationshipName", .string(spec.name.replacingOccurrences(of: "__c", with: "__r")))
            d = replace(d, "polymorphicForeignKey", .bool(spec.referenceTo.count > 1))
        case "textarea":
            d = event.field("Description")!.describe
            d = replace(d, "length", .int(spec.length ?? 32000))
        default:
            d = custom.field("CustomField__c")!.describe
            d = replace(d, "length", .int(spec.length ?? 255))
            d = replace(d, "byteLength", .int((spec.length ?? 255) * 3))
            d = replace(d, "type", .string(spec.type))
            d = replace(d, "nameField", false)
            d = replace(d, "idLookup", .bool(spec.externalId || spec.unique))
        }
        d = rename(d, name: spec.name, label: label)
        d = replace(d, "custom", true)
        d = replace(d, "createable", true)
        d = replace(d, "updateable", true)
        d = replace(d, "defaultedOnCreate", .bool(spec.type == "boolean"))
        d = replace(d, "externalId", .bool(spec.externalId))
        d = replace(d, "unique", .bool(spec.unique))
        d = replace(d, "caseSensitive", false)
        d = replace(d, "nillable", .bool(!spec.required && spec.type != "boolean"))
        if spec.externalId { d = replace(d, "idLookup", true) }
        return FieldInfo(describe: d)
    }
}
