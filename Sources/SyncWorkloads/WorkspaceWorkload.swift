public import SyncDomain

/// A deterministic, seeded workspace: configuration, Task describe, an org of
/// Accounts, Contacts, Leads, Opportunities, contact roles and custom records
/// (as change events), then activities of every type over time, interleaved with
/// record changes (new Contacts for unresolved addresses, conversions, merges,
/// updates, deletions). Produced as a stream, so a million events need no memory.
///
/// ```swift
/// var loop = SyncLoop(keepEvents: false)
/// for event in WorkspaceWorkload(WorkspaceWorkload.Shape(accounts: 100, activities: 5_000)) { loop.append(event) }
/// ```
public struct WorkspaceWorkload: Sequence, Sendable {
    public struct Shape: Sendable {
        public var seed: UInt64 = 42
        public var workspace = "acme"
        public var users = 20
        public var accounts = 1_000
        public var contactsPerAccount = 5
        public var leads = 2_000
        public var opportunitiesPerAccount = 1
        public var customRecords = 500
        /// Activities to generate (record changes come on top, about 1 per 50 activities).
        public var activities = 10_000
        public var sharedActivities = false
        public var activityDateTimeField = true
        /// Mean milliseconds between activities.
        public var meanGapMilliseconds: Int64 = 1_500
        /// Updates of records already known, per 100 activities, on top of the record changes
        /// above: a Contact renamed (same address) or an Account renamed. They add events but no
        /// records and no messages, so a fold's state should not grow with them.
        public var recordUpdatesPer100Activities = 0

        public init(
            seed: UInt64 = 42, workspace: String = "acme", users: Int = 20, accounts: Int = 1_000, contactsPerAccount: Int = 5,
            leads: Int = 2_000, opportunitiesPerAccount: Int = 1, customRecords: Int = 500, activities: Int = 10_000,
            sharedActivities: Bool = false, activityDateTimeField: Bool = true, meanGapMilliseconds: Int64 = 1_500,
            recordUpdatesPer100Activities: Int = 0
        ) {
            self.seed = seed
            self.workspace = workspace
            self.users = users
            self.accounts = accounts
            self.contactsPerAccount = contactsPerAccount
            self.leads = leads
            self.opportunitiesPerAccount = opportunitiesPerAccount
            self.customRecords = customRecords
            self.activities = activities
            self.sharedActivities = sharedActivities
            self.activityDateTimeField = activityDateTimeField
            self.meanGapMilliseconds = meanGapMilliseconds
            self.recordUpdatesPer100Activities = recordUpdatesPer100Activities
        }

        /// Records the org starts with.
        public var initialRecords: Int {
            accounts * (1 + contactsPerAccount + 2 * opportunitiesPerAccount) + leads + customRecords
        }
    }

    public let shape: Shape
    public init(_ shape: Shape) { self.shape = shape }

    /// The configuration the workload starts with: two roles with different settings.
    public var configuration: WorkspaceConfiguration {
        let users = (1...shape.users).map { n in
            Fixtures.user(n, role: n % 4 == 0 ? "managers" : "sales",
                          timeZone: ["America/Los_Angeles", "America/New_York", "Europe/London", "Asia/Tokyo"][n % 4])
        }
        return Fixtures.configuration(
            workspace: shape.workspace,
            roles: [
                "sales": Fixtures.role(firstOnly: true, syncUnresolved: false,
                                       custom: [CustomObjectLink(object: "Project__c", lookupFields: ["Contact__c"])]),
                "managers": Fixtures.role(firstOnly: false, syncUnresolved: true, allAccount: true, closed: true),
            ],
            users: users, internalDomains: ["acme.com"], excludedAddresses: ["ceo-personal@gmail.com"],
            excludedDomains: ["partner-agency.com"])
    }

