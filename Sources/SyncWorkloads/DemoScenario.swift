public import SyncDomain

/// What `synclog demo` runs: a seeded ``WorkspaceWorkload`` split into the org an emulator
/// starts with, the activities fed to the worker over HTTP, and the configuration.
///
/// - The org: every Account, Contact, Lead, Opportunity, contact role and custom record the
///   workload creates before its first activity, the configured users (plus an integration
///   user), the activity fields (`Synclog_Key__c` as external id, `MixmaxActivityDateTime__c`),
///   and one validation rule that refuses bounce Tasks (the demo's permanent error, W5).
/// - The activities: every activity of the workload as contract JSON Lines (section 1), in
///   order, with some delivered twice (D1).
/// - The record changes the workload makes during the day are not fed: the demo makes its own
///   (a Contact for an unresolved address, a conversion, a merge) through the emulator, which
///   notifies the worker in real time (C2).
///
/// Pure and deterministic: the same shape gives the same bytes.
public struct DemoScenario: Sendable {
    public let workload: WorkspaceWorkload
    /// The org's records before the first activity, in creation order.
    public let initialRecords: [SalesforceRecordChange]
    /// The activities, in order.
    public let activities: [Activity]
    /// The time of the last activity.
    public let endTime: Timestamp

    /// When the workload's org was created (stamps of records that carry none).
    var workloadStart: Timestamp { initialRecords.first?.record.systemModstamp ?? activities.first?.occurredAt ?? endTime }

    /// The demo's default: a few hundred records, a few thousand activities.
    public static let defaultShape = WorkspaceWorkload.Shape(
        seed: 2026, workspace: "acme", users: 6, accounts: 120, contactsPerAccount: 4, leads: 200,
        opportunitiesPerAccount: 1, customRecords: 40, activities: 3_000, sharedActivities: false,
        activityDateTimeField: true, meanGapMilliseconds: 1_200)

    public init(shape: WorkspaceWorkload.Shape = DemoScenario.defaultShape) {
        workload = WorkspaceWorkload(shape)
        var records: [SalesforceRecordChange] = []
        var activities: [Activity] = []
        var end = Timestamp(millisecondsSinceEpoch: 0)
        for envelope in workload {
            switch envelope.event {
            case .salesforceRecordChanged(let c) where activities.isEmpty:
                records.append(c)
            case .activity(let a):
                activities.append(a)
                end = max(end, a.occurredAt)
            default:
                continue
            }
        }
        initialRecords = records
        self.activities = activities
        endTime = end
    }

    /// The workspace configuration (contract section 2) without its `salesforce`, `schedule`
    /// and `server` sections: the demo adds those once it knows its ports.
    public var configuration: WorkspaceConfiguration { workload.configuration }

    /// Every `n`-th activity is delivered a second time (D1: stored once).
    public static let redeliveryEvery = 97

    /// The activities as JSON Lines, each redelivered one followed again later in the stream.
    public func activityLines() -> [[UInt8]] {
        var lines: [[UInt8]] = []
        lines.reserveCapacity(activities.count + activities.count / Self.redeliveryEvery)
        for (i, a) in activities.enumerated() {
            lines.append(ActivityJSON.encode(a))
            if i > 10, i % Self.redeliveryEvery == 0 { lines.append(ActivityJSON.encode(activities[i - 10])) }
        }
        return lines
    }

    /// The Salesforce id of the integration user the demo's connection acts as.
    public static let integrationUserId = "005900000000001AAA"
    public static let integrationUsername = "sync@acme.com"

