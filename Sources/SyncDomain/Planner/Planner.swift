/// Decides which Salesforce Tasks and Events an activity must produce, and why
/// everything else does not sync: pure, deterministic, every decision a
/// ``Reason`` citing a rule of behaviour.md.
///
/// ```swift
/// let (writes, reasons) = Planner.plan(activity, at: position, in: state.workspace("acme"))
/// ```
public enum Planner {
    /// The planner's answer for one activity.
    public struct Plan: Sendable, Hashable {
        public var writes: [PlannedWrite]
        public var reasons: [Reason]
        /// Role in force for the activity's user (L4), when known.
        public var role: String?
        public var status: ActivityStatus { writes.isEmpty ? .notSynced : .pending }
    }

    /// Plans `activity` (appended at `position`) against the workspace's state.
    public static func plan(_ activity: Activity, at position: UInt64, in state: WorkspaceState) -> (writes: [PlannedWrite], reasons: [Reason]) {
        let p = makePlan(activity, at: position, in: state)
        return (p.writes, p.reasons)
    }

    /// Plans `activity` against the state of its workspace.
    public static func plan(_ activity: Activity, at position: UInt64, in state: SyncState) -> (writes: [PlannedWrite], reasons: [Reason]) {
        plan(activity, at: position, in: state.workspace(activity.workspace))
    }

    public static func makePlan(_ activity: Activity, at position: UInt64, in state: WorkspaceState) -> Plan {
        var ctx = Context(activity: activity, position: position, state: state)
        ctx.run()
        return Plan(writes: ctx.writes, reasons: ctx.reasons, role: ctx.role?.roleName)
    }
}

/// A Lead or Contact picked for an address (R1-R4).
struct ResolvedPerson {
    var person: KnownRecords.Person
    var address: String
}

struct Context {
    let activity: Activity
    let position: UInt64
    let state: WorkspaceState
    var policy: WorkspacePolicy!
    var user: WorkspacePolicy.User!
    var role: WorkspacePolicy.EffectiveRole?
    var writes: [PlannedWrite] = []
    var reasons: [Reason] = []
    var plannedKeys: Set<String> = []
    var hiddenNoted: Set<String> = []

    init(activity: Activity, position: UInt64, state: WorkspaceState) {
        self.activity = activity
        self.position = position
        self.state = state
    }

    var records: KnownRecords { state.records }
    var org: OrgCapabilities { state.org }

    mutating func note(_ rule: String, _ text: String, _ data: [Reason.Datum] = []) {
        reasons.append(Reason(rule: rule, text: text, data: data))
    }

    /// S21: says when the subject comes from the workspace's template for `rule` rather than the default.
    mutating func noteTemplate(_ rule: String?) {
        guard let rule, policy.subjectTemplates?[rule] != nil else { return }
        note("S21", "subject from the workspace's template for \(rule)", [.init("template", rule)])
    }

    // MARK: entry

    mutating func run() {
        guard let policy = state.settings.current else {
            note("T1", "no workspace configuration in force: nothing can be written")
            return
        }
        self.policy = policy
        guard let user = policy.users[activity.userId] else {
            note("T1", "user \(activity.userId) has no Salesforce user mapping (OwnerId unknown)", [.init("user", activity.userId)])
            return
        }
        self.user = user
        guard let role = user.role else {
            note("X4", "user \(user.id) has no role defined in the configuration", [.init("user", user.id)])
            return
        }
        self.role = role
        if role.userOverridesApplied {
            note("X4", "role \(role.roleName) with the user's own settings (members manage their own)", [.init("role", role.roleName)])
        }
        guard logs(activity.type, role) else {
            note("X4", "\(logSettingName(activity.type)) logging is off for role \(role.roleName)",
                 [.init("role", role.roleName), .init("setting", logSettingName(activity.type))])
            return
        }
        switch activity.type {
        case .emailSent: planSent()
        case .emailReceived, .emailOpened, .emailClicked, .emailDownloaded, .emailReplied, .emailBounced: planEngagement()
        case .meetingConfirmed, .meetingCanceled: planMeetingTask()
        case .calendarUpserted: planCalendar()
        case .calendarDeleted: planCalendarDelete()
        case .taskUpserted: planTask()
        case .callLogged: planCall()
        }
    }

