// Binary codecs of the model types. The field numbers are the storage contract:
// never reuse or renumber one; add new fields with new numbers (old readers keep them as unknown fields).
// Generated once from a table, maintained by hand since.

extension Person: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, email)
        w.writeString(2, name)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Person {
        var email: String? = nil
        var name: String? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: email = try r.readString(field.wire)
            case 2: name = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = Person(email: try required(email, "Person.email"), name: name)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension SequenceRef: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, id)
        w.writeString(2, name)
        w.writeInt(3, stage)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SequenceRef {
        var id: String? = nil
        var name: String = ""
        var stage: Int = 0
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: id = try r.readString(field.wire)
            case 2: name = try r.readString(field.wire)
            case 3: stage = try r.readInt(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = SequenceRef(id: try required(id, "SequenceRef.id"), name: name, stage: stage)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension Message: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, id)
        w.writeString(2, threadId)
        w.writeString(3, rfc822Id)
        w.writeString(4, subject)
        w.writeMessage(5) { from.encode(to: &$0) }
        for v in to { w.writeMessage(6) { v.encode(to: &$0) } }
        for v in cc { w.writeMessage(7) { v.encode(to: &$0) } }
        for v in bcc { w.writeMessage(8) { v.encode(to: &$0) } }
        w.writeBool(9, isReply)
        w.writeBool(10, sentWithProduct)
        w.writeString(11, client)
        if let v = sequence { w.writeMessage(12) { v.encode(to: &$0) } }
        w.writeUnknown(unknownFields)
    }

    /// A repeated field replaces or appends as a fresh decode would; a message seen twice
    /// (the field repeated) is decoded afresh and replaces the first.
    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Message {
        try decodeInPlace(Message(emptyForDecoding: ())) { (m: inout Message) throws(SyncDomainError) in
            try m.decodeFields(from: &r)
        }
    }

    /// Fills in a message made by ``Message/init(emptyForDecoding:)``; an activity decodes
    /// its message straight into its own `message` field with this.
    mutating func decodeFields(from r: inout BinaryReader) throws(SyncDomainError) {
        var hasId = false
        var hasFrom = false
        while let field = try r.nextField() {
            switch field.number {
            case 1:
                id = try r.readString(field.wire)
                hasId = true
            case 2: threadId = try r.readString(field.wire)
            case 3: rfc822Id = try r.readUniqueString(field.wire)
            case 4: subject = try r.readString(field.wire)
            case 5:
                from = try r.readMessage(Person.self, field.wire)
                hasFrom = true
            case 6: appendGrowing(&to, try r.readMessage(Person.self, field.wire), 4)
            case 7: appendGrowing(&cc, try r.readMessage(Person.self, field.wire), 4)
            case 8: appendGrowing(&bcc, try r.readMessage(Person.self, field.wire), 4)
            case 9: isReply = try r.readBool(field.wire)
            case 10: sentWithProduct = try r.readBool(field.wire)
            case 11: client = try r.readString(field.wire)
            case 12: sequence = try r.readMessage(SequenceRef.self, field.wire)
            default: try r.skip(field.wire, into: &unknownFields)
            }
        }
        try requireSeen(hasId, "Message.id")
        try requireSeen(hasFrom, "Message.from")
    }
}

