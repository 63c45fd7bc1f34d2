import PropertyBased
import SyncDomain

/// Random but valid model values for the property tests: every event type,
/// with strings that include non-ASCII text, empty lists, absent optionals.
struct ModelRandom {
    var rng: any SeededRandomNumberGenerator

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func bool() -> Bool { Bool.random(using: &rng) }
    mutating func maybe<T>(_ make: (inout ModelRandom) -> T) -> T? { bool() ? make(&self) : nil }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    mutating func list<T>(_ range: ClosedRange<Int>, _ make: (inout ModelRandom) -> T) -> [T] {
        (0..<int(range)).map { _ in make(&self) }
    }

    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    static let textPieces = ["Pricing", " for ", "2027", "Ünïcödé", "日本語", "emoji 🎉", "\"quoted\"", "back\\slash", "tab\t", "line\nbreak", "", "x"]

    mutating func token(_ range: ClosedRange<Int> = 1...12) -> String {
        String((0..<int(range)).map { _ in pick(Self.alphabet) })
    }

    /// Letters and digits only (workspace names, domain labels).
    mutating func alnum(_ range: ClosedRange<Int> = 1...10) -> String {
        String((0..<int(range)).map { _ in pick(Array("abcdefghijklmnopqrstuvwxyz0123456789")) })
    }

    mutating func text() -> String { (0..<int(0...4)).map { _ in pick(Self.textPieces) }.joined() }