    func logs(_ type: ActivityType, _ role: WorkspacePolicy.EffectiveRole) -> Bool {
        switch type {
        case .emailSent: return role.log.sent
        case .emailReceived: return role.log.received
        case .emailOpened: return role.log.opened
        case .emailClicked: return role.log.clicked
        case .emailDownloaded: return role.log.downloaded
        case .emailReplied: return role.log.replied
        case .emailBounced: return role.log.bounced
        case .meetingConfirmed, .meetingCanceled, .calendarUpserted, .calendarDeleted: return role.log.meetings
        case .taskUpserted, .callLogged: return role.log.tasks
        }
    }

    func logSettingName(_ type: ActivityType) -> String {
        switch type {
        case .emailSent: return "sent"
        case .emailReceived: return "received"
        case .emailOpened: return "opened"
        case .emailClicked: return "clicked"
        case .emailDownloaded: return "downloaded"
        case .emailReplied: return "replied"
        case .emailBounced: return "bounced"
        case .meetingConfirmed, .meetingCanceled, .calendarUpserted, .calendarDeleted: return "meetings"
        case .taskUpserted, .callLogged: return "tasks"
        }
    }

    // MARK: R1-R4

    /// The Lead/Contact for an address, or nil (unresolved); notes R1-R4.
    mutating func resolve(_ address: String) -> ResolvedPerson? {
        let n = EmailAddress.normalize(address)
        let matches = records.peopleWithEmail(n)
        guard !matches.isEmpty else { return nil }
        var candidates: [KnownRecords.Person] = []
        var seen = Set<String>()
        for m in matches {
            var p = m
            var hops = 0
            var alive = true
            while hops < 5 {
                hops += 1
                if let master = p.masterRecordId, p.isDeleted {
                    guard let next = records.people[master] else {
                        note("R4", "\(p.kind.rawValue) \(p.id) was merged into \(master), which is not known", [.init("merged", p.id), .init("master", master)])
                        alive = false
                        break
                    }
                    note("R4", "\(p.kind.rawValue) \(p.id) was merged into \(next.id): the master is the target", [.init("merged", p.id), .init("master", next.id)])
                    p = next
                    continue
                }
                if p.kind == .lead, p.isConverted {
                    guard let cid = p.convertedContactId, let contact = records.people[cid] else {
                        note("R3", "Lead \(p.id) is converted and its Contact is not known: not a target", [.init("lead", p.id)])
                        alive = false
                        break
                    }
                    note("R3", "Lead \(p.id) was converted: its Contact \(contact.id) is the target", [.init("lead", p.id), .init("contact", contact.id)])
                    p = contact
                    continue
                }
                break
            }
            guard alive else { continue }
            if p.isDeleted {
                note("R1", "\(p.kind.rawValue) \(p.id) with \(n) is deleted", [.init("record", p.id)])
                continue
            }
            if seen.insert(p.id).inserted { candidates.append(p) }
        }
        guard !candidates.isEmpty else { return nil }
        let sorted = candidates.sorted { a, b in
            if a.kind != b.kind { return a.kind == .contact }
            if a.modifiedAt != b.modifiedAt { return a.modifiedAt > b.modifiedAt }
            return a.id < b.id
        }
        let winner = sorted[0]
        note("R1", "\(n) is \(winner.kind.rawValue) \(winner.id)", [.init("address", n), .init("record", winner.id), .init("object", winner.kind.rawValue)])
        if sorted.count > 1 {
            let losers = sorted.dropFirst()
            let why = losers.contains { $0.kind != winner.kind } && !losers.contains { $0.kind == winner.kind }
                ? "a Contact wins over a Lead" : "the most recently modified wins"
            note("R2", "\(winner.kind.rawValue) \(winner.id) chosen over \(losers.map { "\($0.kind.rawValue) \($0.id)" }.joined(separator: ", ")) (\(why))",
                 [.init("chosen", winner.id)] + losers.map { .init("lost", $0.id) })
        }
        return ResolvedPerson(person: winner, address: n)
    }

    // MARK: R6, R7, R9

