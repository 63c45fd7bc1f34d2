public import Logging
public import Salesforce
public import SyncDomain
import EventLog
import SyncStore

/// What the reader of one workspace reads from Salesforce, and how often (C1, C3, C4, C5).
public struct ReaderConfiguration: Sendable {
    public var workspace: String
    /// Objects read (C1/C3/C4): default User, Lead, Contact, Account, Opportunity, OpportunityContactRole plus the configuration's custom objects.
    public var objects: [String]
    /// Records per query page (at most 2000).
    public var pageSize: Int
    /// C1: the first query of a poll starts this long before the cursor (late commits; apply is idempotent).
    public var overlapMilliseconds: Int64
    /// C1: `schedule.pollMinutes`.
    public var pollMinutes: Int
    /// C4: `schedule.sweepDays`.
    public var sweepDays: Int
    /// C5: `HH:MM Area/Zone`, the local time of the daily describe.
    public var describeAt: String
    /// Called after each page's events are appended (object, page number from 1); throwing stops the
    /// read there, as a crash would (crash-resumability tests).
    public var afterPage: (@Sendable (_ object: String, _ page: Int) throws -> Void)?

    /// The standard objects the rules read (R1-R8).
    public static let standardObjects = ["User", "Lead", "Contact", "Account", "Opportunity", "OpportunityContactRole"]

    public init(workspace: String, objects: [String] = ReaderConfiguration.standardObjects, pageSize: Int = 2000,
                overlapMilliseconds: Int64 = 60_000, pollMinutes: Int = 30, sweepDays: Int = 7,
                describeAt: String = "00:00 America/Los_Angeles") {
        self.workspace = workspace
        self.objects = objects
        self.pageSize = min(2000, max(1, pageSize))
        self.overlapMilliseconds = max(0, overlapMilliseconds)
        self.pollMinutes = max(1, pollMinutes)
        self.sweepDays = max(1, sweepDays)
        self.describeAt = describeAt
    }

    /// From the workspace configuration: its schedule, and the custom objects its roles relate activities to (R8).
    public init(configuration: WorkspaceConfiguration) {
        var objects = ReaderConfiguration.standardObjects
        for role in configuration.roles {
            for link in role.settings.relatedObjects.custom where !objects.contains(link.object) { objects.append(link.object) }
        }
        let schedule = configuration.schedule ?? Schedule()
        self.init(workspace: configuration.workspace, objects: objects, pollMinutes: schedule.pollMinutes,
                  sweepDays: schedule.sweepDays, describeAt: schedule.describeAt)
    }
}

/// What one read did.
public struct ReadReport: Sendable, Hashable {
    /// Records returned by Salesforce.
    public var recordsRead = 0
    /// Events appended (changes, deletions, cursors, describes); repeats of known content are not counted.
    public var eventsAppended = 0
    /// API calls made.
    public var apiCalls = 0
    public init() {}
}