    mutating func sfid(_ prefix: String = "003") -> String {
        prefix + String((0..<15).map { _ in pick(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")) })
    }

    mutating func email() -> String {
        alnum() + (bool() ? "+tag" : "") + "@" + alnum(1...8) + "." + pick(["com", "io", "co.uk"])
    }

    mutating func timestamp() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64(int(0...4_102_444_800_000)))
    }

    /// Whole seconds, for JSON round trips of fields written without fractions.
    mutating func timestampSeconds() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64(int(0...4_102_444_800)) * 1000)
    }

    mutating func person() -> Person { Person(email: email(), name: maybe { $0.text() }) }

    mutating func message() -> Message {
        Message(
            id: token(), threadId: maybe { $0.token() }, rfc822Id: maybe { "<\($0.token())@mail.example.com>" },
            subject: text(), from: person(), to: list(0...3) { $0.person() }, cc: list(0...2) { $0.person() },
            bcc: list(0...2) { $0.person() }, isReply: bool(), sentWithProduct: bool(),
            client: maybe { $0.pick(["gmail", "outlook"]) },
            sequence: maybe { SequenceRef(id: $0.token(), name: $0.text(), stage: $0.int(0...20)) })
    }

    mutating func meeting(full: Bool) -> Meeting {
        let start = timestampSeconds()
        return Meeting(
            id: token(), title: full ? text() : nil, start: full ? start : nil,
            end: full ? start.adding(milliseconds: 1_800_000) : nil, allDay: bool(), organizer: maybe { $0.person() },
            attendees: full ? list(0...4) { $0.person() } : [], calendar: pick(["primary", "team", "holidays"]),
            recurringEventId: maybe { $0.token() }, scheduledWithProduct: bool())
    }

    mutating func activity(_ type: ActivityType? = nil) -> Activity {
        let type = type ?? pick(ActivityType.allCases)
        var a = Activity(
            id: token(), workspace: alnum(), type: type, occurredAt: timestamp(),
            occurredAtOffsetMinutes: pick([0, 0, -480, 330, 60]), userId: token())
        switch type {
        case .emailSent, .emailReceived, .emailOpened, .emailClicked, .emailDownloaded, .emailReplied, .emailBounced:
            a.message = message()
            if type == .emailReplied || type == .emailBounced {
                a.recipient = person()
            } else if type.carriesRecipient {
                a.recipient = maybe { $0.person() }
            }
            if type == .emailClicked { a.url = "https://example.com/" + token() }
            if type == .emailDownloaded { a.fileName = text() + ".pdf" }
        case .meetingConfirmed, .meetingCanceled, .calendarUpserted:
            a.meeting = meeting(full: true)
        case .calendarDeleted:
            a.meeting = meeting(full: false)
        case .taskUpserted:
            a.task = ActivityTask(
                id: token(), kind: pick(ActivityTask.Kind.allCases), subject: text(),
                status: pick(ActivityTask.Status.allCases),
                dueDate: maybe { LocalDate(daysSinceEpoch: $0.int(0...40_000)) }, stage: maybe { $0.int(0...9) },
                person: maybe { $0.person() })
        case .callLogged:
            a.call = Call(
                id: token(), person: person(), phone: maybe { "+1 555 \($0.int(1000...9999))" },
                phoneField: maybe { $0.pick(["Phone", "MobilePhone"]) }, durationSeconds: maybe { $0.int(0...7200) },
                disposition: maybe { $0.text() }, notes: maybe { $0.text() })
        }
        return a
    }

    mutating func jsonScalar() -> JSONValue {
        switch int(0...4) {
        case 0: return .null
        case 1: return .bool(bool())
        case 2: return .number(Double(int(-1_000_000...1_000_000)))
        case 3: return .number(Double(int(0...100_000)) / 100)
        default: return .string(text())
        }
    }

    mutating func record() -> SalesforceRecord {
        var fields = [SalesforceRecord.Field("Id", .string(sfid()))]
        for i in 0..<int(0...6) { fields.append(.init("Field\(i)__c", jsonScalar())) }
        return SalesforceRecord(fields: fields)
    }

    mutating func roleSettings() -> RoleSettings {
        RoleSettings(
            log: LogSettings(
                sent: bool(), received: bool(), opened: bool(), replied: bool(), clicked: bool(), downloaded: bool(),
                bounced: bool(), meetings: bool(), tasks: bool()),
            firstOnly: bool(), syncUnresolved: bool(), syncAllMessages: bool(),
            relatedObjects: RelatedObjects(
                standard: bool(), onlyOwnedOpportunities: bool(), allAccountOpportunities: bool(),
                closedOpportunities: bool(), rollupToPrimaryAccount: bool(),
                custom: list(0...2) { CustomObjectLink(object: "Project\($0.int(0...9))__c", lookupFields: ["Contact__c"]) }),
            membersManageOwnSettings: bool())
    }

    mutating func configuration() -> WorkspaceConfiguration {
        let roles = ["sales", "sdr", "cs"].prefix(int(1...3)).map { NamedRole(name: $0, settings: roleSettings()) }
        var users: [UserMapping] = []
        for i in 0..<int(0...4) {
            users.append(
                UserMapping(
                    id: "u_\(i)", email: "user\(i)@acme.com", salesforceUserId: sfid("005"),
                    role: maybe { $0.pick(roles).name }, timeZone: pick(["America/Los_Angeles", "Europe/Paris", "UTC"]),
                    settings: maybe { RoleOverrides(log: $0.maybe { LogOverrides(sent: $0.maybe { $0.bool() }, clicked: $0.maybe { $0.bool() }) }, firstOnly: $0.maybe { $0.bool() }) }))
        }
        return WorkspaceConfiguration(
            workspace: alnum(), internalDomains: list(0...2) { $0.alnum(1...8) + ".com" },
            excludedAddresses: list(0...2) { $0.email() }, excludedDomains: list(0...2) { $0.alnum(1...8) + ".org" },
            systemLocalParts: maybe { $0.list(0...3) { $0.alnum() } }, defaultRole: roles[0].name,
            roles: Array(roles), users: users,
            salesforce: maybe {
                SalesforceConnection(
                    instanceUrl: "https://127.0.0.1:8443", loginUrl: "https://127.0.0.1:8443", sandbox: $0.bool(),
                    apiVersion: "62.0",
                    auth: SalesforceAuth(kind: .refreshToken, clientId: $0.token(), refreshTokenFile: "/run/secrets/rt"),
                    apiReservePercent: $0.int(0...100))
            },
            schedule: maybe { Schedule(pollMinutes: $0.int(1...120), sweepDays: $0.int(1...30)) },
            server: maybe { Server(listen: "127.0.0.1:\($0.int(1024...65535))", ingestTokenFile: "/run/secrets/ingest") },
            subjectTemplates: ["S4", "S1", "S16"].prefix(int(0...3)).map {
                SubjectTemplate(rule: $0, template: "{{" + alnum() + "}} " + SubjectTemplateSyntax.defaults[$0]!)
            })
    }

    mutating func fieldValue() -> FieldValue {
        switch int(0...6) {
        case 0: return .string(text())
        case 1: return .date(LocalDate(daysSinceEpoch: int(0...40_000)))
        case 2: return .dateTime(timestamp())
        case 3: return .bool(bool())
        case 4: return .int(Int64(int(-1_000_000...1_000_000)))
        case 5: return .idList(list(0...3) { $0.sfid() })
        default: return .null
        }
    }

    mutating func plannedWrite() -> PlannedWrite {
        PlannedWrite(
            syncKey: token(20...40), object: pick(WriteObject.allCases), operation: pick(WriteOperation.allCases),
            fields: list(0...8) { WriteField($0.pick(["Subject", "WhoId", "WhatId", "OwnerId", "ActivityDate"]), $0.fieldValue()) })
    }

    mutating func reason() -> Reason {
        Reason(rule: pick(["X1", "R6", "D2", "S1"]), text: text(), data: list(0...3) { Reason.Datum($0.token(), $0.text()) })
    }

    /// One random event of every kind the domain knows, chosen uniformly.
    mutating func event() -> DomainEvent {
        switch int(0...19) {
        case 0: return .activity(activity())
        case 1: return .workspaceConfigured(WorkspaceConfigured(configuration: configuration()))
        case 2:
            return .salesforceRecordChanged(
                SalesforceRecordChange(
                    object: pick(["Contact", "Lead", "Account", "Opportunity"]), changeType: pick(ChangeType.allCases),
                    record: record(), source: pick(ChangeSource.allCases), commitTimestamp: maybe { $0.timestamp() }))
        case 3:
            return .salesforceRecordDeleted(
                SalesforceRecordDeleted(object: "Contact", recordId: sfid(), deletedAt: maybe { $0.timestamp() }, source: pick(ChangeSource.allCases)))
        case 4:
            return .salesforceRecordsMerged(
                SalesforceRecordsMerged(object: "Contact", masterId: sfid(), mergedIds: list(1...3) { $0.sfid() }, source: .poll))
        case 5:
            return .leadConverted(
                LeadConverted(
                    leadId: sfid("00Q"), contactId: sfid(), accountId: maybe { $0.sfid("001") },
                    opportunityId: maybe { $0.sfid("006") }, convertedAt: maybe { $0.timestamp() }, source: .realtime))
        case 6:
            return .describeObserved(
                DescribeObserved(
                    object: pick(["Task", "Event"]),
                    fields: list(0...5) {
                        DescribedField(name: $0.token(), type: $0.pick(["string", "datetime", "reference"]), externalId: $0.bool(), unique: $0.bool(), createable: $0.bool(), updateable: $0.bool())
                    }, hiddenFields: list(0...2) { $0.token() }))
        case 7:
            return .orgSettingsObserved(
                OrgSettingsObserved(
                    organizationId: maybe { $0.sfid("00D") }, sandbox: maybe { $0.bool() }, sharedActivities: maybe { $0.bool() },
                    dailyApiLimit: maybe { $0.int(0...1_000_000) }, dailyApiRemaining: maybe { $0.int(0...1_000_000) }))
        case 8: return .pollCursorAdvanced(PollCursorAdvanced(object: "Contact", systemModstamp: timestamp(), lastId: sfid()))
        case 9: return .auditCursorAdvanced(AuditCursorAdvanced(object: "Lead", lastId: maybe { $0.sfid() }, completed: bool()))
        case 10: return .sweepCursorAdvanced(SweepCursorAdvanced(object: "Account", sweptThrough: timestamp()))
        case 11:
            return .activityPlanned(
                ActivityPlanned(
                    activityId: token(), activityPosition: UInt64(int(0...Int.max)), writes: list(0...3) { $0.plannedWrite() },
                    reasons: list(0...4) { $0.reason() }, status: pick(ActivityStatus.allCases)))
        case 12: return .writeDispatching(WriteDispatching(syncKey: token(), attempt: int(1...10)))
        case 13:
            return .writeSucceeded(
                WriteSucceeded(syncKey: token(), salesforceId: sfid("00T"), created: bool(), request: text(), response: text()))
        case 14:
            return .writeFailed(
                WriteFailed(
                    syncKey: token(), failureClass: pick(FailureClass.allCases), errorCode: "UNABLE_TO_LOCK_ROW",
                    message: text(), attempt: int(1...10), nextAttemptAt: maybe { $0.timestamp() }))
        case 15: return .writeRequeued(WriteRequeued(syncKey: token(), reason: text()))
        case 16:
            return .duplicateDelivery(
                DuplicateDelivery(activityId: token(), bodyDiffers: bool(), source: Array(text().utf8)))
        case 17: return .connectionNeedsReauthorisation(ConnectionNeedsReauthorisation(errorCode: "invalid_grant", message: text()))
        case 18: return .writesPaused(WritesPaused(reason: text(), until: maybe { $0.timestamp() }))
        default: return .writesResumed(WritesResumed(reason: text()))
        }
    }

    mutating func envelope() -> EventEnvelope {
        EventEnvelope(id: EventID(token(5...40)), workspace: token(), recordedAt: timestamp(), event: event())
    }
}