    /// What ids for a Who (nil = no WhatId), each with its reason.
    mutating func whats(for who: KnownRecords.Person) -> [String?] {
        guard let role else { return [nil] }
        if who.kind == .lead {
            note("R7", "Lead \(who.id): no Related To (Salesforce refuses one)", [.init("lead", who.id)])
            return [nil]
        }
        guard role.standardObjects else {
            note("R6", "role \(role.roleName) does not log to standard objects: no Related To", [.init("role", role.roleName)])
            return [nil]
        }
        var candidates: [(KnownRecords.Opportunity, String)] = []
        if role.allAccountOpportunities {
            if let acc = who.accountId {
                candidates = records.opportunities(accountId: acc).map { ($0, "via account \(acc) (all opportunities of the account)") }
            }
        } else {
            candidates = records.opportunitiesByRole(contactId: who.id).map { ($0.0, $0.1 ? "via contact role (primary)" : "via contact role") }
        }
        var chosen: [String] = []
        for (opp, how) in candidates {
            if opp.isClosed && !role.closedOpportunities {
                note("R6", "opportunity \(opp.id) is closed and closed opportunities are off", [.init("opportunity", opp.id)])
                continue
            }
            if role.onlyOwnedOpportunities && opp.ownerId != user.salesforceUserId {
                note("R6", "opportunity \(opp.id) is owned by \(opp.ownerId ?? "nobody"), not the user (only when I am the owner)",
                     [.init("opportunity", opp.id), .init("owner", opp.ownerId ?? "")])
                continue
            }
            note("R6", "opportunity \(opp.id) \(how)", [.init("opportunity", opp.id), .init("contact", who.id)])
            chosen.append(opp.id)
        }
        if !chosen.isEmpty { return chosen }
        if role.rollupToPrimaryAccount {
            note("R9", "no opportunity: Related To left empty, Salesforce rolls the activity up to the Contact's account",
                 [.init("contact", who.id)])
            return [nil]
        }
        if let acc = who.accountId {
            if records.isAliveAccount(acc) {
                note("R6", "no opportunity: account \(acc) of the Contact", [.init("account", acc), .init("contact", who.id)])
                return [acc]
            }
            note("R6", "no opportunity, and account \(acc) is not known: no Related To", [.init("account", acc)])
            return [nil]
        }
        note("R6", "no opportunity and no account: no Related To", [.init("contact", who.id)])
        return [nil]
    }

    // MARK: fields

    enum Who {
        case none
        case single(String)
        case shared([String])
    }

    func activityDate(_ instant: Timestamp, zone: String) -> LocalDate {
        TimeZoneRules.localDate(zone: zone, at: instant)
            ?? TimeZoneRules.localDate(offsetMinutes: activity.occurredAtOffsetMinutes, at: instant)
    }

    mutating func noteUnknownZone() {
        if !TimeZoneRules.isKnown(user.timeZone), !hiddenNoted.contains("tz") {
            hiddenNoted.insert("tz")
            note("T4", "time zone \(user.timeZone) is not known: ActivityDate uses the activity's own offset",
                 [.init("timeZone", user.timeZone)])
        }
    }

    mutating func add(_ name: String, _ value: FieldValue, to fields: inout [WriteField], object: WriteObject) {
        if org.isHidden(name, on: object.rawValue) {
            if hiddenNoted.insert(object.rawValue + "." + name).inserted {
                note("T1", "\(object.rawValue).\(name) is hidden by field security: not sent", [.init("field", name)])
            }
            return
        }
        fields.append(WriteField(name, value))
    }

    /// A Task write (T1-T5) with its sync key.
    mutating func task(
        key: String, subject rawSubject: String, description: String? = nil, who: Who, whatId: String?,
        type: String?, subtype: String, status: String = "Completed", date: LocalDate? = nil, extra: [WriteField] = []
    ) {
        guard plannedKeys.insert(key).inserted else { return }
        var fields: [WriteField] = []
        let (subject, cut) = Subjects.fit(rawSubject)
        add("Subject", .string(subject), to: &fields, object: .task)
        var desc = description
        if cut {
            note("S19", "subject longer than 255 characters: cut, the full text is in Description")
            desc = desc.map { rawSubject + "\n\n" + $0 } ?? rawSubject
        }
        if let desc { add("Description", .string(desc), to: &fields, object: .task) }
        switch who {
        case .none: break
        case .single(let id): add("WhoId", .string(id), to: &fields, object: .task)
        case .shared(let ids):
            add("WhoId", .string(ids[0]), to: &fields, object: .task)
            add("TaskWhoIds", .idList(ids), to: &fields, object: .task)
        }
        if let whatId { add("WhatId", .string(whatId), to: &fields, object: .task) }
        add("OwnerId", .string(user.salesforceUserId), to: &fields, object: .task)
        if let type { add("Type", .string(type), to: &fields, object: .task) }
        if state.outbox.entries[key] == nil { add("TaskSubtype", .string(subtype), to: &fields, object: .task) }
        add("Status", .string(status), to: &fields, object: .task)
        noteUnknownZone()
        add("ActivityDate", .date(date ?? activityDate(activity.occurredAt, zone: user.timeZone)), to: &fields, object: .task)
        for f in extra { add(f.name, f.value, to: &fields, object: .task) }
        addCommon(key: key, time: activity.occurredAt, to: &fields, object: .task)
        writes.append(PlannedWrite(syncKey: key, object: .task, operation: .upsert, fields: fields))
    }