    /// The emulator's org fixture (contract section 5) as JSON bytes.
    ///
    /// - Parameters:
    ///   - clientId: the connected app's client id the worker authenticates with.
    ///   - refreshToken: the refresh token the org accepts.
    public func orgFixture(clientId: String, refreshToken: String) -> [UInt8] {
        var order: [String] = []
        var byObject: [String: [JSONValue]] = [:]
        var index: [String: (String, Int)] = [:]
        for change in initialRecords {
            guard let id = change.record.id else { continue }
            // Stamps kept: the org lives in the activities' time (R5's window is measured in it).
            var fields = change.record.fields.map { JSONValue.Member($0.name, $0.value) }
            if !fields.contains(where: { $0.name == "SystemModstamp" }) {
                fields.append(.init("SystemModstamp", .string((change.commitTimestamp ?? workloadStart).rfc3339String)))
            }
            if let (object, i) = index[id], case .object(var existing) = byObject[object]![i] {
                for f in fields {
                    if let j = existing.firstIndex(where: { $0.name == f.name }) { existing[j] = f } else { existing.append(f) }
                }
                byObject[object]![i] = .object(existing)
            } else {
                if byObject[change.object] == nil { order.append(change.object) }
                byObject[change.object, default: []].append(.object(fields))
                index[id] = (change.object, byObject[change.object]!.count - 1)
            }
        }
        let stamp = JSONValue.string(workloadStart.rfc3339String)
        var users: [JSONValue] = [.object([.init("Id", .string(Self.integrationUserId)), .init("Username", .string(Self.integrationUsername)),
                                           .init("IsActive", .bool(true)), .init("SystemModstamp", stamp)])]
        for u in configuration.users {
            users.append(.object([.init("Id", .string(u.salesforceUserId)), .init("Username", .string(u.email)), .init("IsActive", .bool(true)),
                                  .init("SystemModstamp", stamp)]))
        }
        let settings: JSONValue = .object([
            .init("sharedActivities", .bool(workload.shape.sharedActivities)),
            .init("dailyApiLimit", .number(100_000)),
            .init("activityFields", .array([
                .object([.init("name", .string("Synclog_Key__c")), .init("type", .string("string")), .init("externalId", .bool(true)), .init("unique", .bool(true))]),
                .object([.init("name", .string("MixmaxActivityDateTime__c")), .init("type", .string("datetime"))]),
            ])),
            .init("validationRules", .array([
                .object([.init("object", .string("Task")), .init("field", .string("Subject")), .init("pattern", .string("^(?!Bounced).*")),
                         .init("message", .string("Bounces are not logged here"))]),
            ])),
            .init("clientId", .string(clientId)),
            .init("refreshTokens", .array([.string(refreshToken)])),
            .init("accessTokenTTLSeconds", .number(3_600)),
            .init("integrationUser", .string(Self.integrationUsername)),
            .init("customObjects", .array([
                .object([.init("name", .string("Project__c")), .init("keyPrefix", .string("a01")),
                         .init("fields", .array([.object([.init("name", .string("Contact__c")), .init("type", .string("reference")),
                                                          .init("referenceTo", .array([.string("Contact")]))])]))]),
            ])),
        ])
        var top: [JSONValue.Member] = [.init("settings", settings), .init("User", .array(users))]
        for object in order { top.append(.init(object, .array(byObject[object] ?? []))) }
        return JSONValue.object(top).jsonBytes()
    }

    /// The worker configuration file (contract section 2) for an emulator at `emulatorURL`:
    /// secrets are named by file (relative to the configuration's directory), never inlined.
    public func workerConfiguration(
        emulatorURL: String, listen: String, refreshTokenFile: String, ingestTokenFile: String, realtimeTokenFile: String,
        clientId: String, pollMinutes: Int = 30
    ) -> [UInt8] {
        var config = configuration
        config.salesforce = SalesforceConnection(
            instanceUrl: emulatorURL, loginUrl: emulatorURL,
            auth: SalesforceAuth(kind: .refreshToken, clientId: clientId, refreshTokenFile: refreshTokenFile))
        config.schedule = Schedule(pollMinutes: pollMinutes, sweepDays: 7, describeAt: "00:00 America/Los_Angeles")
        config.server = Server(listen: listen, ingestTokenFile: ingestTokenFile, realtimeTokenFile: realtimeTokenFile)
        return WorkspaceConfigurationJSON.jsonValue(config).jsonBytes()
    }
}
