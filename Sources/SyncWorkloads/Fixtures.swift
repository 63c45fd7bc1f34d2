public import SyncDomain

/// Builders for configuration, Salesforce records (as change events) and
/// activities of every type, with the contract's field names. Tests, benchmarks
/// and the demo share them.
public enum Fixtures {
    public static let start = Timestamp(rfc3339: "2026-11-20T15:04:05Z")!

    /// An 18-character Salesforce id: `prefix` (3 characters) and a number.
    public static func id(_ prefix: String, _ n: Int) -> String {
        var digits = String(n)
        while digits.count < 12 { digits = "0" + digits }
        return SalesforceIdentifier.canonical(prefix + digits)
    }

    // MARK: configuration

    public static func role(
        firstOnly: Bool = true, syncUnresolved: Bool = false, syncAllMessages: Bool = false,
        standard: Bool = true, onlyOwned: Bool = false, allAccount: Bool = false, closed: Bool = false,
        rollup: Bool = false, custom: [CustomObjectLink] = [], log: LogSettings = LogSettings(),
        membersManageOwnSettings: Bool = false
    ) -> RoleSettings {
        RoleSettings(
            log: log, firstOnly: firstOnly, syncUnresolved: syncUnresolved, syncAllMessages: syncAllMessages,
            relatedObjects: RelatedObjects(
                standard: standard, onlyOwnedOpportunities: onlyOwned, allAccountOpportunities: allAccount,
                closedOpportunities: closed, rollupToPrimaryAccount: rollup, custom: custom),
            membersManageOwnSettings: membersManageOwnSettings)
    }

    public static func user(_ n: Int, domain: String = "acme.com", role: String? = nil, timeZone: String = "America/Los_Angeles", settings: RoleOverrides? = nil) -> UserMapping {
        UserMapping(id: "u_\(n)", email: "user\(n)@\(domain)", salesforceUserId: id("005", n), role: role, timeZone: timeZone, settings: settings)
    }

    public static func configuration(
        workspace: String = "acme", roles: [String: RoleSettings] = ["sales": role()], defaultRole: String = "sales",
        users: [UserMapping] = [user(1)], internalDomains: [String] = ["acme.com"],
        excludedAddresses: [String] = [], excludedDomains: [String] = [], systemLocalParts: [String]? = nil
    ) -> WorkspaceConfiguration {
        WorkspaceConfiguration(
            workspace: workspace, internalDomains: internalDomains, excludedAddresses: excludedAddresses,
            excludedDomains: excludedDomains, systemLocalParts: systemLocalParts, defaultRole: defaultRole,
            roles: roles.keys.sorted().map { NamedRole(name: $0, settings: roles[$0]!) }, users: users)
    }

    public static func configured(_ c: WorkspaceConfiguration, at time: Timestamp = start, revision: Int = 1) -> EventEnvelope {
        EventEnvelope(id: EventID("config/\(c.workspace)/\(revision)"), workspace: c.workspace, recordedAt: time,
                      event: .workspaceConfigured(WorkspaceConfigured(configuration: c)))
    }

    // MARK: org

    /// The Task describe: optional sync key field, activity date/time field, `TaskWhoIds` (shared activities).
    public static func describe(
        workspace: String = "acme", syncKeyField: Bool = true, activityDateTime: Bool = false, sharedActivities: Bool = false,
        hidden: [String] = [], at time: Timestamp = start, revision: Int = 1
    ) -> EventEnvelope {
        var fields = [
            DescribedField(name: "Id", type: "id"), DescribedField(name: "Subject", type: "string"),
            DescribedField(name: "WhoId", type: "reference"), DescribedField(name: "WhatId", type: "reference"),
            DescribedField(name: "Type", type: "picklist"), DescribedField(name: "TaskSubtype", type: "picklist"),
        ]
        if syncKeyField { fields.append(DescribedField(name: "Synclog_Key__c", type: "string", externalId: true, unique: true)) }
        if activityDateTime { fields.append(DescribedField(name: "MixmaxActivityDateTime__c", type: "datetime")) }
        if sharedActivities { fields.append(DescribedField(name: "TaskWhoIds", type: "junctionidlist")) }
        return EventEnvelope(id: EventID("describe/\(workspace)/Task/\(revision)"), workspace: workspace, recordedAt: time,
                             event: .describeObserved(DescribeObserved(object: "Task", fields: fields, hiddenFields: hidden)))
    }

    // MARK: records

    public static func change(
        _ object: String, _ fields: [(String, JSONValue)], type: ChangeType = .create, workspace: String = "acme",
        at time: Timestamp = start, eventId: String? = nil
    ) -> EventEnvelope {
        let record = SalesforceRecord(fields: fields.map { SalesforceRecord.Field($0.0, $0.1) })
        let id = record.id ?? "?"
        let stamp = record.string("SystemModstamp") ?? String(time.millisecondsSinceEpoch)
        return EventEnvelope(
            id: EventID(eventId ?? "sf/\(workspace)/\(object)/\(id)/\(type.rawValue)/\(stamp)"), workspace: workspace, recordedAt: time,
            event: .salesforceRecordChanged(SalesforceRecordChange(object: object, changeType: type, record: record, source: .realtime, commitTimestamp: time)))
    }

    static func stamp(_ t: Timestamp) -> JSONValue {
        // Salesforce's form: 2026-11-20T15:00:00.000+0000
        var s = t.rfc3339String
        if s.hasSuffix("Z") { s.removeLast() }
        if !s.contains(".") { s += ".000" }
        return .string(s + "+0000")
    }