    /// T5's date/time field and the sync key field (W1).
    mutating func addCommon(key: String, time: Timestamp, to fields: inout [WriteField], object: WriteObject) {
        if org.hasField(policy.activityDateTimeField, forActivityAt: position) {
            add(policy.activityDateTimeField, .dateTime(time), to: &fields, object: object)
        } else if org.taskFields.contains(policy.activityDateTimeField.lowercased()), hiddenNoted.insert("T5").inserted {
            note("T5", "\(policy.activityDateTimeField) was first seen after this activity: not written (never retroactive)")
        }
        if org.taskExternalIdFields.contains(policy.syncKeyField.lowercased()) {
            add(policy.syncKeyField, .string(key), to: &fields, object: object)
        }
    }

    /// The Tasks for one Who: one per What (R6), plus one per custom record (R8).
    mutating func tasksFor(_ who: ResolvedPerson, subject: String, type: String?, subtype: String) {
        for what in whats(for: who.person) {
            let key = SyncKey.activity(workspace: activity.workspace, activityId: activity.id, object: .task, whoIds: [who.person.id], whatId: what)
            task(key: key, subject: subject, who: .single(who.person.id), whatId: what, type: type, subtype: subtype)
        }
        customTasks(for: who.person, subject: subject, type: type, subtype: subtype)
    }

    /// R8: one Task per custom record whose lookup points at the Who or its What.
    mutating func customTasks(for who: KnownRecords.Person, subject: String, type: String?, subtype: String) {
        guard let role, !role.custom.isEmpty else { return }
        var targets = [who.id]
        if let acc = who.accountId { targets.append(acc) }
        targets += records.opportunitiesByRole(contactId: who.id).map(\.0.id)
        for link in role.custom {
            for field in link.lookupFields {
                for target in targets {
                    for rec in records.customRecords(object: link.object, field: field, pointingAt: target) {
                        if who.kind == .lead {
                            note("R7", "\(link.object) \(rec.id) points at Lead \(who.id), but a Task on a Lead cannot have a Related To: not used",
                                 [.init("record", rec.id)])
                            continue
                        }
                        let key = SyncKey.activity(workspace: activity.workspace, activityId: activity.id, object: .task, whoIds: [who.id], whatId: rec.id)
                        if plannedKeys.contains(key) { continue }
                        note("R8", "\(link.object) \(rec.id) via \(field) -> \(target)", [.init("record", rec.id), .init("object", link.object), .init("field", field)])
                        task(key: key, subject: subject, who: .single(who.id), whatId: rec.id, type: type, subtype: subtype)
                    }
                }
            }
        }
    }

    // MARK: email.sent (S1, S2, S11, S12, S18, X3, X5, H)