    public func contactEmail(_ n: Int) -> String { "c\(n)@acct\(n / Swift.max(shape.contactsPerAccount, 1)).example.com" }
    public func leadEmail(_ n: Int) -> String { "lead\(n)@prospect\(n % 997).example.org" }
    public func unknownEmail(_ n: Int) -> String { "new\(n)@unknown\(n % 499).example.net" }

    public func makeIterator() -> Iterator { Iterator(shape: shape, workload: self) }

    public struct Iterator: IteratorProtocol, Sendable {
        let shape: Shape
        let workload: WorkspaceWorkload
        var random: SeededRandom
        var setup: [EventEnvelope] = []
        var setupIndex = 0
        var phase = 0
        var recordIndex = 0
        var activityIndex = 0
        var time: Timestamp
        var pending: [EventEnvelope] = []
        /// Recent sent messages (bounded ring) for opens/clicks/replies.
        var recentMessages: [Message] = []
        var recentMeetings: [(Meeting, String)] = []
        var unknownIssued = 0
        var unknownResolved = 0
        var nextContact: Int
        var nextLead: Int
        var converted = 0
        var taskEdits: [(ActivityTask, String)] = []
        /// Record updates owed (hundredths), from `recordUpdatesPer100Activities`, drawn from
        /// a generator of their own so the activities are the same with or without them.
        var updatesOwed = 0
        var updatesMade = 0
        var updateRandom: SeededRandom

        init(shape: Shape, workload: WorkspaceWorkload) {
            self.shape = shape
            self.workload = workload
            random = SeededRandom(seed: shape.seed)
            updateRandom = SeededRandom(seed: shape.seed ^ 0x5eed_0f_da7e5)
            time = Timestamp(rfc3339: "2026-11-01T08:00:00Z")!
            nextContact = shape.accounts * shape.contactsPerAccount
            nextLead = shape.leads
            setup = [
                Fixtures.configured(workload.configuration, at: time),
                Fixtures.describe(workspace: shape.workspace, activityDateTime: shape.activityDateTimeField,
                                  sharedActivities: shape.sharedActivities, at: time),
            ]
        }

        public mutating func next() -> EventEnvelope? {
            if setupIndex < setup.count { setupIndex += 1; return setup[setupIndex - 1] }
            if !pending.isEmpty { return pending.removeFirst() }
            if let r = nextRecord() { return r }
            guard activityIndex < shape.activities else { return nil }
            activityIndex += 1
            time = time.adding(milliseconds: Int64(random.below(Int(2 * shape.meanGapMilliseconds) + 1)))
            if activityIndex % 50 == 0, let change = recordChange() { pending.append(change) }
            updatesOwed += shape.recordUpdatesPer100Activities
            var updates = 0
            while updatesOwed >= 100 {
                updatesOwed -= 100
                updates += 1
                pending.append(recordUpdate(stamped: time.adding(milliseconds: Int64(updates))))
            }
            return makeActivity()
        }

        // MARK: initial org, one record per call

        mutating func nextRecord() -> EventEnvelope? {
            let ws = shape.workspace
            let t = time
            while phase < 6 {
                let i = recordIndex
                recordIndex += 1
                switch phase {
                case 0 where i < shape.accounts:
                    return Fixtures.account(i, workspace: ws, at: t)
                case 1 where i < shape.accounts * shape.contactsPerAccount:
                    return Fixtures.contact(i, email: workload.contactEmail(i), account: i / shape.contactsPerAccount, workspace: ws,
                                            at: t.adding(milliseconds: Int64(i % 1000)))
                case 2 where i < shape.leads:
                    return Fixtures.lead(i, email: workload.leadEmail(i), workspace: ws, at: t)
                case 3 where i < shape.accounts * shape.opportunitiesPerAccount:
                    let account = i / shape.opportunitiesPerAccount
                    return Fixtures.opportunity(i, account: account, owner: 1 + i % shape.users, closed: i % 7 == 0, workspace: ws, at: t)
                case 4 where i < shape.accounts * shape.opportunitiesPerAccount:
                    let account = i / shape.opportunitiesPerAccount
                    return Fixtures.contactRole(i, contact: account * shape.contactsPerAccount + i % shape.contactsPerAccount,
                                                opportunity: i, primary: i % 3 != 2, workspace: ws, at: t)
                case 5 where i < shape.customRecords:
                    let contact = (i * 7) % Swift.max(shape.accounts * shape.contactsPerAccount, 1)
                    return Fixtures.customRecord("Project__c", i, lookups: [("Contact__c", Fixtures.id("003", contact))], workspace: ws, at: t)
                default:
                    phase += 1
                    recordIndex = 0
                }
            }
            return nil
        }