/// The worker's reader of Salesforce for one workspace: polls changed records (C1), audits objects
/// on first connect and when inconsistent (C3), sweeps deletions (C4) and refreshes the Task/Event
/// describe (C5). Everything it learns is appended as events with deterministic or content-derived
/// ids, so a repeated read appends nothing, and a crash resumes from the cursors in the log.
///
/// ```swift
/// let reader = SalesforceReader(gate: gate, client: client, configuration: ReaderConfiguration(configuration: config))
/// _ = try await reader.auditIfNeeded()
/// while true {
///     _ = try await reader.pollIfDue(); _ = try await reader.sweepIfDue(); _ = try await reader.refreshDescribeIfDue()
///     try await clock.sleep(until: try await reader.nextDue())
/// }
/// ```
public actor SalesforceReader {
    public let configuration: ReaderConfiguration
    let gate: StoreGate
    let client: SalesforceClient
    let clock: any WorkerClock
    let logger: Logger
    /// Fields queried per object (from its describe), cached for the actor's life.
    var queriedFields: [String: [String]] = [:]
    /// When the last poll of this process ended (polls are due `pollMinutes` after it).
    var lastPollAt: Timestamp?
    /// When this process last read the describe (an unchanged describe appends nothing, C5).
    var lastDescribeCheck: Timestamp?
    var workspace: String { configuration.workspace }

    public init(gate: StoreGate, client: SalesforceClient, configuration: ReaderConfiguration,
                clock: any WorkerClock = SystemWorkerClock(), logger: Logger = Logger(label: "synclog.reader")) {
        self.gate = gate
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// The earliest of the next poll, sweep and describe.
    public func nextDue() async throws -> Timestamp {
        let ws = try await gate.catchUp().workspace(workspace)
        return min(nextPollDue(), nextSweepDue(ws), nextDescribeDue(ws))
    }

    // MARK: appending

    func envelope(_ id: String, _ event: DomainEvent) -> EventEnvelope {
        EventEnvelope(id: EventID(id), workspace: workspace, recordedAt: clock.now(), event: event)
    }

    /// Appends in one transaction; returns how many were new.
    func append(_ envelopes: [EventEnvelope]) async throws -> Int {
        try await gate.appendCountingNew(envelopes)
    }

    func state() async throws -> WorkspaceState { try await gate.catchUp().workspace(workspace) }

    func measured(_ body: (inout ReadReport) async throws -> Void) async throws -> ReadReport {
        var report = ReadReport()
        let calls = client.callsMade
        do {
            try await body(&report)
        } catch {
            // What was stored before the failure stays; let plans follow it all the same.
            if report.eventsAppended > 0 { _ = try? await gate.catchUp() }
            throw error
        }
        report.apiCalls = client.callsMade - calls
        if report.eventsAppended > 0 { _ = try await gate.catchUp() }  // plans follow (R5)
        return report
    }

    func salesforce<T>(_ what: String, _ body: () async throws(SalesforceError) -> T) async throws -> T {
        do { return try await body() } catch {
            if Task.isCancelled { throw CancellationError() }
            logger.warning("reader.call.failed", metadata: ["workspace": "\(workspace)", "call": "\(what)", "error": "\(error.code)"])
            throw SyncWorkerError(code: .salesforce, message: "\(what) failed", cause: error)
        }
    }

    // MARK: records

    /// Fields the projections read, per object (KnownRecords; C6: conversion and merge fields).
    static let wantedFields: [String: [String]] = [
        "User": ["Username", "Name", "Email", "IsActive"],
        "Lead": ["Email", "Name", "FirstName", "LastName", "OwnerId", "IsConverted", "ConvertedContactId", "ConvertedAccountId",
                 "ConvertedOpportunityId", "MasterRecordId"],
        "Contact": ["Email", "Name", "FirstName", "LastName", "AccountId", "OwnerId", "MasterRecordId"],
        "Account": ["Name", "OwnerId", "MasterRecordId"],
        "Opportunity": ["Name", "AccountId", "OwnerId", "IsClosed", "StageName"],
        "OpportunityContactRole": ["OpportunityId", "ContactId", "IsPrimary", "Role"],
    ]
    static let systemFields = ["Id", "SystemModstamp", "CreatedDate", "IsDeleted"]

    /// The fields to query on `object`: what the projections read, as far as the describe has them
    /// (custom objects: `Name` and their lookups). Nil when the org has no such object (a custom
    /// object of the configuration not deployed): it is skipped, with a warning.
    func fields(of object: String) async throws -> [String]? {
        if let known = queriedFields[object] { return known.isEmpty ? nil : known }
        let described: ObjectDescription
        do { described = try await client.describe(object) } catch {
            if Task.isCancelled { throw CancellationError() }
            if let code = error.failure?.errorCode, code == "NOT_FOUND" || code == "INVALID_TYPE" {
                logger.warning("reader.object.missing", metadata: ["workspace": "\(workspace)", "object": "\(object)"])
                queriedFields[object] = []
                return nil
            }
            logger.warning("reader.call.failed", metadata: ["workspace": "\(workspace)", "call": "describe", "error": "\(error.code)"])
            throw SyncWorkerError(code: .salesforce, message: "describe of \(object) failed", cause: error)
        }
        let names = Set(described.fields.map { $0.name.lowercased() })
        var wanted = Self.systemFields + (Self.wantedFields[object] ?? ["Name"])
        if Self.wantedFields[object] == nil {
            let ignored: Set<String> = ["ownerid", "createdbyid", "lastmodifiedbyid", "id", "masterrecordid"]
            wanted += described.fields.filter { $0.type == "reference" && !ignored.contains($0.name.lowercased()) }.map(\.name)
        }
        var out: [String] = []
        for f in wanted where names.contains(f.lowercased()) && !out.contains(f) { out.append(f) }
        queriedFields[object] = out
        return out
    }

    /// A query row as a section-3 change: DELETE when `IsDeleted`, CREATE when never modified after
    /// creation, else UPDATE; committed at its `SystemModstamp`. Derived from the content only, so the
    /// same row read by a poll and by an audit has the same event id.
    static func change(_ record: SObjectRecord, object: String, source: ChangeSource) -> SalesforceRecordChange {
        let fields = record.fields.filter { $0.0 != "attributes" }.map { SalesforceRecord.Field($0.0, jsonValue($0.1)) }
        let r = SalesforceRecord(fields: fields)
        let type: ChangeType
        if r.bool("IsDeleted") == true {
            type = .delete
        } else if let created = r.string("CreatedDate"), let stamp = r.string("SystemModstamp"),
                  Timestamp(salesforceDateTime: created) == Timestamp(salesforceDateTime: stamp) {
            type = .create
        } else {
            type = .update
        }
        return SalesforceRecordChange(object: object, changeType: type, record: r, source: source, commitTimestamp: r.systemModstamp)
    }

    static func jsonValue(_ v: SalesforceJSON) -> JSONValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .double(let d): return .number(d)
        case .string(let s): return .string(s)
        case .array(let a): return .array(a.map(jsonValue))
        case .object(let o): return .object(o.map { JSONValue.Member($0.0, jsonValue($0.1)) })
        }
    }

    /// A SOQL datetime literal (unquoted ISO 8601, UTC).
    static func literal(_ t: Timestamp) -> String { t.rfc3339String }

    /// A SOQL string literal of an Id (ids are alphanumeric; anything else is dropped).
    static func quoted(_ id: String) -> String { "'" + id.filter { $0.isLetter || $0.isNumber } + "'" }
}

extension StoreGate {
    /// Appends in one transaction; returns how many events were new (not repeats of a stored id).
    public func appendCountingNew(_ envelopes: [EventEnvelope]) async throws -> Int {
        guard !envelopes.isEmpty else { return 0 }
        do { return try await store.append(envelopes).filter { !$0.isDuplicate }.count } catch {
            throw SyncWorkerError(code: .store, message: "append of \(envelopes.count) events failed", cause: error)
        }
    }
}