    mutating func planSent() {
        guard let m = activity.message else { note("S1", "email without a message: nothing to write"); return }
        if !m.sentWithProduct && !(role?.syncAllMessages ?? false) {
            note("X5", "message not sent through the product and \"sync all messages\" is off", [.init("client", m.client ?? "")])
            return
        }
        let visible = m.to + m.cc
        let visibleSet = Set(visible.map(\.normalizedEmail))
        for b in m.bcc where !visibleSet.contains(b.normalizedEmail) {
            note("X3", "BCC recipient \(b.normalizedEmail) is not logged", [.init("address", b.normalizedEmail)])
        }
        var seen = Set<String>()
        var contacts: [ResolvedPerson] = []
        var leads: [ResolvedPerson] = []
        var unresolved: [String] = []
        for r in visible {
            let n = r.normalizedEmail
            guard seen.insert(n).inserted else { continue }
            if let ex = policy.exclusion(of: n) {
                reasons.append(ex)
                continue
            }
            guard let who = resolve(n) else { unresolved.append(n); continue }
            if who.person.kind == .contact {
                if !contacts.contains(where: { $0.person.id == who.person.id }) { contacts.append(who) }
            } else if !leads.contains(where: { $0.person.id == who.person.id }) {
                leads.append(who)
            }
        }
        let subject = Subjects.email(.emailSent, message: m, url: nil, fileName: nil, templates: policy.subjectTemplates)
        let rule = m.isReply ? (m.sequence == nil ? "S2" : "S12") : (m.sequence == nil ? "S1" : "S11")
        if contacts.isEmpty && leads.isEmpty {
            guard !unresolved.isEmpty else { return }
            if role?.syncUnresolved ?? false {
                note("R5", "no matching Lead or Contact: logged without a Name (sync unresolved is on)",
                     unresolved.map { .init("address", $0) })
                note("S18", "unresolved sent email")
                noteTemplate(m.isReply ? "S2" : "S1")
                noteTemplate("S18")
                let key = SyncKey.activity(workspace: activity.workspace, activityId: activity.id, object: .task, whoIds: [], whatId: nil)
                let unresolvedSubject = Subjects.email(
                    .emailSent, message: m, url: nil, fileName: nil, unresolved: true, templates: policy.subjectTemplates)
                task(key: key, subject: unresolvedSubject,
                     who: .none, whatId: nil, type: "Email", subtype: "Email")
            } else {
                waitFor(unresolved)
            }
            return
        }
        note(rule, "subject format \(rule)")
        noteTemplate(m.isReply ? "S2" : "S1")
        if !unresolved.isEmpty { waitFor(unresolved) }
        if org.sharedActivities && contacts.count > 1 {
            planShared(contacts, subject: subject)
        } else {
            if org.sharedActivities && contacts.count == 1 {
                note("H2", "one Contact recipient: an ordinary Task")
            }
            for c in contacts { tasksFor(c, subject: subject, type: "Email", subtype: "Email") }
        }
        for l in leads {
            if org.sharedActivities { note("H6", "Lead \(l.person.id) is never shared: its own Task", [.init("lead", l.person.id)]) }
            tasksFor(l, subject: subject, type: "Email", subtype: "Email")
        }
    }

    mutating func waitFor(_ addresses: [String]) {
        for a in addresses {
            note("R5", "\(a) matches no Lead or Contact: unresolved, waits for the record (15 days)",
                 [.init("address", a), .init("waiting", "true")])
        }
    }

    /// H1-H5: batches of 50 Contacts in recipient order; the first of each batch is the primary.
    mutating func planShared(_ contacts: [ResolvedPerson], subject: String) {
        note("H1", "shared activities are on: one Task for several Contacts")
        let batches = stride(from: 0, to: contacts.count, by: 50).map { Array(contacts[$0..<min($0 + 50, contacts.count)]) }
        for (i, batch) in batches.enumerated() {
            let ids = batch.map(\.person.id)
            let primary = batch[0].person
            note("H3", "batch \(i + 1) of \(batches.count): \(ids.count) Contacts, primary \(primary.id)",
                 [.init("batch", String(i + 1)), .init("contacts", String(ids.count)), .init("primary", primary.id)])
            for what in whats(for: primary) {
                let key = SyncKey.activity(workspace: activity.workspace, activityId: activity.id, object: .task, whoIds: ids, whatId: what)
                task(key: key, subject: subject, who: .shared(ids), whatId: what, type: "Email", subtype: "Email")
            }
        }
        // H7: custom objects are never shared.
        for c in contacts { customTasks(for: c.person, subject: subject, type: "Email", subtype: "Email") }
    }

    // MARK: received, opened, clicked, downloaded, replied, bounced (S3-S8, D2, X6)