        // MARK: record changes during the day

        mutating func recordChange() -> EventEnvelope? {
            let ws = shape.workspace
            let t = time
            switch random.below(10) {
            case 0...3 where unknownResolved < unknownIssued:
                // An unresolved address gets its Contact (R5 re-plan).
                let n = unknownResolved
                unknownResolved += 1
                let id = nextContact
                nextContact += 1
                return Fixtures.contact(id, email: workload.unknownEmail(n), account: random.below(shape.accounts), workspace: ws, at: t)
            case 4 where converted < shape.leads:
                let lead = converted * 3 % shape.leads
                converted += 1
                let id = nextContact
                nextContact += 1
                pending.append(Fixtures.converted(lead: lead, contact: id, workspace: ws, at: t))
                return Fixtures.contact(id, email: workload.leadEmail(lead), account: random.below(shape.accounts), workspace: ws, at: t)
            case 5:
                let c = random.below(shape.accounts * shape.contactsPerAccount)
                return Fixtures.contact(c, email: workload.contactEmail(c), account: c / shape.contactsPerAccount, type: .update, workspace: ws, at: t)
            case 6:
                let o = random.below(shape.accounts * shape.opportunitiesPerAccount)
                return Fixtures.change("Opportunity", [("Id", .string(Fixtures.id("006", o))), ("IsClosed", .bool(true))], type: .update,
                                       workspace: ws, at: t, eventId: "sf/\(ws)/close/\(o)/\(t.millisecondsSinceEpoch)")
            case 7:
                // A duplicate Contact for an existing address, then merged into the original (R2, R4).
                let c = random.below(shape.accounts * shape.contactsPerAccount)
                let dup = nextContact
                nextContact += 1
                pending.append(Fixtures.merged(master: Fixtures.id("003", c), merged: [Fixtures.id("003", dup)], workspace: ws, at: t))
                return Fixtures.contact(dup, email: workload.contactEmail(c).uppercased(), account: c / shape.contactsPerAccount, workspace: ws, at: t)
            case 8:
                // A Lead with the address of an existing Contact (R2: the Contact wins).
                let c = random.below(shape.accounts * shape.contactsPerAccount)
                let lead = nextLead
                nextLead += 1
                return Fixtures.lead(lead, email: workload.contactEmail(c), workspace: ws, at: t)
            default:
                return nil
            }
        }

        /// A known Contact or Account renamed: an event about a record already held, which changes
        /// no address, owner or relation. The new names are as short as the old ones (up to 15
        /// bytes, which Swift keeps inline), so a state holding them is no bigger.
        mutating func recordUpdate(stamped: Timestamp) -> EventEnvelope {
            let ws = shape.workspace
            updatesMade += 1
            if updatesMade % 3 == 0 {
                let a = updateRandom.below(shape.accounts)
                return Fixtures.change("Account", [("Id", .string(Fixtures.id("001", a))), ("Name", .string("A\(a)-\(updatesMade % 100)")),
                                                   ("SystemModstamp", Fixtures.stamp(stamped))],
                                       type: .update, workspace: ws, at: time, eventId: "sf/\(ws)/rename/\(updatesMade)")
            }
            let c = updateRandom.below(shape.accounts * shape.contactsPerAccount)
            return Fixtures.change("Contact", [("Id", .string(Fixtures.id("003", c))), ("Email", .string(workload.contactEmail(c))),
                                               ("LastName", .string("C\(c)-\(updatesMade % 100)")), ("SystemModstamp", Fixtures.stamp(stamped)),
                                               ("AccountId", .string(Fixtures.id("001", c / shape.contactsPerAccount)))],
                                   type: .update, workspace: ws, at: time, eventId: "sf/\(ws)/rename/\(updatesMade)")
        }