/// Generators for `propertyCheck`.
enum ModelGen {
    static let envelope = Generator<EventEnvelope, Shrink.None<EventEnvelope>> { rng in
        var r = ModelRandom(rng: rng)
        let e = r.envelope()
        rng = r.rng
        return e
    }

    static let activity = Generator<Activity, Shrink.None<Activity>> { rng in
        var r = ModelRandom(rng: rng)
        let a = r.activity()
        rng = r.rng
        return a
    }

    static let configuration = Generator<WorkspaceConfiguration, Shrink.None<WorkspaceConfiguration>> { rng in
        var r = ModelRandom(rng: rng)
        let c = r.configuration()
        rng = r.rng
        return c
    }

    static let change = Generator<SalesforceRecordChange, Shrink.None<SalesforceRecordChange>> { rng in
        var r = ModelRandom(rng: rng)
        let c = SalesforceRecordChange(
            object: r.pick(["Contact", "Lead"]), changeType: r.pick(ChangeType.allCases), record: r.record(),
            source: r.pick(ChangeSource.allCases), commitTimestamp: r.maybe { $0.timestampSeconds() })
        rng = r.rng
        return c
    }
}

/// A deterministic generator for tests that loop by themselves.
func seeded(_ n: UInt64) -> Xoshiro {
    Xoshiro(seed: (n, n &* 31 &+ 1, n ^ 0x9E37_79B9_7F4A_7C15, 12345))
}