    mutating func planEngagement() {
        guard let m = activity.message else { note("S4", "email activity without a message: nothing to write"); return }
        let type = activity.type
        if type == .emailOpened || type == .emailClicked || type == .emailDownloaded {
            if role?.firstOnly ?? false, let first = state.engagement.first(message: m.id, type: type), first != activity.id {
                let what = type == .emailOpened ? "open" : type == .emailClicked ? "click" : "download"
                note("D2", "not the first \(what) of message \(m.id) (first: \(first))", [.init("message", m.id), .init("first", first)])
                return
            }
        }
        let address: String
        if type == .emailReceived {
            address = m.from.normalizedEmail
        } else if let r = activity.recipient {
            address = r.normalizedEmail
        } else if let first = m.to.first {
            address = first.normalizedEmail
            if m.to.count > 1 {
                note("X6", "no recipient on the tracking event (Outlook): attributed to the first To recipient \(address)",
                     [.init("address", address)])
            }
        } else {
            note("X6", "no recipient and no To recipient: nothing to relate")
            return
        }
        if let ex = policy.exclusion(of: address) { reasons.append(ex); return }
        guard let who = resolve(address) else { waitFor([address]); return }
        let rule: String
        switch type {
        case .emailReceived: rule = "S3"
        case .emailOpened: rule = m.sequence == nil ? "S4" : "S11"
        case .emailClicked: rule = m.sequence == nil ? "S5" : "S11"
        case .emailDownloaded: rule = m.sequence == nil ? "S6" : "S11"
        case .emailReplied: rule = m.sequence == nil ? "S7" : "S11"
        default: rule = m.sequence == nil ? "S8" : "S11"
        }
        note(rule, "subject format \(rule)")
        noteTemplate(Subjects.templateRule(type, isReply: false))
        let taskType: String? = (type == .emailOpened || type == .emailClicked || type == .emailDownloaded) ? nil : "Email"
        if taskType == nil { note("T2", "opens, clicks and downloads have no Type (#N/A)") }
        let subject = Subjects.email(
            type, message: m, url: activity.url, fileName: activity.fileName, templates: policy.subjectTemplates)
        tasksFor(who, subject: subject,
                 type: taskType, subtype: "Email")
    }

    // MARK: meetings (S9, S10, E1-E5, X7)

    /// Known Lead/Contact attendees in attendee order, and the organizer if it is one (E4).
    mutating func knownAttendees(_ meeting: Meeting) -> (people: [ResolvedPerson], organizer: ResolvedPerson?, unresolved: [String]) {
        var people: [ResolvedPerson] = []
        var unresolved: [String] = []
        var seen = Set<String>()
        var organizer: ResolvedPerson?
        var list = meeting.attendees
        if let o = meeting.organizer, !list.contains(where: { $0.normalizedEmail == o.normalizedEmail }) { list.append(o) }
        for a in list {
            let n = a.normalizedEmail
            guard seen.insert(n).inserted else { continue }
            if policy.userByEmail[n] != nil { continue }  // workspace users: owners, not Names (E3)
            if let ex = policy.exclusion(of: n) { reasons.append(ex); continue }
            guard let who = resolve(n) else { unresolved.append(n); continue }
            if !people.contains(where: { $0.person.id == who.person.id }) { people.append(who) }
            if let o = meeting.organizer, o.normalizedEmail == n { organizer = who }
        }
        return (people, organizer, unresolved)
    }

    mutating func chooseWho(_ known: (people: [ResolvedPerson], organizer: ResolvedPerson?, unresolved: [String])) -> ResolvedPerson {
        if let o = known.organizer {
            if known.people.count > 1 { note("E4", "organized by \(o.person.kind.rawValue) \(o.person.id): the Name", [.init("record", o.person.id)]) }
            return o
        }
        let first = known.people[0]
        if known.people.count > 1 {
            note("E4", "organized by a workspace user: the first known attendee \(first.person.id) is the Name", [.init("record", first.person.id)])
        }
        return first
    }

    mutating func planMeetingTask() {
        guard let meeting = activity.meeting else { note("S9", "meeting activity without a meeting"); return }
        let known = knownAttendees(meeting)
        guard !known.people.isEmpty else {
            if known.unresolved.isEmpty { note("E1", "no external attendee: nothing to relate") } else { waitFor(known.unresolved) }
            return
        }
        let who = chooseWho(known)
        let rule = activity.type == .meetingCanceled ? "S10" : "S9"
        note(rule, "subject format \(rule)")
        noteTemplate(rule)
        let subject = Subjects.meeting(activity.type, title: meeting.title ?? "", templates: policy.subjectTemplates)
        tasksFor(who, subject: subject, type: "Meeting", subtype: "Task")
    }

    /// E2: the Opportunity where the Contact is the primary contact role, else the Account.
    mutating func eventWhat(for who: KnownRecords.Person) -> String? {
        if who.kind == .lead {
            note("R7", "Lead \(who.id): no Related To", [.init("lead", who.id)])
            return nil
        }
        let primaries = records.opportunitiesByRole(contactId: who.id).filter { $0.1 }.map(\.0)
            .sorted { a, b in
                if a.isClosed != b.isClosed { return !a.isClosed }
                if a.modifiedAt != b.modifiedAt { return a.modifiedAt > b.modifiedAt }
                return a.id < b.id
            }
        if let opp = primaries.first {
            note("E2", "opportunity \(opp.id): the Contact is its primary contact role", [.init("opportunity", opp.id)])
            return opp.id
        }
        if let acc = who.accountId, records.isAliveAccount(acc) {
            note("E2", "no primary contact role: account \(acc)", [.init("account", acc)])
            return acc
        }
        note("E2", "no primary contact role and no known account: no Related To")
        return nil
    }

