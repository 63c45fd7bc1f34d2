import Foundation

/// One record as the org holds it: fields by canonical name (stamps included, as Salesforce text),
/// and whether it is in the recycle bin.
public struct StoredRecord: Sendable {
    public var object: String
    public var id: String
    public var fields: [String: JSON]
    public var isDeleted: Bool = false
    /// When it went to the recycle bin (ms since 1970).
    public var deletedAt: Int64? = nil
    /// `SystemModstamp` in ms.
    public var modstamp: Int64
    /// Merged away or hard to see (merge losers keep `MasterRecordId`).
    public var isArchived: Bool = false
}

/// The emulator's clock: real time plus an offset, or frozen at an instant.
public struct EmulatorClock: Sendable {
    public var offsetMs: Int64 = 0
    public var frozenAt: Int64? = nil

    public func now(real: Int64) -> Int64 { frozenAt ?? (real + offsetMs) }

    public static func realNow() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// An access token the token endpoint (or an admin call) handed out.
struct AccessToken: Sendable {
    var userId: String
    var expiresAt: Int64
}

/// One API call as Salesforce would count it.
public struct CallRecord: Sendable {
    public var at: Int64
    public var method: String
    public var path: String
    public var object: String?
    public var status: Int
    /// Whether it counts against the daily limit (API calls that were authenticated and accepted).
    public var counted: Bool
    public var fault: String?
}

/// An open query cursor: the rows still to serve.
struct QueryCursor: Sendable {
    var userId: String
    var rows: [JSON]
    var position: Int
    var batchSize: Int
    var all: Bool
}

/// The whole org as a value: records, stamps, tokens, call counts, faults, clock. The HTTP layer is a
/// thin router over it; every method takes the current instant and returns its result.
public struct OrgState: Sendable {
    public internal(set) var settings: OrgSettings
    public internal(set) var catalog: SchemaCatalog
    var records: [String: [String: StoredRecord]] = [:]
    var order: [String: [String]] = [:]
    /// External-id and unique indexes: object -> field -> lowercased value -> ids.
    var indexes: [String: [String: [String: [String]]]] = [:]
    var idCounter = 1
    public var clock = EmulatorClock()
    var lastStamp: Int64 = 0
    var accessTokens: [String: AccessToken] = [:]
    var refreshTokens: [String: String] = [:]  // token -> user id
    public internal(set) var calls: [CallRecord] = []
    var countedTimes: [Int64] = []
    var faults: [FaultRule] = []
    var randomState: UInt64 = 0x9E37_79B9_7F4A_7C15
    var cursors: [String: QueryCursor] = [:]
    var cursorOrder: [String] = []
    var cursorCounter = 1
    var tokenCounter = 1
    public internal(set) var integrationUserId: String = ""
    /// The base URL clients reach us at (for `instance_url`), set by the server once it listens.
    public var instanceURL: String = "http://127.0.0.1"