extension Meeting: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, id)
        w.writeString(2, title)
        w.writeTimestamp(3, start)
        w.writeTimestamp(4, end)
        w.writeBool(5, allDay)
        if let v = organizer { w.writeMessage(6) { v.encode(to: &$0) } }
        for v in attendees { w.writeMessage(7) { v.encode(to: &$0) } }
        w.writeString(8, calendar)
        w.writeString(9, recurringEventId)
        w.writeBool(10, scheduledWithProduct)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Meeting {
        var id: String? = nil
        var title: String? = nil
        var start: Timestamp? = nil
        var end: Timestamp? = nil
        var allDay: Bool = false
        var organizer: Person? = nil
        var attendees: [Person] = []
        var calendar: String = "primary"
        var recurringEventId: String? = nil
        var scheduledWithProduct: Bool = false
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: id = try r.readString(field.wire)
            case 2: title = try r.readString(field.wire)
            case 3: start = try r.readTimestamp(field.wire)
            case 4: end = try r.readTimestamp(field.wire)
            case 5: allDay = try r.readBool(field.wire)
            case 6: organizer = try r.readMessage(Person.self, field.wire)
            case 7: appendGrowing(&attendees, try r.readMessage(Person.self, field.wire), 4)
            case 8: calendar = try r.readString(field.wire)
            case 9: recurringEventId = try r.readString(field.wire)
            case 10: scheduledWithProduct = try r.readBool(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = Meeting(id: try required(id, "Meeting.id"), title: title, start: start, end: end, allDay: allDay, organizer: organizer, attendees: attendees, calendar: calendar, recurringEventId: recurringEventId, scheduledWithProduct: scheduledWithProduct)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension ActivityTask: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, id)
        w.writeString(2, kind.rawValue)
        w.writeString(3, subject)
        w.writeString(4, status.rawValue)
        if let v = dueDate { w.writeInt(5, v.daysSinceEpoch) }
        w.writeInt(6, stage)
        if let v = person { w.writeMessage(7) { v.encode(to: &$0) } }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> ActivityTask {
        var id: String? = nil
        var kind: ActivityTask.Kind? = nil
        var subject: String = ""
        var status: ActivityTask.Status? = nil
        var dueDate: LocalDate? = nil
        var stage: Int? = nil
        var person: Person? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: id = try r.readString(field.wire)
            case 2: kind = try r.readEnum(ActivityTask.Kind.self, field.wire, "ActivityTask.kind")
            case 3: subject = try r.readString(field.wire)
            case 4: status = try r.readEnum(ActivityTask.Status.self, field.wire, "ActivityTask.status")
            case 5: dueDate = LocalDate(daysSinceEpoch: try r.readInt(field.wire))
            case 6: stage = try r.readInt(field.wire)
            case 7: person = try r.readMessage(Person.self, field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = ActivityTask(id: try required(id, "ActivityTask.id"), kind: try required(kind, "ActivityTask.kind"), subject: subject, status: try required(status, "ActivityTask.status"), dueDate: dueDate, stage: stage, person: person)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension Call: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, id)
        w.writeMessage(2) { person.encode(to: &$0) }
        w.writeString(3, phone)
        w.writeString(4, phoneField)
        w.writeInt(5, durationSeconds)
        w.writeString(6, disposition)
        w.writeString(7, notes)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Call {
        var id: String? = nil
        var person: Person? = nil
        var phone: String? = nil
        var phoneField: String? = nil
        var durationSeconds: Int? = nil
        var disposition: String? = nil
        var notes: String? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: id = try r.readString(field.wire)
            case 2: person = try r.readMessage(Person.self, field.wire)
            case 3: phone = try r.readString(field.wire)
            case 4: phoneField = try r.readString(field.wire)
            case 5: durationSeconds = try r.readInt(field.wire)
            case 6: disposition = try r.readString(field.wire)
            case 7: notes = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = Call(id: try required(id, "Call.id"), person: try required(person, "Call.person"), phone: phone, phoneField: phoneField, durationSeconds: durationSeconds, disposition: disposition, notes: notes)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension WorkspaceConfiguration: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, workspace)
        for v in internalDomains { w.writeString(2, v) }
        for v in excludedAddresses { w.writeString(3, v) }
        for v in excludedDomains { w.writeString(4, v) }
        if let v = systemLocalParts { w.writeMessage(5) { inner in for s in v { inner.writeString(1, s) } } }
        w.writeString(6, defaultRole)
        for v in roles { w.writeMessage(7) { v.encode(to: &$0) } }
        for v in users { w.writeMessage(8) { v.encode(to: &$0) } }
        if let v = salesforce { w.writeMessage(9) { v.encode(to: &$0) } }
        if let v = schedule { w.writeMessage(10) { v.encode(to: &$0) } }
        if let v = server { w.writeMessage(11) { v.encode(to: &$0) } }
        for v in subjectTemplates { w.writeMessage(12) { v.encode(to: &$0) } }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WorkspaceConfiguration {
        var workspace: String? = nil
        var internalDomains: [String] = []
        var excludedAddresses: [String] = []
        var excludedDomains: [String] = []
        var systemLocalParts: [String]? = nil
        var defaultRole: String? = nil
        var roles: [NamedRole] = []
        var users: [UserMapping] = []
        var salesforce: SalesforceConnection? = nil
        var schedule: Schedule? = nil
        var server: Server? = nil
        var subjectTemplates: [SubjectTemplate] = []  // absent in records written before S21: no templates
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: workspace = try r.readString(field.wire)
            case 2: internalDomains.append(try r.readString(field.wire))
            case 3: excludedAddresses.append(try r.readString(field.wire))
            case 4: excludedDomains.append(try r.readString(field.wire))
            case 5: systemLocalParts = try r.readStringList(field.wire)
            case 6: defaultRole = try r.readString(field.wire)
            case 7: appendGrowing(&roles, try r.readMessage(NamedRole.self, field.wire), 4)
            case 8: appendGrowing(&users, try r.readMessage(UserMapping.self, field.wire), 4)
            case 9: salesforce = try r.readMessage(SalesforceConnection.self, field.wire)
            case 10: schedule = try r.readMessage(Schedule.self, field.wire)
            case 11: server = try r.readMessage(Server.self, field.wire)
            case 12: subjectTemplates.append(try r.readMessage(SubjectTemplate.self, field.wire))
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = WorkspaceConfiguration(workspace: try required(workspace, "WorkspaceConfiguration.workspace"), internalDomains: internalDomains, excludedAddresses: excludedAddresses, excludedDomains: excludedDomains, systemLocalParts: systemLocalParts, defaultRole: try required(defaultRole, "WorkspaceConfiguration.defaultRole"), roles: roles, users: users, salesforce: salesforce, schedule: schedule, server: server, subjectTemplates: subjectTemplates)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension SubjectTemplate: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, rule)
        w.writeString(2, template)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SubjectTemplate {
        var rule: String? = nil
        var template: String = ""
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: rule = try r.readString(field.wire)
            case 2: template = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = SubjectTemplate(rule: try required(rule, "SubjectTemplate.rule"), template: template)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension NamedRole: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, name)
        w.writeMessage(2) { settings.encode(to: &$0) }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> NamedRole {
        var name: String? = nil
        var settings: RoleSettings? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: name = try r.readString(field.wire)
            case 2: settings = try r.readMessage(RoleSettings.self, field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = NamedRole(name: try required(name, "NamedRole.name"), settings: try required(settings, "NamedRole.settings"))
        decoded.unknownFields = unknown
        return decoded
    }
}

extension RoleSettings: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeMessage(1) { log.encode(to: &$0) }
        w.writeBool(2, firstOnly)
        w.writeBool(3, syncUnresolved)
        w.writeBool(4, syncAllMessages)
        w.writeMessage(5) { relatedObjects.encode(to: &$0) }
        w.writeBool(6, membersManageOwnSettings)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> RoleSettings {
        var log: LogSettings = LogSettings()
        var firstOnly: Bool = false
        var syncUnresolved: Bool = false
        var syncAllMessages: Bool = false
        var relatedObjects: RelatedObjects = RelatedObjects()
        var membersManageOwnSettings: Bool = false
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: log = try r.readMessage(LogSettings.self, field.wire)
            case 2: firstOnly = try r.readBool(field.wire)
            case 3: syncUnresolved = try r.readBool(field.wire)
            case 4: syncAllMessages = try r.readBool(field.wire)
            case 5: relatedObjects = try r.readMessage(RelatedObjects.self, field.wire)
            case 6: membersManageOwnSettings = try r.readBool(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = RoleSettings(log: log, firstOnly: firstOnly, syncUnresolved: syncUnresolved, syncAllMessages: syncAllMessages, relatedObjects: relatedObjects, membersManageOwnSettings: membersManageOwnSettings)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension LogSettings: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeBool(1, sent)
        w.writeBool(2, received)
        w.writeBool(3, opened)
        w.writeBool(4, replied)
        w.writeBool(5, clicked)
        w.writeBool(6, downloaded)
        w.writeBool(7, bounced)
        w.writeBool(8, meetings)
        w.writeBool(9, tasks)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> LogSettings {
        var sent: Bool = false
        var received: Bool = false
        var opened: Bool = false
        var replied: Bool = false
        var clicked: Bool = false
        var downloaded: Bool = false
        var bounced: Bool = false
        var meetings: Bool = false
        var tasks: Bool = false
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: sent = try r.readBool(field.wire)
            case 2: received = try r.readBool(field.wire)
            case 3: opened = try r.readBool(field.wire)
            case 4: replied = try r.readBool(field.wire)
            case 5: clicked = try r.readBool(field.wire)
            case 6: downloaded = try r.readBool(field.wire)
            case 7: bounced = try r.readBool(field.wire)
            case 8: meetings = try r.readBool(field.wire)
            case 9: tasks = try r.readBool(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = LogSettings(sent: sent, received: received, opened: opened, replied: replied, clicked: clicked, downloaded: downloaded, bounced: bounced, meetings: meetings, tasks: tasks)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension RelatedObjects: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeBool(1, standard)
        w.writeBool(2, onlyOwnedOpportunities)
        w.writeBool(3, allAccountOpportunities)
        w.writeBool(4, closedOpportunities)
        w.writeBool(5, rollupToPrimaryAccount)
        for v in custom { w.writeMessage(6) { v.encode(to: &$0) } }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> RelatedObjects {
        var standard: Bool = false
        var onlyOwnedOpportunities: Bool = false
        var allAccountOpportunities: Bool = false
        var closedOpportunities: Bool = false
        var rollupToPrimaryAccount: Bool = false
        var custom: [CustomObjectLink] = []
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: standard = try r.readBool(field.wire)
            case 2: onlyOwnedOpportunities = try r.readBool(field.wire)
            case 3: allAccountOpportunities = try r.readBool(field.wire)
            case 4: closedOpportunities = try r.readBool(field.wire)
            case 5: rollupToPrimaryAccount = try r.readBool(field.wire)
            case 6: appendGrowing(&custom, try r.readMessage(CustomObjectLink.self, field.wire), 4)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = RelatedObjects(standard: standard, onlyOwnedOpportunities: onlyOwnedOpportunities, allAccountOpportunities: allAccountOpportunities, closedOpportunities: closedOpportunities, rollupToPrimaryAccount: rollupToPrimaryAccount, custom: custom)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension CustomObjectLink: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        for v in lookupFields { w.writeString(2, v) }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> CustomObjectLink {
        var object: String? = nil
        var lookupFields: [String] = []
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: object = try r.readString(field.wire)
            case 2: lookupFields.append(try r.readString(field.wire))
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = CustomObjectLink(object: try required(object, "CustomObjectLink.object"), lookupFields: lookupFields)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension UserMapping: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, id)
        w.writeString(2, email)
        w.writeString(3, salesforceUserId)
        w.writeString(4, role)
        w.writeString(5, timeZone)
        if let v = settings { w.writeMessage(6) { v.encode(to: &$0) } }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> UserMapping {
        var id: String? = nil
        var email: String = ""
        var salesforceUserId: String = ""
        var role: String? = nil
        var timeZone: String = "UTC"
        var settings: RoleOverrides? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: id = try r.readString(field.wire)
            case 2: email = try r.readString(field.wire)
            case 3: salesforceUserId = try r.readString(field.wire)
            case 4: role = try r.readString(field.wire)
            case 5: timeZone = try r.readString(field.wire)
            case 6: settings = try r.readMessage(RoleOverrides.self, field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = UserMapping(id: try required(id, "UserMapping.id"), email: email, salesforceUserId: salesforceUserId, role: role, timeZone: timeZone, settings: settings)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension RoleOverrides: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        if let v = log { w.writeMessage(1) { v.encode(to: &$0) } }
        w.writeBool(2, firstOnly)
        w.writeBool(3, syncUnresolved)
        w.writeBool(4, syncAllMessages)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> RoleOverrides {
        var log: LogOverrides? = nil
        var firstOnly: Bool? = nil
        var syncUnresolved: Bool? = nil
        var syncAllMessages: Bool? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: log = try r.readMessage(LogOverrides.self, field.wire)
            case 2: firstOnly = try r.readBool(field.wire)
            case 3: syncUnresolved = try r.readBool(field.wire)
            case 4: syncAllMessages = try r.readBool(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = RoleOverrides(log: log, firstOnly: firstOnly, syncUnresolved: syncUnresolved, syncAllMessages: syncAllMessages)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension LogOverrides: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeBool(1, sent)
        w.writeBool(2, received)
        w.writeBool(3, opened)
        w.writeBool(4, replied)
        w.writeBool(5, clicked)
        w.writeBool(6, downloaded)
        w.writeBool(7, bounced)
        w.writeBool(8, meetings)
        w.writeBool(9, tasks)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> LogOverrides {
        var sent: Bool? = nil
        var received: Bool? = nil
        var opened: Bool? = nil
        var replied: Bool? = nil
        var clicked: Bool? = nil
        var downloaded: Bool? = nil
        var bounced: Bool? = nil
        var meetings: Bool? = nil
        var tasks: Bool? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: sent = try r.readBool(field.wire)
            case 2: received = try r.readBool(field.wire)
            case 3: opened = try r.readBool(field.wire)
            case 4: replied = try r.readBool(field.wire)
            case 5: clicked = try r.readBool(field.wire)
            case 6: downloaded = try r.readBool(field.wire)
            case 7: bounced = try r.readBool(field.wire)
            case 8: meetings = try r.readBool(field.wire)
            case 9: tasks = try r.readBool(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = LogOverrides(sent: sent, received: received, opened: opened, replied: replied, clicked: clicked, downloaded: downloaded, bounced: bounced, meetings: meetings, tasks: tasks)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension SalesforceConnection: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, instanceUrl)
        w.writeString(2, loginUrl)
        w.writeBool(3, sandbox)
        w.writeString(4, apiVersion)
        w.writeMessage(5) { auth.encode(to: &$0) }
        w.writeString(6, syncKeyField)
        w.writeString(7, activityDateTimeField)
        w.writeInt(8, apiReservePercent)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SalesforceConnection {
        var instanceUrl: String = ""
        var loginUrl: String = ""
        var sandbox: Bool = false
        var apiVersion: String = ""
        var auth: SalesforceAuth? = nil
        var syncKeyField: String = ""
        var activityDateTimeField: String = ""
        var apiReservePercent: Int = 0
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: instanceUrl = try r.readString(field.wire)
            case 2: loginUrl = try r.readString(field.wire)
            case 3: sandbox = try r.readBool(field.wire)
            case 4: apiVersion = try r.readString(field.wire)
            case 5: auth = try r.readMessage(SalesforceAuth.self, field.wire)
            case 6: syncKeyField = try r.readString(field.wire)
            case 7: activityDateTimeField = try r.readString(field.wire)
            case 8: apiReservePercent = try r.readInt(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = SalesforceConnection(instanceUrl: instanceUrl, loginUrl: loginUrl, sandbox: sandbox, apiVersion: apiVersion, auth: try required(auth, "SalesforceConnection.auth"), syncKeyField: syncKeyField, activityDateTimeField: activityDateTimeField, apiReservePercent: apiReservePercent)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension SalesforceAuth: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, kind.rawValue)
        w.writeString(2, clientId)
        w.writeString(3, refreshTokenFile)
        w.writeString(4, refreshTokenEnv)
        w.writeString(5, clientSecretFile)
        w.writeString(6, clientSecretEnv)
        w.writeString(7, username)
        w.writeString(8, privateKeyFile)
        w.writeString(9, privateKeyEnv)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SalesforceAuth {
        var kind: SalesforceAuth.Kind? = nil
        var clientId: String = ""
        var refreshTokenFile: String? = nil
        var refreshTokenEnv: String? = nil
        var clientSecretFile: String? = nil
        var clientSecretEnv: String? = nil
        var username: String? = nil
        var privateKeyFile: String? = nil
        var privateKeyEnv: String? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: kind = try r.readEnum(SalesforceAuth.Kind.self, field.wire, "SalesforceAuth.kind")
            case 2: clientId = try r.readString(field.wire)
            case 3: refreshTokenFile = try r.readString(field.wire)
            case 4: refreshTokenEnv = try r.readString(field.wire)
            case 5: clientSecretFile = try r.readString(field.wire)
            case 6: clientSecretEnv = try r.readString(field.wire)
            case 7: username = try r.readString(field.wire)
            case 8: privateKeyFile = try r.readString(field.wire)
            case 9: privateKeyEnv = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = SalesforceAuth(kind: try required(kind, "SalesforceAuth.kind"), clientId: clientId, refreshTokenFile: refreshTokenFile, refreshTokenEnv: refreshTokenEnv, clientSecretFile: clientSecretFile, clientSecretEnv: clientSecretEnv, username: username, privateKeyFile: privateKeyFile, privateKeyEnv: privateKeyEnv)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension Schedule: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeInt(1, pollMinutes)
        w.writeInt(2, sweepDays)
        w.writeString(3, describeAt)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Schedule {
        var pollMinutes: Int = 30
        var sweepDays: Int = 7
        var describeAt: String = ""
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: pollMinutes = try r.readInt(field.wire)
            case 2: sweepDays = try r.readInt(field.wire)
            case 3: describeAt = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = Schedule(pollMinutes: pollMinutes, sweepDays: sweepDays, describeAt: describeAt)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension Server: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, listen)
        w.writeString(2, ingestTokenFile)
        w.writeString(3, ingestTokenEnv)
        w.writeString(4, realtimeTokenFile)
        w.writeString(5, realtimeTokenEnv)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Server {
        var listen: String = ""
        var ingestTokenFile: String? = nil
        var ingestTokenEnv: String? = nil
        var realtimeTokenFile: String? = nil
        var realtimeTokenEnv: String? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: listen = try r.readString(field.wire)
            case 2: ingestTokenFile = try r.readString(field.wire)
            case 3: ingestTokenEnv = try r.readString(field.wire)
            case 4: realtimeTokenFile = try r.readString(field.wire)
            case 5: realtimeTokenEnv = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = Server(listen: listen, ingestTokenFile: ingestTokenFile, ingestTokenEnv: ingestTokenEnv, realtimeTokenFile: realtimeTokenFile, realtimeTokenEnv: realtimeTokenEnv)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension WorkspaceConfigured: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeMessage(1) { configuration.encode(to: &$0) }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WorkspaceConfigured {
        var configuration: WorkspaceConfiguration? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: configuration = try r.readMessage(WorkspaceConfiguration.self, field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = WorkspaceConfigured(configuration: try required(configuration, "WorkspaceConfigured.configuration"))
        decoded.unknownFields = unknown
        return decoded
    }
}

extension SalesforceRecordChange: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        w.writeString(2, changeType.rawValue)
        for field in record.fields { w.writeMessage(3) { field.encode(to: &$0) } }
        w.writeString(4, source.rawValue)
        w.writeTimestamp(5, commitTimestamp)
        w.writeUnknown(unknownFields)
    }

    /// Decoded in place (see ``decodeInPlace(_:_:)``): the fields go straight into the value
    /// instead of locals handed to the initialiser, which retained and released each of them.
    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SalesforceRecordChange {
        // The empty value is built inside the autoclosure, straight into the slot: one built
        // outside was copied in (a retain of each field) and then destroyed.
        try decodeInPlace(
            SalesforceRecordChange(object: "", changeType: .create, record: SalesforceRecord(fields: []), source: .poll)
        ) { (c: inout SalesforceRecordChange) throws(SyncDomainError) in
            try c.decodeFields(from: &r)
        }
    }

    private mutating func decodeFields(from r: inout BinaryReader) throws(SyncDomainError) {
        var hasObject = false
        var hasChangeType = false
        var hasSource = false
        while let field = try r.nextField() {
            switch field.number {
            case 1:
                object = try r.readString(field.wire)
                hasObject = true
            case 2:
                changeType = try r.readEnum(ChangeType.self, field.wire, "SalesforceRecordChange.changeType")
                hasChangeType = true
            case 3: appendGrowing(&record.fields, try r.readMessage(SalesforceRecord.Field.self, field.wire), 8)
            case 4:
                source = try r.readEnum(ChangeSource.self, field.wire, "SalesforceRecordChange.source")
                hasSource = true
            case 5: commitTimestamp = try r.readTimestamp(field.wire)
            default: try r.skip(field.wire, into: &unknownFields)
            }
        }
        try requireSeen(hasObject, "SalesforceRecordChange.object")
        try requireSeen(hasChangeType, "SalesforceRecordChange.changeType")
        try requireSeen(hasSource, "SalesforceRecordChange.source")
    }
}

extension SalesforceRecordDeleted: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        w.writeString(2, recordId)
        w.writeTimestamp(3, deletedAt)
        w.writeString(4, source.rawValue)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SalesforceRecordDeleted {
        var object: String? = nil
        var recordId: String? = nil
        var deletedAt: Timestamp? = nil
        var source: ChangeSource? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: object = try r.readString(field.wire)
            case 2: recordId = try r.readString(field.wire)
            case 3: deletedAt = try r.readTimestamp(field.wire)
            case 4: source = try r.readEnum(ChangeSource.self, field.wire, "SalesforceRecordDeleted.source")
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = SalesforceRecordDeleted(object: try required(object, "SalesforceRecordDeleted.object"), recordId: try required(recordId, "SalesforceRecordDeleted.recordId"), deletedAt: deletedAt, source: try required(source, "SalesforceRecordDeleted.source"))
        decoded.unknownFields = unknown
        return decoded
    }
}

extension SalesforceRecordsMerged: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        w.writeString(2, masterId)
        for v in mergedIds { w.writeString(3, v) }
        w.writeString(4, source.rawValue)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SalesforceRecordsMerged {
        var object: String? = nil
        var masterId: String? = nil
        var mergedIds: [String] = []
        var source: ChangeSource? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: object = try r.readString(field.wire)
            case 2: masterId = try r.readString(field.wire)
            case 3: mergedIds.append(try r.readString(field.wire))
            case 4: source = try r.readEnum(ChangeSource.self, field.wire, "SalesforceRecordsMerged.source")
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = SalesforceRecordsMerged(object: try required(object, "SalesforceRecordsMerged.object"), masterId: try required(masterId, "SalesforceRecordsMerged.masterId"), mergedIds: mergedIds, source: try required(source, "SalesforceRecordsMerged.source"))
        decoded.unknownFields = unknown
        return decoded
    }
}

extension LeadConverted: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, leadId)
        w.writeString(2, contactId)
        w.writeString(3, accountId)
        w.writeString(4, opportunityId)
        w.writeTimestamp(5, convertedAt)
        w.writeString(6, source.rawValue)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> LeadConverted {
        var leadId: String? = nil
        var contactId: String? = nil
        var accountId: String? = nil
        var opportunityId: String? = nil
        var convertedAt: Timestamp? = nil
        var source: ChangeSource? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: leadId = try r.readString(field.wire)
            case 2: contactId = try r.readString(field.wire)
            case 3: accountId = try r.readString(field.wire)
            case 4: opportunityId = try r.readString(field.wire)
            case 5: convertedAt = try r.readTimestamp(field.wire)
            case 6: source = try r.readEnum(ChangeSource.self, field.wire, "LeadConverted.source")
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = LeadConverted(leadId: try required(leadId, "LeadConverted.leadId"), contactId: try required(contactId, "LeadConverted.contactId"), accountId: accountId, opportunityId: opportunityId, convertedAt: convertedAt, source: try required(source, "LeadConverted.source"))
        decoded.unknownFields = unknown
        return decoded
    }
}

extension DescribedField: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, name)
        w.writeString(2, type)
        w.writeBool(3, externalId)
        w.writeBool(4, unique)
        w.writeBool(5, createable)
        w.writeBool(6, updateable)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> DescribedField {
        var name: String? = nil
        var type: String = ""
        var externalId: Bool = false
        var unique: Bool = false
        var createable: Bool = false
        var updateable: Bool = false
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: name = try r.readString(field.wire)
            case 2: type = try r.readString(field.wire)
            case 3: externalId = try r.readBool(field.wire)
            case 4: unique = try r.readBool(field.wire)
            case 5: createable = try r.readBool(field.wire)
            case 6: updateable = try r.readBool(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = DescribedField(name: try required(name, "DescribedField.name"), type: type, externalId: externalId, unique: unique, createable: createable, updateable: updateable)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension DescribeObserved: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        for v in fields { w.writeMessage(2) { v.encode(to: &$0) } }
        for v in hiddenFields { w.writeString(3, v) }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> DescribeObserved {
        var object: String? = nil
        var fields: [DescribedField] = []
        var hiddenFields: [String] = []
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: object = try r.readString(field.wire)
            case 2: appendGrowing(&fields, try r.readMessage(DescribedField.self, field.wire), 4)
            case 3: hiddenFields.append(try r.readString(field.wire))
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = DescribeObserved(object: try required(object, "DescribeObserved.object"), fields: fields, hiddenFields: hiddenFields)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension OrgSettingsObserved: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, organizationId)
        w.writeBool(2, sandbox)
        w.writeBool(3, sharedActivities)
        w.writeInt(4, dailyApiLimit)
        w.writeInt(5, dailyApiRemaining)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> OrgSettingsObserved {
        var organizationId: String? = nil
        var sandbox: Bool? = nil
        var sharedActivities: Bool? = nil
        var dailyApiLimit: Int? = nil
        var dailyApiRemaining: Int? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: organizationId = try r.readString(field.wire)
            case 2: sandbox = try r.readBool(field.wire)
            case 3: sharedActivities = try r.readBool(field.wire)
            case 4: dailyApiLimit = try r.readInt(field.wire)
            case 5: dailyApiRemaining = try r.readInt(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = OrgSettingsObserved(organizationId: organizationId, sandbox: sandbox, sharedActivities: sharedActivities, dailyApiLimit: dailyApiLimit, dailyApiRemaining: dailyApiRemaining)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension PollCursorAdvanced: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        w.writeTimestamp(2, systemModstamp)
        w.writeString(3, lastId)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> PollCursorAdvanced {
        var object: String? = nil
        var systemModstamp: Timestamp? = nil
        var lastId: String = ""
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: object = try r.readString(field.wire)
            case 2: systemModstamp = try r.readTimestamp(field.wire)
            case 3: lastId = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = PollCursorAdvanced(object: try required(object, "PollCursorAdvanced.object"), systemModstamp: try required(systemModstamp, "PollCursorAdvanced.systemModstamp"), lastId: lastId)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension AuditCursorAdvanced: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        w.writeString(2, lastId)
        w.writeBool(3, completed)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> AuditCursorAdvanced {
        var object: String? = nil
        var lastId: String? = nil
        var completed: Bool = false
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: object = try r.readString(field.wire)
            case 2: lastId = try r.readString(field.wire)
            case 3: completed = try r.readBool(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = AuditCursorAdvanced(object: try required(object, "AuditCursorAdvanced.object"), lastId: lastId, completed: completed)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension SweepCursorAdvanced: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, object)
        w.writeTimestamp(2, sweptThrough)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SweepCursorAdvanced {
        var object: String? = nil
        var sweptThrough: Timestamp? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: object = try r.readString(field.wire)
            case 2: sweptThrough = try r.readTimestamp(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = SweepCursorAdvanced(object: try required(object, "SweepCursorAdvanced.object"), sweptThrough: try required(sweptThrough, "SweepCursorAdvanced.sweptThrough"))
        decoded.unknownFields = unknown
        return decoded
    }
}

extension PlannedWrite: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, syncKey)
        w.writeString(2, object.rawValue)
        w.writeString(3, operation.rawValue)
        for v in fields { w.writeMessage(4) { v.encode(to: &$0) } }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> PlannedWrite {
        var decoded = PlannedWrite(emptyForDecoding: ())
        try decoded.decodeFields(from: &r)
        return decoded
    }

    /// Fills in a write made by ``PlannedWrite/init(emptyForDecoding:)``: a plan decodes each
    /// of its writes straight into its slot of the list (no copy of the write into the list,
    /// no retain and release of every field on the way).
    mutating func decodeFields(from r: inout BinaryReader) throws(SyncDomainError) {
        var hasSyncKey = false
        var hasObject = false
        var hasOperation = false
        while let field = try r.nextField() {
            switch field.number {
            case 1:
                syncKey = try r.readUniqueString(field.wire)
                hasSyncKey = true
            case 2:
                object = try r.readEnum(WriteObject.self, field.wire, "PlannedWrite.object")
                hasObject = true
            case 3:
                operation = try r.readEnum(WriteOperation.self, field.wire, "PlannedWrite.operation")
                hasOperation = true
            case 4: appendGrowing(&fields, try r.readMessage(WriteField.self, field.wire), 8)
            default: try r.skip(field.wire, into: &unknownFields)
            }
        }
        try requireSeen(hasSyncKey, "PlannedWrite.syncKey")
        try requireSeen(hasObject, "PlannedWrite.object")
        try requireSeen(hasOperation, "PlannedWrite.operation")
    }
}

extension WriteField: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, name)
        w.writeMessage(2) { value.encode(to: &$0) }
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WriteField {
        var name: String? = nil
        var value: FieldValue? = nil
        while let field = try r.nextField() {
            switch field.number {
            case 1: name = try r.readString(field.wire)
            case 2: value = try r.readMessage(FieldValue.self, field.wire)
            default: try r.skip(field.wire)
            }
        }
        let decoded = WriteField(try required(name, "WriteField.name"), try required(value, "WriteField.value"))
        return decoded
    }
}

extension Reason: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, rule)
        w.writeString(2, text)
        for v in data { w.writeMessage(3) { v.encode(to: &$0) } }
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Reason {
        var rule: String? = nil
        var text: String = ""
        var data: [Reason.Datum] = []
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: rule = try r.readString(field.wire)
            case 2: text = try r.readString(field.wire)
            case 3: appendGrowing(&data, try r.readMessage(Reason.Datum.self, field.wire), 4)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = Reason(rule: try required(rule, "Reason.rule"), text: text, data: data)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension Reason.Datum: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, key)
        w.writeString(2, value)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Reason.Datum {
        var key: String = ""
        var value: String = ""
        while let field = try r.nextField() {
            switch field.number {
            case 1: key = try r.readString(field.wire)
            case 2: value = try r.readString(field.wire)
            default: try r.skip(field.wire)
            }
        }
        let decoded = Reason.Datum(key, value)
        return decoded
    }
}

extension ActivityPlanned: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, activityId)
        w.writeUInt(2, activityPosition)
        for v in writes { w.writeMessage(3) { v.encode(to: &$0) } }
        for v in reasons { w.writeMessage(4) { v.encode(to: &$0) } }
        w.writeString(5, status.rawValue)
        w.writeUnknown(unknownFields)
    }

    /// Decoded in place (see ``decodeInPlace(_:_:)``), each write in its slot of `writes`:
    /// handing locals to the initialiser retained and released every field, and each write
    /// was copied into the list.
    ///
    /// The plan keeps a copy of the bytes it was read from (``ActivityPlanned/encoded``): the
    /// activity log stores them as they are.
    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> ActivityPlanned {
        let bytes = r.remainingBytes
        return try decodeInPlace(ActivityPlanned(emptyForDecoding: ())) { (p: inout ActivityPlanned) throws(SyncDomainError) in
            try p.decodeFields(from: &r)
            p.encoded = [UInt8](bytes)
        }
    }

    /// The log's encoding of the plan (the bytes it was decoded from, when it was).
    var logEncoding: [UInt8] {
        if let encoded { return encoded }
        var w = BinaryWriter(capacity: 512)
        encode(to: &w)
        return w.bytes
    }

    private mutating func decodeFields(from r: inout BinaryReader) throws(SyncDomainError) {
        var hasActivityId = false
        var hasStatus = false
        while let field = try r.nextField() {
            switch field.number {
            case 1:
                activityId = try r.readUniqueString(field.wire)
                hasActivityId = true
            case 2: activityPosition = try r.readUInt(field.wire)
            case 3:
                var sub = try r.readMessage(field.wire)
                appendGrowing(&writes, PlannedWrite(emptyForDecoding: ()), 4)
                try writes[writes.count - 1].decodeFields(from: &sub)
            case 4: appendGrowing(&reasons, try r.readMessage(Reason.self, field.wire), 4)
            case 5:
                status = try r.readEnum(ActivityStatus.self, field.wire, "ActivityPlanned.status")
                hasStatus = true
            default: try r.skip(field.wire, into: &unknownFields)
            }
        }
        try requireSeen(hasActivityId, "ActivityPlanned.activityId")
        try requireSeen(hasStatus, "ActivityPlanned.status")
    }
}

extension WriteDispatching: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, syncKey)
        w.writeInt(2, attempt)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WriteDispatching {
        var syncKey: String? = nil
        var attempt: Int = 0
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: syncKey = try r.readUniqueString(field.wire)
            case 2: attempt = try r.readInt(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = WriteDispatching(syncKey: try required(syncKey, "WriteDispatching.syncKey"), attempt: attempt)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension WriteSucceeded: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, syncKey)
        w.writeString(2, salesforceId)
        w.writeBool(3, created)
        w.writeString(4, request)
        w.writeString(5, response)
        w.writeUnknown(unknownFields)
    }

    /// Decoded in place (see ``decodeInPlace(_:_:)``), as the other frequent events are.
    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WriteSucceeded {
        try decodeInPlace(WriteSucceeded(syncKey: "", salesforceId: "", created: false)) {
            (s: inout WriteSucceeded) throws(SyncDomainError) in
            try s.decodeFields(from: &r)
        }
    }

    private mutating func decodeFields(from r: inout BinaryReader) throws(SyncDomainError) {
        var hasSyncKey = false
        while let field = try r.nextField() {
            switch field.number {
            case 1:
                syncKey = try r.readUniqueString(field.wire)
                hasSyncKey = true
            case 2: salesforceId = try r.readUniqueString(field.wire)
            case 3: created = try r.readBool(field.wire)
            case 4: request = try r.readString(field.wire)
            case 5: response = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknownFields)
            }
        }
        try requireSeen(hasSyncKey, "WriteSucceeded.syncKey")
    }
}

extension WriteFailed: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, syncKey)
        w.writeString(2, failureClass.rawValue)
        w.writeString(3, errorCode)
        w.writeString(4, message)
        w.writeInt(5, attempt)
        w.writeTimestamp(6, nextAttemptAt)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WriteFailed {
        var syncKey: String? = nil
        var failureClass: FailureClass? = nil
        var errorCode: String = ""
        var message: String = ""
        var attempt: Int = 0
        var nextAttemptAt: Timestamp? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: syncKey = try r.readUniqueString(field.wire)
            case 2: failureClass = try r.readEnum(FailureClass.self, field.wire, "WriteFailed.failureClass")
            case 3: errorCode = try r.readString(field.wire)
            case 4: message = try r.readString(field.wire)
            case 5: attempt = try r.readInt(field.wire)
            case 6: nextAttemptAt = try r.readTimestamp(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = WriteFailed(syncKey: try required(syncKey, "WriteFailed.syncKey"), failureClass: try required(failureClass, "WriteFailed.failureClass"), errorCode: errorCode, message: message, attempt: attempt, nextAttemptAt: nextAttemptAt)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension WriteRequeued: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, syncKey)
        w.writeString(2, reason)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WriteRequeued {
        var syncKey: String? = nil
        var reason: String = ""
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: syncKey = try r.readUniqueString(field.wire)
            case 2: reason = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = WriteRequeued(syncKey: try required(syncKey, "WriteRequeued.syncKey"), reason: reason)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension DuplicateDelivery: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, activityId)
        w.writeBool(2, bodyDiffers)
        w.writeBytes(3, source)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> DuplicateDelivery {
        var activityId: String? = nil
        var bodyDiffers: Bool = false
        var source: [UInt8] = []
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: activityId = try r.readUniqueString(field.wire)
            case 2: bodyDiffers = try r.readBool(field.wire)
            case 3: source = try r.readBytes(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = DuplicateDelivery(activityId: try required(activityId, "DuplicateDelivery.activityId"), bodyDiffers: bodyDiffers, source: source)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension ConnectionNeedsReauthorisation: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, errorCode)
        w.writeString(2, message)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> ConnectionNeedsReauthorisation {
        var errorCode: String = ""
        var message: String = ""
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: errorCode = try r.readString(field.wire)
            case 2: message = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = ConnectionNeedsReauthorisation(errorCode: errorCode, message: message)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension WritesPaused: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, reason)
        w.writeTimestamp(2, until)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WritesPaused {
        var reason: String = ""
        var until: Timestamp? = nil
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: reason = try r.readString(field.wire)
            case 2: until = try r.readTimestamp(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = WritesPaused(reason: reason, until: until)
        decoded.unknownFields = unknown
        return decoded
    }
}

extension WritesResumed: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, reason)
        w.writeUnknown(unknownFields)
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> WritesResumed {
        var reason: String = ""
        var unknown = UnknownFields()
        while let field = try r.nextField() {
            switch field.number {
            case 1: reason = try r.readString(field.wire)
            default: try r.skip(field.wire, into: &unknown)
            }
        }
        var decoded = WritesResumed(reason: reason)
        decoded.unknownFields = unknown
        return decoded
    }
}