    /// Workspace users attending, the activity's user first (E3).
    func attendingUsers(_ meeting: Meeting) -> [WorkspacePolicy.User] {
        var ids = [user.id]
        var list = meeting.attendees
        if let o = meeting.organizer { list.append(o) }
        for a in list {
            if let id = policy.userByEmail[a.normalizedEmail], !ids.contains(id) { ids.append(id) }
        }
        return ids.compactMap { policy.users[$0] }
    }

    mutating func planCalendar() {
        guard let meeting = activity.meeting else { note("E1", "calendar activity without a meeting"); return }
        if meeting.calendar != "primary" {
            note("X7", "calendar \(meeting.calendar) is not the user's primary calendar", [.init("calendar", meeting.calendar)])
            return
        }
        if let series = meeting.recurringEventId, meeting.id != series {
            if let first = state.engagement.firstOccurrence[series], first != meeting.id {
                note("X7", "occurrence of recurring series \(series): only the first occurrence (\(first)) syncs",
                     [.init("series", series), .init("first", first)])
                return
            }
            note("X7", "first occurrence of recurring series \(series)", [.init("series", series)])
        }
        let known = knownAttendees(meeting)
        guard !known.people.isEmpty else {
            if known.unresolved.isEmpty { note("E1", "no Lead or Contact attends: no Event") } else { waitFor(known.unresolved) }
            return
        }
        let who = chooseWho(known)
        note("E1", "\(known.people.count) known Lead/Contact attendee(s): an Event", [.init("who", who.person.id)])
        let what = eventWhat(for: who.person)
        let (subject, cut) = Subjects.fit(meeting.title ?? "")
        if cut { note("S19", "title longer than 255 characters: cut, the full text is in Description") }
        for u in attendingUsers(meeting) {
            if let r = u.role, !r.log.meetings {
                note("X4", "meetings logging is off for \(u.id)'s role \(r.roleName): no Event for them", [.init("user", u.id)])
                continue
            }
            if u.id != user.id { note("E3", "workspace user \(u.id) attends: their own Event", [.init("user", u.id)]) }
            let key = SyncKey.calendarEvent(workspace: activity.workspace, meetingId: meeting.id, userId: u.id)
            guard plannedKeys.insert(key).inserted else { continue }
            var fields: [WriteField] = []
            add("Subject", .string(subject), to: &fields, object: .event)
            if cut { add("Description", .string(meeting.title ?? ""), to: &fields, object: .event) }
            add("WhoId", .string(who.person.id), to: &fields, object: .event)
            if let what { add("WhatId", .string(what), to: &fields, object: .event) }
            add("OwnerId", .string(u.salesforceUserId), to: &fields, object: .event)
            add("Type", .string("Meeting"), to: &fields, object: .event)
            let start = meeting.start ?? activity.occurredAt
            if meeting.allDay {
                let startDate = TimeZoneRules.localDate(offsetMinutes: 0, at: start)
                let endDate = meeting.end.map { TimeZoneRules.localDate(offsetMinutes: 0, at: $0) } ?? startDate
                let days = max(1, endDate.daysSinceEpoch - startDate.daysSinceEpoch)
                add("IsAllDayEvent", .bool(true), to: &fields, object: .event)
                add("ActivityDate", .date(startDate), to: &fields, object: .event)
                add("DurationInMinutes", .int(Int64(days * 1440)), to: &fields, object: .event)
            } else {
                add("IsAllDayEvent", .bool(false), to: &fields, object: .event)
                add("StartDateTime", .dateTime(start), to: &fields, object: .event)
                add("EndDateTime", .dateTime(meeting.end ?? start), to: &fields, object: .event)
                add("ActivityDate", .date(activityDate(start, zone: u.timeZone)), to: &fields, object: .event)
            }
            addCommon(key: key, time: start, to: &fields, object: .event)
            if state.outbox.entries[key] != nil { note("E5", "calendar event \(meeting.id) changed: the same Event is updated", [.init("user", u.id)]) }
            writes.append(PlannedWrite(syncKey: key, object: .event, operation: .upsert, fields: fields))
        }
    }