        // MARK: activities

        mutating func recipientAddress() -> String {
            let r = random.below(100)
            switch r {
            case 0..<65: return workload.contactEmail(random.below(shape.accounts * shape.contactsPerAccount))
            case 65..<80: return workload.leadEmail(random.below(shape.leads))
            case 80..<88:
                unknownIssued += 1
                return workload.unknownEmail(unknownIssued - 1)
            case 88..<91: return ["noreply", "support", "info+x", "notifications"][random.below(4)] + "@vendor\(random.below(50)).com"
            case 91..<94: return "user\(1 + random.below(shape.users))@acme.com"
            case 94..<96: return "someone\(random.below(100))@partner-agency.com"
            case 96: return "ceo-personal@gmail.com"
            default: return workload.contactEmail(random.below(shape.accounts * shape.contactsPerAccount)).uppercased() + " "
            }
        }

        mutating func makeActivity() -> EventEnvelope {
            let ws = shape.workspace
            let n = activityIndex
            let id = "act_\(n)"
            let user = 1 + random.below(shape.users)
            let userId = "u_\(user)"
            let from = "user\(user)@acme.com"
            let roll = random.below(100)
            var a: Activity
            func seq(_ r: inout SeededRandom) -> SequenceRef? {
                r.chance(30) ? SequenceRef(id: "seq_\(r.below(20))", name: "Sequence \(r.below(20))", stage: 1 + r.below(5)) : nil
            }
            switch roll {
            case 0..<28:
                let toCount = random.chance(15) ? 2 + random.below(shape.sharedActivities ? 60 : 4) : 1
                let to = (0..<toCount).map { _ in recipientAddress() }
                let cc = random.chance(10) ? [recipientAddress()] : []
                let bcc = random.chance(10) ? [recipientAddress()] : []
                let m = Fixtures.message("msg_\(n)", subject: "Subject \(n % 1000)", from: from, to: to, cc: cc, bcc: bcc,
                                         isReply: random.chance(30), sentWithProduct: !random.chance(3), sequence: seq(&random))
                recentMessages.append(m)
                if recentMessages.count > 4_096 { recentMessages.removeFirst(1_024) }
                a = Fixtures.activity(id, .emailSent, user: userId, workspace: ws, at: time, message: m)
            case 28..<60 where !recentMessages.isEmpty:
                let m = recentMessages[random.below(recentMessages.count)]
                let types: [ActivityType] = [.emailOpened, .emailOpened, .emailOpened, .emailClicked, .emailClicked, .emailDownloaded, .emailReplied, .emailBounced]
                let type = types[random.below(types.count)]
                let recipient: String? = random.chance(10) ? nil : m.to[random.below(m.to.count)].email
                a = Fixtures.activity(id, type, user: userId, workspace: ws, at: time, message: m, recipient: recipient,
                                      url: type == .emailClicked ? "https://acme.com/pricing?\(random.below(10))" : nil,
                                      fileName: type == .emailDownloaded ? "Proposal \(random.below(10)).pdf" : nil)
            case 60..<68:
                let m = Fixtures.message("msg_in_\(n)", subject: "Re: Subject \(n % 1000)", from: recipientAddress(), to: [from])
                a = Fixtures.activity(id, .emailReceived, user: userId, workspace: ws, at: time, message: m)
            case 68..<76:
                let update = !recentMeetings.isEmpty && random.chance(25)
                let deleted = update && random.chance(20)
                let meeting: Meeting
                if update {
                    let (old, _) = recentMeetings[random.below(recentMeetings.count)]
                    meeting = Meeting(id: old.id, title: (old.title ?? "") + " (moved)", start: old.start?.adding(milliseconds: 3_600_000),
                                      end: old.end?.adding(milliseconds: 3_600_000), allDay: old.allDay, organizer: old.organizer,
                                      attendees: old.attendees, calendar: old.calendar, recurringEventId: old.recurringEventId)
                } else {
                    let attendees = (0..<(1 + random.below(3))).map { _ in recipientAddress() } + (random.chance(20) ? ["user\(1 + random.below(shape.users))@acme.com"] : [])
                    let series: String? = random.chance(10) ? "series_\(random.below(200))" : nil
                    meeting = Fixtures.meeting("cal_\(n)", title: "Meeting \(n % 500)", start: time.adding(milliseconds: 86_400_000),
                                               allDay: random.chance(5), organizer: random.chance(70) ? from : attendees[0], attendees: attendees,
                                               calendar: random.chance(5) ? "team" : "primary", recurringEventId: series)
                    recentMeetings.append((meeting, userId))
                    if recentMeetings.count > 2_048 { recentMeetings.removeFirst(512) }
                }
                a = Fixtures.activity(id, deleted ? .calendarDeleted : .calendarUpserted, user: userId, workspace: ws, at: time, meeting: meeting)
            case 76..<80 where !recentMeetings.isEmpty:
                let (m, _) = recentMeetings[random.below(recentMeetings.count)]
                a = Fixtures.activity(id, random.chance(80) ? .meetingConfirmed : .meetingCanceled, user: userId, workspace: ws, at: time, meeting: m)
            case 80..<90:
                let kinds: [ActivityTask.Kind] = [.todo, .todo, .call, .linkedinConnect, .linkedinInmail, .email]
                let edit = !taskEdits.isEmpty && random.chance(30)
                var task: ActivityTask
                var owner = userId
                if edit {
                    let (t, u) = taskEdits[random.below(taskEdits.count)]
                    task = t
                    task.status = .completed
                    owner = u
                } else {
                    task = ActivityTask(id: "task_\(n)", kind: kinds[random.below(kinds.count)], subject: "Follow up \(n % 300)",
                                        status: .open, dueDate: LocalDate(year: 2026, month: 12, day: 1 + random.below(28)),
                                        stage: 1 + random.below(4), person: random.chance(90) ? Fixtures.person(recipientAddress()) : nil)
                    taskEdits.append((task, userId))
                    if taskEdits.count > 2_048 { taskEdits.removeFirst(512) }
                }
                a = Fixtures.activity(id, .taskUpserted, user: owner, workspace: ws, at: time, task: task)
            default:
                let call = Call(id: "call_\(n)", person: Fixtures.person(recipientAddress(), "Person \(n % 100)"), phone: "+1 415 555 \(1000 + random.below(9000))",
                                phoneField: "Phone", durationSeconds: 30 + random.below(600), disposition: "Connected", notes: "Discussed pricing")
                a = Fixtures.activity(id, .callLogged, user: userId, workspace: ws, at: time, call: call)
            }
            return Fixtures.envelope(a, recordedAt: time)
        }
    }
}

extension WorkspaceWorkload.Shape {
    /// The benchmarks' workspace (PlannerBenchmarks, ReplayBenchmarks): about `records` known
    /// records (a tenth of them Accounts with five Contacts and an Opportunity each, 15% Leads,
    /// 5% custom records), 50 users, and an activity every 2 s on average, `activities` of them
    /// (by default until the caller stops reading).
    public static func benchmark(records: Int, activities: Int = Int.max / 4, recordUpdatesPer100Activities: Int = 0) -> Self {
        Self(seed: 1, users: 50, accounts: records / 10, contactsPerAccount: 5, leads: records * 15 / 100,
             customRecords: records / 20, activities: activities, meanGapMilliseconds: 2_000,
             recordUpdatesPer100Activities: recordUpdatesPer100Activities)
    }
}