    public init(fixture: OrgFixture, realNow: Int64 = EmulatorClock.realNow()) throws(EmulatorError) {
        settings = fixture.settings
        catalog = try SchemaCatalog(settings: fixture.settings)
        if let start = fixture.settings.now { clock.frozenAt = nil; clock.offsetMs = start - realNow }
        let now = clock.now(real: realNow)
        let stamp = now / 1000 * 1000
        // Hand-written fixtures often carry 18-character ids with a made-up suffix (00Q000000000001AAA):
        // such ids get their real checksum suffix, and references to them in the fixture follow.
        var aliases: [String: String] = [:]
        for (_, fields) in fixture.records {
            for (key, value) in fields where key == "Id" {
                if let s = value.stringValue, s.utf8.count == 18, SalesforceId.normalized(s) == nil,
                    let fixed = SalesforceId.normalized(String(s.prefix(15)))
                {
                    aliases[s] = fixed
                }
            }
        }
        for (object, rawFields) in fixture.records {
            let fields = rawFields.map { key, value -> (String, JSON) in
                if let s = value.stringValue, let fixed = aliases[s] { return (key, .string(fixed)) }
                return (key, value)
            }
            guard let schema = catalog.object(object) else {
                throw EmulatorError(.fixture, "records of unknown object \(object)")
            }
            var values: [String: JSON] = [:]
            for (key, value) in fields {
                guard let f = schema.field(key) else {
                    throw EmulatorError(.fixture, "\(schema.name) record has unknown field \(key)")
                }
                values[f.name] = value
            }
            var id: String
            if let given = values["Id"]?.stringValue {
                guard let normalized = SalesforceId.normalized(given), given.hasPrefix(schema.keyPrefix) else {
                    throw EmulatorError(.fixture, "\(schema.name) record has an Id that is not a \(schema.name) id")
                }
                id = normalized
            } else {
                id = newId(prefix: schema.keyPrefix)
            }
            guard records[schema.name]?[id] == nil else {
                throw EmulatorError(.fixture, "\(schema.name) id \(id) appears twice")
            }
            values["Id"] = .string(id)
            let deleted = values["IsDeleted"]?.boolValue ?? false
            for key in ["CreatedDate", "LastModifiedDate", "SystemModstamp"] {
                if let text = values[key]?.stringValue {
                    guard let ms = Timestamp.parse(text) else {
                        throw EmulatorError(.fixture, "\(schema.name) \(id): \(key) is not a datetime")
                    }
                    values[key] = .string(Timestamp.format(ms))
                } else {
                    values[key] = .string(Timestamp.format(stamp))
                }
            }
            for key in ["CreatedById", "LastModifiedById"] where schema.field(key) != nil && values[key] == nil {
                values[key] = .null  // filled below once users are known
            }
            values["IsDeleted"] = .bool(deleted)
            let mod = Timestamp.parse(values["SystemModstamp"]!.stringValue!)!
            var record = StoredRecord(object: schema.name, id: id, fields: values, modstamp: mod)
            if deleted { record.isDeleted = true; record.deletedAt = mod }
            insert(record)
        }
        // The integration user: named in settings, else the first active user; made if there is none.
        let users = (order["User"] ?? []).compactMap { records["User"]?[$0] }
        if let name = settings.integrationUser {
            guard let u = users.first(where: { $0.fields["Username"]?.stringValue?.lowercased() == name.lowercased() }) else {
                throw EmulatorError(.fixture, "settings.integrationUser names no User")
            }
            integrationUserId = u.id
        } else if let u = users.first(where: { $0.fields["IsActive"]?.boolValue ?? true }) {
            integrationUserId = u.id
        } else {
            let id = newId(prefix: "005")
            insert(StoredRecord(object: "User", id: id, fields: [
                "Id": .string(id), "Username": "integration@emulator.local", "LastName": "Integration",
                "Name": "Integration", "IsActive": true, "IsDeleted": false,
                "CreatedDate": .string(Timestamp.format(stamp)), "LastModifiedDate": .string(Timestamp.format(stamp)),
                "SystemModstamp": .string(Timestamp.format(stamp)),
            ], modstamp: stamp))
            integrationUserId = id
        }
        // Defaults a real org would have filled in.
        for object in records.keys {
            for id in order[object] ?? [] {
                guard var r = records[object]?[id] else { continue }
                applyFixtureDefaults(&r)
                records[object]![id] = r
            }
        }
        for token in settings.refreshTokens { refreshTokens[token] = integrationUserId }
        for token in settings.accessTokens {
            accessTokens[token] = AccessToken(userId: integrationUserId, expiresAt: now + Int64(settings.accessTokenTTLSeconds) * 1000)
        }
        lastStamp = stamp
    }

    mutating func applyFixtureDefaults(_ r: inout StoredRecord) {
        guard let schema = catalog.object(r.object) else { return }
        for key in ["CreatedById", "LastModifiedById"] where schema.field(key) != nil {
            if r.fields[key] == nil || r.fields[key] == .null { r.fields[key] = .string(integrationUserId) }
        }
        if schema.field("OwnerId") != nil, r.fields["OwnerId"] == nil || r.fields["OwnerId"] == .null {
            r.fields["OwnerId"] = .string(integrationUserId)
        }
        deriveFields(&r)
    }

    // MARK: ids, stamps, storage

    mutating func newId(prefix: String) -> String {
        while true {
            let id = SalesforceId.make(prefix: prefix, counter: idCounter)
            idCounter += 1
            if let object = catalog.objectName(forId: id), records[object]?[id] != nil { continue }
            return id
        }
    }

    /// A stamp for one call: the clock truncated to the second (Salesforce keeps seconds),
    /// never earlier than the last one, shared by every record the call changes.
    mutating func nextStamp(now: Int64) -> Int64 {
        let s = max(now / 1000 * 1000, lastStamp)
        lastStamp = s
        return s
    }

    mutating func insert(_ record: StoredRecord) {
        if records[record.object]?[record.id] == nil {
            order[record.object, default: []].append(record.id)
        }
        if let old = records[record.object]?[record.id] { unindex(old) }
        records[record.object, default: [:]][record.id] = record
        index(record)
    }

    func indexedFields(_ object: String) -> [String] {
        catalog.indexedFields[object] ?? []
    }