    mutating func planCalendarDelete() {
        guard let meeting = activity.meeting else { note("E5", "calendar deletion without a meeting"); return }
        for uid in policy.users.keys.sorted() {
            let key = SyncKey.calendarEvent(workspace: activity.workspace, meetingId: meeting.id, userId: uid)
            guard let e = state.outbox.entries[key], e.write.operation == .upsert, e.state != .superseded else { continue }
            var fields: [WriteField] = []
            if let sf = e.salesforceId { fields.append(WriteField("Id", .string(sf))) }
            if org.taskExternalIdFields.contains(policy.syncKeyField.lowercased()) {
                fields.append(WriteField(policy.syncKeyField, .string(key)))
            }
            note("E5", "calendar event \(meeting.id) canceled: \(uid)'s Event is deleted", [.init("user", uid), .init("syncKey", key)])
            writes.append(PlannedWrite(syncKey: key, object: .event, operation: .delete, fields: fields))
        }
        if writes.isEmpty { note("E5", "calendar event \(meeting.id) canceled, but no Event was planned for it: nothing to delete") }
    }

    // MARK: tasks and calls (S13-S17, T3)

    /// Who for a task or call; nil with reasons when it must wait (R5).
    mutating func taskWho(_ person: Person?) -> (ok: Bool, who: ResolvedPerson?) {
        guard let person else { return (true, nil) }
        let n = person.normalizedEmail
        if let ex = policy.exclusion(of: n) { reasons.append(ex); return (false, nil) }
        if let who = resolve(n) { return (true, who) }
        if role?.syncUnresolved ?? false {
            note("R5", "\(n) matches no Lead or Contact: logged without a Name (sync unresolved is on)", [.init("address", n)])
            return (true, nil)
        }
        waitFor([n])
        return (false, nil)
    }

    /// One Task per task/call (T3): the first What of R6; the others are noted.
    mutating func singleWhat(_ who: ResolvedPerson?) -> String? {
        guard let who else { return nil }
        let all = whats(for: who.person)
        if all.count > 1 {
            note("T3", "one Task per task: related to \(all[0] ?? "nothing"); \(all.count - 1) other Related To not used")
        }
        return all.first ?? nil
    }

    mutating func planTask() {
        guard let t = activity.task else { note("S13", "task activity without a task"); return }
        if t.kind == .email {
            note("T3", "email tasks are not synced when created; they sync as Sent (New) when the email is sent")
            return
        }
        let (ok, who) = taskWho(t.person)
        guard ok else { return }
        if t.person == nil { note("T3", "task without a person: no Name") }
        let rule: String
        let type: String
        let subtype: String
        switch t.kind {
        case .todo, .email: (rule, type, subtype) = ("S13", "Task", "Task")
        case .linkedinConnect: (rule, type, subtype) = ("S14", "Task", "Task")
        case .linkedinInmail: (rule, type, subtype) = ("S15", "Task", "Task")
        case .call: (rule, type, subtype) = ("S17", "Call", "Call")
        }
        note(rule, "subject format \(rule)")
        noteTemplate(rule)
        let key = SyncKey.task(workspace: activity.workspace, taskId: t.id)
        if state.outbox.entries[key] != nil { note("T3", "task \(t.id) changed: the same Task is updated", [.init("task", t.id)]) }
        let what = singleWhat(who)
        let subject = Subjects.task(t, templates: policy.subjectTemplates)
        task(key: key, subject: subject, who: who.map { .single($0.person.id) } ?? .none, whatId: what,
             type: type, subtype: subtype, status: t.status == .completed ? "Completed" : "Not Started", date: t.dueDate)
    }

    mutating func planCall() {
        guard let c = activity.call else { note("S16", "call activity without a call"); return }
        let (ok, who) = taskWho(c.person)
        guard ok else { return }
        note("S16", "subject format S16")
        noteTemplate("S16")
        let name = c.person.name ?? who?.person.name ?? c.person.normalizedEmail
        var extra: [WriteField] = []
        if let d = c.durationSeconds { extra.append(WriteField("CallDurationInSeconds", .int(Int64(d)))) }
        if let d = c.disposition { extra.append(WriteField("CallDisposition", .string(d))) }
        let key = SyncKey.make(["call", activity.workspace, c.id])
        let what = singleWhat(who)
        let subject = Subjects.call(
            personName: name, phone: c.phone, phoneField: c.phoneField, templates: policy.subjectTemplates)
        task(key: key, subject: subject, description: c.notes,
             who: who.map { .single($0.person.id) } ?? .none, whatId: what, type: "Call", subtype: "Call", extra: extra)
    }
}
