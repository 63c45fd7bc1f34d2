import EventLog
import Foundation
import NIOHTTP1
import Salesforce
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorker
import SyncWorkloads
import Testing

/// A workspace for the reader: users, accounts, contacts with emails, a Lead, and `activities`;
/// the emulator's clock is frozen at a minute-aligned `t0` an hour ahead of real time (so the
/// fixture's record stamps lie before it) and the worker's clock reads the same.
struct ReaderRig {
    let h: WorkerHarness
    let clock: ManualClock
    let t0: SyncDomain.Timestamp

    static func t0() -> SyncDomain.Timestamp {
        let ms = SyncDomain.Timestamp.now.millisecondsSinceEpoch + 3_600_000
        return SyncDomain.Timestamp(millisecondsSinceEpoch: ms / 60_000 * 60_000)
    }

    static func start(contacts: Int = 12, extra: (SyncDomain.Timestamp) -> [EventEnvelope] = { _ in [] }) async throws -> ReaderRig {
        let t0 = t0()
        let users = [Fixtures.user(1)]
        var events: [EventEnvelope] = [Fixtures.configured(Fixtures.configuration(users: users)), Fixtures.describe(syncKeyField: true)]
        for a in 1...3 { events.append(Fixtures.account(a)) }
        for c in 1...contacts { events.append(Fixtures.contact(c, email: "person\(c)@globex.com", account: 1 + c % 3)) }
        events.append(Fixtures.lead(1, email: "lead1@initech.com"))
        events += extra(t0)
        let h = try await WorkerHarness.start(events: events, users: users)
        try await h.admin(.POST, "clock", #"{"now":"\#(t0.rfc3339String)","frozen":true}"#)
        return ReaderRig(h: h, clock: ManualClock(t0), t0: t0)
    }

    func reader(pageSize: Int = 2000, objects: [String] = ReaderConfiguration.standardObjects,
                afterPage: (@Sendable (String, Int) throws -> Void)? = nil) -> SalesforceReader {
        var configuration = ReaderConfiguration(workspace: "acme", objects: objects, pageSize: pageSize)
        configuration.afterPage = afterPage
        return SalesforceReader(gate: h.gate, client: h.client(), configuration: configuration, clock: clock)
    }

    /// Moves both clocks.
    func advance(days: Int) async throws {
        try await h.advanceEmulatorClock(seconds: days * 86_400)
        clock.advance(milliseconds: Int64(days) * 86_400_000)
    }

    /// Creates records through `POST /__emulator/records` (one stamp for all); returns their ids.
    @discardableResult
    func create(_ object: String, _ records: [[(String, String)]]) async throws -> [String] {
        let items = records.map { fields in
            SalesforceJSON.object([("attributes", .object([("type", .string(object))]))] + fields.map { ($0.0, SalesforceJSON.string($0.1)) })
        }
        let answer = try await h.admin(.POST, "records", SalesforceJSON.object([("records", .array(items))]).text())
        return (answer?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }

    /// Every change event in the log for `object`.
    func changes(_ object: String) throws -> [SalesforceRecordChange] {
        var out: [SalesforceRecordChange] = []
        try h.store.scan { _, e in
            if case .salesforceRecordChanged(let c) = e.event, c.object == object { out.append(c) }
            return true
        }
        return out
    }

    /// The WhoId of the latest plan's first write of an activity.
    func whoId(_ activityId: String) async throws -> String? {
        let ws = try await h.state()
        guard let entry = ws.activityLog.entries[activityId] else { return nil }
        for key in entry.syncKeys {
            for f in ws.outbox.entries[key]?.write.fields ?? [] where f.name == "WhoId" {
                if case .string(let id) = f.value { return id }
            }
        }
        return nil
    }

    func ingest(_ activity: Activity) async throws {
        _ = try await h.store.append([Fixtures.envelope(activity, recordedAt: clock.now())])
        _ = try await h.gate.catchUp()
    }
}

struct Crash: Error {}

@Suite("Reading Salesforce (C1-C6, R5)", .serialized)
struct SalesforceReaderTests {
    // MARK: C1

    @Test("C1: 450 Contacts sharing one SystemModstamp, pages of 200: none lost; a second poll appends nothing")
    func tiedStamps() async throws {
        let rig = try await ReaderRig.start()
        let reader = rig.reader(pageSize: 200)
        _ = try await reader.auditIfNeeded()
        let ids = try await rig.create("Contact", (1...450).map { [("LastName", "Bulk\($0)"), ("Email", "bulk\($0)@globex.com")] })
        #expect(ids.count == 450)
        let stamps = Set(rig.h.live("Contact").filter { ids.contains($0.id) }.compactMap { $0.fields["SystemModstamp"]?.stringValue })
        #expect(stamps.count == 1)
        let first = try await reader.poll()
        #expect(first.recordsRead >= 450)
        let ws = try await rig.h.state()
        #expect(ids.allSatisfy { ws.records.person($0)?.email != nil })
        #expect(ws.cursors.poll["Contact"]?.lastId == ids.max())
        let second = try await reader.poll()
        #expect(second.eventsAppended == 0)
        await rig.h.stop()
    }

    @Test("C1: a poll stopped after its second page resumes from its cursor: nothing lost, nothing duplicated")
    func pollResumes() async throws {
        let rig = try await ReaderRig.start()
        _ = try await rig.reader(pageSize: 200).auditIfNeeded()
        let ids = try await rig.create("Contact", (1...450).map { [("LastName", "Bulk\($0)"), ("Email", "bulk\($0)@globex.com")] })
        let crashing = rig.reader(pageSize: 200) { object, page in if object == "Contact" && page == 2 { throw Crash() } }
        await #expect(throws: Crash.self) { _ = try await crashing.poll() }
        var ws = try await rig.h.state()
        let stored = ids.filter { ws.records.person($0) != nil }.count
        #expect(stored == 400)  // two pages made it to the log, with their cursor
        #expect(ws.cursors.poll["Contact"]?.lastId == ids.sorted()[399])
        _ = try await rig.reader(pageSize: 200).poll()
        ws = try await rig.h.state()
        #expect(ids.allSatisfy { ws.records.person($0) != nil })
        let bulk = try rig.changes("Contact").filter { ids.contains($0.record.id ?? "") }
        #expect(bulk.count == 450)
        #expect(Set(bulk.compactMap { $0.record.id }).count == 450)
        await rig.h.stop()
    }

    @Test("C1: the emulator fails the second page of a poll (SERVER_UNAVAILABLE): the next poll loses and duplicates nothing")
    func pollFaultOnSecondPage() async throws {
        let rig = try await ReaderRig.start()
        _ = try await rig.reader(pageSize: 200).auditIfNeeded()
        let ids = try await rig.create("Contact", (1...450).map { [("LastName", "Bulk\($0)"), ("Email", "bulk\($0)@globex.com")] })
        let org = rig.h.emulator.org
        let rule = try SalesforceEmulator.JSON.parse(#"{"method":"GET","path":"/query","errorCode":"SERVER_UNAVAILABLE","times":5}"#)
        let faulting = rig.reader(pageSize: 200) { object, page in
            if object == "Contact" && page == 1 { _ = org.withState { $0.addFaults(rule) } }
        }
        await #expect(throws: SyncWorkerError.self) { _ = try await faulting.poll() }
        var ws = try await rig.h.state()
        #expect(ids.filter { ws.records.person($0) != nil }.count == 200)
        try await rig.h.admin(.DELETE, "faults")
        _ = try await rig.reader(pageSize: 200).poll()
        ws = try await rig.h.state()
        #expect(ids.allSatisfy { ws.records.person($0) != nil })
        let bulk = try rig.changes("Contact").filter { ids.contains($0.record.id ?? "") }
        #expect(bulk.count == 450)
        await rig.h.stop()
    }

    @Test("R5/C1: a Contact created in Salesforce makes a waiting unresolved activity get planned at the next poll")
    func pollReplansWaiting() async throws {
        let rig = try await ReaderRig.start { t0 in
            let message = Fixtures.message("msg_r5", subject: "Intro", from: "user1@acme.com", to: ["newcomer@globex.com"])
            return [Fixtures.envelope(Fixtures.activity("act_r5", .emailSent, at: t0.adding(milliseconds: -3_600_000), message: message))]
        }
        let reader = rig.reader()
        _ = try await reader.auditIfNeeded()
        var ws = try await rig.h.state()
        #expect(ws.activityLog.entries["act_r5"]?.syncKeys.isEmpty == true)  // unresolved, waiting
        let created = try await rig.create("Contact", [[("LastName", "Newcomer"), ("Email", "newcomer@globex.com")]])
        let report = try await reader.poll()
        #expect(report.eventsAppended > 0)
        ws = try await rig.h.state()
        #expect(ws.activityLog.entries["act_r5"]?.planPositions.count == 2)
        #expect(try await rig.whoId("act_r5") == created.first)
        await rig.h.stop()
    }

    // MARK: C3

    @Test("C3: the audit on first connect reads every object and resumes after the last page stored")
    func auditFirstConnect() async throws {
        let rig = try await ReaderRig.start(contacts: 25)
        let crashing = rig.reader(pageSize: 10) { object, page in if object == "Contact" && page == 2 { throw Crash() } }
        await #expect(throws: Crash.self) { _ = try await crashing.auditIfNeeded() }
        var ws = try await rig.h.state()
        #expect(!ws.cursors.needsAudit("User") && !ws.cursors.needsAudit("Lead"))
        #expect(ws.cursors.audits["Contact"]?.running == true)
        let resumedFrom = ws.cursors.audits["Contact"]?.lastId
        #expect(resumedFrom == rig.h.live("Contact").map(\.id).sorted()[19])
        let resumed = try await rig.reader(pageSize: 10).auditIfNeeded()
        ws = try await rig.h.state()
        for object in ReaderConfiguration.standardObjects { #expect(!ws.cursors.needsAudit(object), "\(object)") }
        #expect(rig.h.live("Contact").allSatisfy { ws.records.person($0.id) != nil })
        #expect(rig.h.live("Account").allSatisfy { ws.records.accounts[$0.id] != nil })
        // Resumed: the 20 contacts already stored were not read again.
        let total = ReaderConfiguration.standardObjects.map { rig.h.live($0).count }.reduce(0, +)
        let firstTwo = rig.h.live("User").count + rig.h.live("Lead").count + 20
        #expect(resumed.recordsRead == total - firstTwo)
        // Polling starts at the audit's start.
        #expect(ws.cursors.poll["Contact"]?.systemModstamp == rig.t0)
        let again = try await rig.reader().auditIfNeeded()
        #expect(again.apiCalls == 0 && again.eventsAppended == 0)
        await rig.h.stop()
    }

    @Test("C3: an UPDATE about an Id never seen flags its object; the next auditIfNeeded re-audits only that object")
    func inconsistencyReaudits() async throws {
        let rig = try await ReaderRig.start()
        let reader = rig.reader()
        _ = try await reader.auditIfNeeded()
        let stranger = Fixtures.id("003", 9_999)
        _ = try await rig.h.store.append([Fixtures.contact(9_999, email: "stranger@globex.com", type: .update, at: rig.t0)])
        var ws = try await rig.h.state()
        #expect(ws.cursors.needsAudit("Contact"))
        #expect(!ws.cursors.needsAudit("Account"))
        #expect(ws.records.person(stranger) != nil)
        let report = try await reader.auditIfNeeded()
        #expect(report.apiCalls == 1)  // one page of Contacts (fields were described already)
        ws = try await rig.h.state()
        #expect(!ws.cursors.needsAudit("Contact"))
        await rig.h.stop()
    }

    @Test("C3/R8: custom objects of the configuration are read with their lookups; one missing from the org is skipped")
    func customObjects() async throws {
        let link = CustomObjectLink(object: "Project__c", lookupFields: ["Contact__c"])
        let configuration = Fixtures.configuration(roles: ["sales": Fixtures.role(custom: [link])],
                                                   users: [Fixtures.user(1)])
        let schedule = Schedule(pollMinutes: 10, sweepDays: 3, describeAt: "02:00 Europe/Paris")
        var withSchedule = configuration
        withSchedule.schedule = schedule
        let readerConfiguration = ReaderConfiguration(configuration: withSchedule)
        #expect(readerConfiguration.objects == ReaderConfiguration.standardObjects + ["Project__c"])
        #expect(readerConfiguration.pollMinutes == 10 && readerConfiguration.sweepDays == 3)
        #expect(readerConfiguration.describeAt == "02:00 Europe/Paris")

        let rig = try await ReaderRig.start()
        let contact = Fixtures.id("003", 1)
        let project = try #require(try await rig.create("Project__c", [[("Name", "Rollout"), ("Contact__c", contact)]]).first)
        let reader = rig.reader(objects: readerConfiguration.objects + ["Missing__c"])
        _ = try await reader.auditIfNeeded()
        let ws = try await rig.h.state()
        #expect(ws.records.customRecords[project]?.lookups["Contact__c"] == contact)
        #expect(!ws.cursors.needsAudit("Project__c"))
        _ = try await reader.poll()  // moves the cursor from the audit's start to the record; the record itself is known
        #expect(try rig.changes("Project__c").filter { $0.record.id == project }.count == 1)
        #expect(try await reader.poll().eventsAppended == 0)
        await rig.h.stop()
    }

    // MARK: C4

    @Test("C4: a deletion is swept through deleted/ once the sweep is due")
    func sweepDeleted() async throws {
        let rig = try await ReaderRig.start()
        let reader = rig.reader()
        _ = try await reader.auditIfNeeded()
        let first = try await reader.sweepIfDue()  // never swept, records known: a full reconcile, nothing deleted
        #expect(first.apiCalls > 0)
        #expect(try await reader.sweepIfDue() == ReadReport())  // not due again
        let victim = Fixtures.id("003", 2)
        try await rig.h.admin(.DELETE, "records/Contact/\(victim)")
        try await rig.advance(days: 8)
        let report = try await reader.sweepIfDue()
        #expect(report.eventsAppended >= 1)
        let ws = try await rig.h.state()
        #expect(ws.records.person(victim)?.isDeleted == true)
        #expect(ws.records.person(Fixtures.id("003", 3))?.isDeleted == false)
        await rig.h.stop()
    }

    @Test("C4: a last sweep older than the deleted/ window means a full reconcile by id")
    func sweepExpiredWindow() async throws {
        let rig = try await ReaderRig.start()
        let reader = rig.reader()
        _ = try await reader.auditIfNeeded()
        _ = try await reader.sweepIfDue()
        let victim = Fixtures.id("003", 4)
        try await rig.h.admin(.DELETE, "records/Contact/\(victim)")
        try await rig.advance(days: 20)
        let report = try await reader.sweepIfDue()
        #expect(report.eventsAppended >= 1)
        let ws = try await rig.h.state()
        #expect(ws.records.person(victim)?.isDeleted == true)
        #expect(ws.records.person(Fixtures.id("003", 5))?.isDeleted == false)
        let swept = try ReaderRig.sweepDeletions(rig)
        #expect(swept == [victim])
        await rig.h.stop()
    }

    // MARK: C6

    @Test("C6/R4: a merge picked up by the poll re-points later activities to the master")
    func mergeRepoints() async throws {
        let rig = try await ReaderRig.start()
        let reader = rig.reader()
        _ = try await reader.auditIfNeeded()
        let master = Fixtures.id("003", 1), loser = Fixtures.id("003", 2)
        try await rig.h.admin(.POST, "merge", #"{"masterId":"\#(master)","mergeIds":["\#(loser)"]}"#)
        _ = try await reader.poll()
        let ws = try await rig.h.state()
        #expect(ws.records.person(loser)?.masterRecordId == master)
        #expect(ws.records.person(loser)?.isDeleted == true)
        let message = Fixtures.message("msg_m", subject: "After merge", from: "user1@acme.com", to: ["person2@globex.com"])
        try await rig.ingest(Fixtures.activity("act_m", .emailSent, at: rig.t0, message: message))
        #expect(try await rig.whoId("act_m") == master)
        await rig.h.stop()
    }

    @Test("C6/R3: a lead conversion picked up by the poll re-points later activities to the Contact")
    func conversionRepoints() async throws {
        let rig = try await ReaderRig.start()
        let reader = rig.reader()
        _ = try await reader.auditIfNeeded()
        let lead = Fixtures.id("00Q", 1)
        let answer = try await rig.h.admin(.POST, "convertLead", #"{"leadId":"\#(lead)","doNotCreateOpportunity":true}"#)
        let contact = try #require(answer?["contactId"]?.stringValue)
        _ = try await reader.poll()
        let ws = try await rig.h.state()
        #expect(ws.records.person(lead)?.isConverted == true)
        #expect(ws.records.person(lead)?.convertedContactId == contact)
        let message = Fixtures.message("msg_c", subject: "After conversion", from: "user1@acme.com", to: ["lead1@initech.com"])
        try await rig.ingest(Fixtures.activity("act_c", .emailSent, at: rig.t0, message: message))
        #expect(try await rig.whoId("act_c") == contact)
        await rig.h.stop()
    }

    // MARK: C5

    @Test("C5: the describe is appended only when it changed; the daily refresh waits for describeAt")
    func describeOnChangeOnly() async throws {
        let rig = try await ReaderRig.start()
        let reader = rig.reader()
        let first = try await reader.refreshDescribe()
        #expect(first.eventsAppended == 2)  // Task differs from the log's; Event never seen
        var ws = try await rig.h.state()
        #expect(ws.cursors.describedAt["Task"] == rig.t0)
        #expect(ws.org.taskFields.contains("synclog_key__c"))
        let second = try await reader.refreshDescribe()
        #expect(second.eventsAppended == 0 && second.apiCalls == 2)
        #expect(try await reader.refreshDescribeIfDue() == ReadReport())
        _ = try await reader.poll()
        _ = try await reader.sweepIfDue()
        let due = try await reader.nextDue()  // the next poll, 30 minutes on (before the next describe and sweep)
        #expect(due == min(rig.t0.adding(milliseconds: 30 * 60_000), SalesforceReader.nextDescribe(after: rig.t0, describeAt: "00:00 America/Los_Angeles")))
        rig.clock.advance(milliseconds: 25 * 3_600_000)
        let daily = try await reader.refreshDescribeIfDue()
        #expect(daily.apiCalls == 2 && daily.eventsAppended == 0)
        ws = try await rig.h.state()
        #expect(ws.cursors.describedAt["Task"] == rig.t0)
        await rig.h.stop()
    }

    @Test("C5: the next describe is at local midnight Pacific, across daylight saving time switches")
    func describeDueTime() {
        func t(_ s: String) -> SyncDomain.Timestamp { SyncDomain.Timestamp(rfc3339: s)! }
        let at = "00:00 America/Los_Angeles"
        #expect(SalesforceReader.nextDescribe(after: t("2026-11-20T15:04:05Z"), describeAt: at) == t("2026-11-21T08:00:00Z"))
        // Spring forward (8 March 2026): midnight PST, then midnight PDT 23 hours later.
        #expect(SalesforceReader.nextDescribe(after: t("2026-03-08T08:00:00Z"), describeAt: at) == t("2026-03-09T07:00:00Z"))
        // Fall back (1 November 2026): midnight PDT, then midnight PST 25 hours later.
        #expect(SalesforceReader.nextDescribe(after: t("2026-11-01T07:00:00Z"), describeAt: at) == t("2026-11-02T08:00:00Z"))
        // Just before midnight: the same night.
        #expect(SalesforceReader.nextDescribe(after: t("2026-11-21T07:59:00Z"), describeAt: at) == t("2026-11-21T08:00:00Z"))
        #expect(SalesforceReader.nextDescribe(after: t("2026-11-20T10:00:00Z"), describeAt: "06:30 Europe/Paris") == t("2026-11-21T05:30:00Z"))
        #expect(SalesforceReader.nextDescribe(after: t("2026-11-20T10:00:00Z"), describeAt: "nonsense") == t("2026-11-21T10:00:00Z"))
    }

    // MARK: projection

    @Test("C3: a checkpoint written before the cursors projection still restores (cursors start empty)")
    func oldCheckpointDecodes() throws {
        var ws = WorkspaceState()
        ws.cursors.evolve(PollCursorAdvanced(object: "Contact", systemModstamp: Fixtures.start, lastId: "003"))
        let data = try JSONEncoder().encode(ws)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["cursors"] != nil)
        object["cursors"] = nil
        let old = try JSONSerialization.data(withJSONObject: object)
        let decoded = try JSONDecoder().decode(WorkspaceState.self, from: old)
        #expect(decoded.cursors == Cursors.initial)
        #expect(try JSONDecoder().decode(WorkspaceState.self, from: data) == ws)
    }

    @Test("C3: a stored checkpoint that cannot be restored is replaced by a replay of the log")
    func unreadableCheckpointReplays() async throws {
        let rig = try await ReaderRig.start()
        _ = try await rig.reader().auditIfNeeded()
        let before = try await rig.h.state()
        let last = try rig.h.store.lastPosition()
        try await rig.h.store.log.saveCheckpoint(SyncState.name, position: last, snapshot: Array("{\"not\":\"a state\"}".utf8))
        #expect(try rig.h.store.restorableCheckpoint(SyncState.self) == nil)
        let after = try await rig.h.state()
        #expect(after == before)
        #expect(!after.cursors.needsAudit("Contact"))
        await rig.h.stop()
    }

    @Test("C3: only updates (not audits, not creates) about unknown Ids flag an object; a completed audit clears it")
    func flagging() {
        var state = SyncState()
        var position: UInt64 = 0
        func apply(_ e: EventEnvelope) { position += 1; state.evolve(e, at: position) }
        apply(Fixtures.contact(1, email: "a@b.com", type: .create))
        #expect(state.workspace("acme").cursors.flagged.isEmpty)
        apply(Fixtures.contact(1, email: "a2@b.com", type: .update))
        #expect(state.workspace("acme").cursors.flagged.isEmpty)  // known
        apply(Fixtures.contact(2, email: "c@b.com", type: .update))
        #expect(state.workspace("acme").cursors.flagged["Contact"] == 1)
        apply(EventEnvelope(id: EventID("a"), workspace: "acme", recordedAt: Fixtures.start,
                            event: .auditCursorAdvanced(AuditCursorAdvanced(object: "Contact", lastId: "x", completed: true))))
        #expect(state.workspace("acme").cursors.flagged.isEmpty)
        #expect(!state.workspace("acme").cursors.needsAudit("Contact"))
        #expect(state.workspace("acme").cursors.needsAudit("Lead"))
    }
}

extension ReaderRig {
    /// Ids marked deleted by a sweep.
    static func sweepDeletions(_ rig: ReaderRig) throws -> [String] {
        var out: [String] = []
        try rig.h.store.scan { _, e in
            if case .salesforceRecordDeleted(let d) = e.event, d.source == .sweep { out.append(d.recordId) }
            return true
        }
        return out
    }
}