    mutating func index(_ r: StoredRecord) {
        for f in indexedFields(r.object) {
            guard let key = indexKey(r.fields[f]) else { continue }
            indexes[r.object, default: [:]][f, default: [:]][key, default: []].append(r.id)
        }
    }

    mutating func unindex(_ r: StoredRecord) {
        for f in indexedFields(r.object) {
            guard let key = indexKey(r.fields[f]) else { continue }
            indexes[r.object]?[f]?[key]?.removeAll { $0 == r.id }
            if indexes[r.object]?[f]?[key]?.isEmpty == true { indexes[r.object]?[f]?[key] = nil }
        }
    }

    func indexKey(_ value: JSON?) -> String? {
        switch value {
        case .string(let s)?: return s.lowercased()
        case .int(let i)?: return String(i)
        case .double(let d)?: return String(d)
        default: return nil
        }
    }

    /// Live (not deleted) records of `object` whose `field` equals `value` (case-insensitive).
    func lookup(object: String, field: String, value: String) -> [String] {
        if field == "Id" {
            guard let id = SalesforceId.normalized(value), let r = records[object]?[id], !r.isDeleted else { return [] }
            return [id]
        }
        // An indexed field (external ids, unique fields) is answered by its index alone: a value it
        // does not have matches nothing (scanning every record made each new key cost the table).
        if let indexed = indexedFields(object).first(where: { $0.caseInsensitiveCompare(field) == .orderedSame }) {
            let ids = indexes[object]?[indexed]?[value.lowercased()] ?? []
            return ids.filter { records[object]?[$0]?.isDeleted == false }
        }
        let lower = value.lowercased()
        return (order[object] ?? []).filter {
            guard let r = records[object]?[$0], !r.isDeleted else { return false }
            return indexKey(r.fields[field]) == lower
        }
    }

    /// Looks a record up by id (any object), deleted ones included.
    public func record(id: String) -> StoredRecord? {
        guard let id18 = SalesforceId.normalized(id), let object = catalog.objectName(forId: id18) else { return nil }
        return records[object]?[id18]
    }

    /// Every record of `object`, in creation order, deleted ones included.
    public func allRecords(of object: String) -> [StoredRecord] { records(of: object, createdFrom: 0) }

    /// How many records of `object` were ever created (deleted ones included): the creation
    /// index the next one gets. With ``records(of:createdFrom:)``, an observer reads only what is new.
    public func createdCount(of object: String) -> Int { order[object]?.count ?? 0 }

    /// The records of `object` created at or after creation index `start`, in creation order, as
    /// they are now (deleted ones included).
    public func records(of object: String, createdFrom start: Int) -> [StoredRecord] {
        guard let ids = order[object], start < ids.count else { return [] }
        return ids[max(start, 0)...].compactMap { records[object]?[$0] }
    }

    /// Fields Salesforce computes: names, closed flags, the activity's account, event times.
    func deriveFields(_ r: inout StoredRecord) {
        switch r.object {
        case "Contact", "Lead", "User":
            let first = r.fields["FirstName"]?.stringValue
            let last = r.fields["LastName"]?.stringValue ?? ""
            r.fields["Name"] = .string([first, last].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " "))
        case "Task":
            let status = r.fields["Status"]?.stringValue ?? ""
            let closed = status == "Completed"
            r.fields["IsClosed"] = .bool(closed)
            r.fields["IsHighPriority"] = .bool(r.fields["Priority"]?.stringValue == "High")
            r.fields["AccountId"] = activityAccount(r)
        case "Event":
            r.fields["AccountId"] = activityAccount(r)
        case "Opportunity":
            let stage = r.fields["StageName"]?.stringValue ?? ""
            r.fields["IsClosed"] = .bool(stage.hasPrefix("Closed"))
            r.fields["IsWon"] = .bool(stage == "Closed Won")
        default: break
        }
    }

    func activityAccount(_ r: StoredRecord) -> JSON {
        if let what = r.fields["WhatId"]?.stringValue, let target = record(id: what) {
            if target.object == "Account" { return .string(target.id) }
            if let acc = target.fields["AccountId"], acc != .null { return acc }
        }
        if let who = r.fields["WhoId"]?.stringValue, let target = record(id: who), target.object == "Contact",
            let acc = target.fields["AccountId"]
        {
            return acc
        }
        return .null
    }

    mutating func nextRandom() -> Double {
        // SplitMix64: repeatable from the seed a fault rule gives.
        randomState &+= 0x9E37_79B9_7F4A_7C15
        var z = randomState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z = z ^ (z >> 31)
        return Double(z >> 11) / Double(1 << 53)
    }
}