    public static func account(_ n: Int, name: String? = nil, workspace: String = "acme", at time: Timestamp = start) -> EventEnvelope {
        change("Account", [("Id", .string(id("001", n))), ("Name", .string(name ?? "Account \(n)")), ("SystemModstamp", stamp(time))], workspace: workspace, at: time)
    }

    public static func contact(
        _ n: Int, email: String, account: Int? = nil, name: String? = nil, type: ChangeType = .create, workspace: String = "acme", at time: Timestamp = start
    ) -> EventEnvelope {
        var f: [(String, JSONValue)] = [("Id", .string(id("003", n))), ("Email", .string(email)), ("LastName", .string(name ?? "Contact\(n)")), ("SystemModstamp", stamp(time))]
        if let account { f.append(("AccountId", .string(id("001", account)))) }
        return change("Contact", f, type: type, workspace: workspace, at: time)
    }

    public static func lead(_ n: Int, email: String, name: String? = nil, type: ChangeType = .create, workspace: String = "acme", at time: Timestamp = start) -> EventEnvelope {
        change("Lead", [("Id", .string(id("00Q", n))), ("Email", .string(email)), ("LastName", .string(name ?? "Lead\(n)")), ("IsConverted", .bool(false)), ("SystemModstamp", stamp(time))],
               type: type, workspace: workspace, at: time)
    }

    public static func opportunity(
        _ n: Int, account: Int, owner: Int = 1, closed: Bool = false, workspace: String = "acme", at time: Timestamp = start
    ) -> EventEnvelope {
        change("Opportunity", [("Id", .string(id("006", n))), ("Name", .string("Opportunity \(n)")), ("AccountId", .string(id("001", account))),
                               ("OwnerId", .string(id("005", owner))), ("IsClosed", .bool(closed)), ("SystemModstamp", stamp(time))],
               workspace: workspace, at: time)
    }

    public static func contactRole(_ n: Int, contact: Int, opportunity: Int, primary: Bool, workspace: String = "acme", at time: Timestamp = start) -> EventEnvelope {
        change("OpportunityContactRole", [("Id", .string(id("00K", n))), ("ContactId", .string(id("003", contact))),
                                          ("OpportunityId", .string(id("006", opportunity))), ("IsPrimary", .bool(primary))],
               workspace: workspace, at: time)
    }

    public static func customRecord(_ object: String, _ n: Int, lookups: [(String, String)], workspace: String = "acme", at time: Timestamp = start) -> EventEnvelope {
        change(object, [("Id", .string(id("a01", n)))] + lookups.map { ($0.0, JSONValue.string($0.1)) }, workspace: workspace, at: time)
    }

    public static func converted(lead: Int, contact: Int, workspace: String = "acme", at time: Timestamp = start) -> EventEnvelope {
        EventEnvelope(id: EventID("sf/\(workspace)/convert/\(lead)"), workspace: workspace, recordedAt: time,
                      event: .leadConverted(LeadConverted(leadId: id("00Q", lead), contactId: id("003", contact), convertedAt: time, source: .realtime)))
    }

    public static func merged(_ object: String = "Contact", master: String, merged: [String], workspace: String = "acme", at time: Timestamp = start) -> EventEnvelope {
        EventEnvelope(id: EventID("sf/\(workspace)/merge/\(master)/\(merged.joined(separator: ","))"), workspace: workspace, recordedAt: time,
                      event: .salesforceRecordsMerged(SalesforceRecordsMerged(object: object, masterId: master, mergedIds: merged, source: .realtime)))
    }

    // MARK: activities

    public static func person(_ email: String, _ name: String? = nil) -> Person { Person(email: email, name: name) }

    public static func message(
        _ id: String = "msg_1", subject: String = "Pricing for 2027", from: String = "user1@acme.com", to: [String] = ["bob@globex.com"],
        cc: [String] = [], bcc: [String] = [], isReply: Bool = false, sentWithProduct: Bool = true, client: String? = "gmail",
        sequence: SequenceRef? = nil
    ) -> Message {
        Message(id: id, threadId: "thr_" + id, subject: subject, from: person(from), to: to.map { person($0) }, cc: cc.map { person($0) },
                bcc: bcc.map { person($0) }, isReply: isReply, sentWithProduct: sentWithProduct, client: client, sequence: sequence)
    }

    public static func activity(
        _ id: String, _ type: ActivityType, user: String = "u_1", workspace: String = "acme", at time: Timestamp = start,
        message: Message? = nil, recipient: String? = nil, url: String? = nil, fileName: String? = nil, meeting: Meeting? = nil,
        task: ActivityTask? = nil, call: Call? = nil
    ) -> Activity {
        Activity(id: id, workspace: workspace, type: type, occurredAt: time, userId: user, message: message,
                 recipient: recipient.map { person($0) }, url: url, fileName: fileName, meeting: meeting, task: task, call: call)
    }

    public static func envelope(_ a: Activity, recordedAt: Timestamp? = nil) -> EventEnvelope {
        EventEnvelope(activity: a, recordedAt: recordedAt ?? a.occurredAt)
    }

    public static func meeting(
        _ id: String = "cal_1", title: String = "Renewal discussion", start: Timestamp = start, minutes: Int64 = 30, allDay: Bool = false,
        organizer: String = "user1@acme.com", attendees: [String], calendar: String = "primary", recurringEventId: String? = nil,
        scheduledWithProduct: Bool = false
    ) -> Meeting {
        Meeting(id: id, title: title, start: start, end: start.adding(milliseconds: minutes * 60_000), allDay: allDay,
                organizer: person(organizer), attendees: attendees.map { person($0) }, calendar: calendar,
                recurringEventId: recurringEventId, scheduledWithProduct: scheduledWithProduct)
    }
}
