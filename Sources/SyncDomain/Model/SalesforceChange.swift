/// Where a Salesforce change came from.
public enum ChangeSource: String, Sendable, Hashable, CaseIterable {
    /// The interval poller's query results (C1).
    case poll
    /// The real-time endpoint (C2).
    case realtime
    /// A full state audit (C3).
    case audit
    /// `synclog ingest --changes` (exports, tests, orgs without a connection).
    case `import`
    /// The deletion sweep (C4).
    case sweep
}

/// The kind of a record change, as Salesforce Change Data Capture names them.
public enum ChangeType: String, Sendable, Hashable, CaseIterable {
    case create = "CREATE"
    case update = "UPDATE"
    case delete = "DELETE"
    case undelete = "UNDELETE"
    case gapCreate = "GAP_CREATE"
    case gapUpdate = "GAP_UPDATE"
    case gapDelete = "GAP_DELETE"
    case gapUndelete = "GAP_UNDELETE"
    case gapOverflow = "GAP_OVERFLOW"
}

/// A record as Salesforce names its fields: field name -> scalar value, in the order received.
public struct SalesforceRecord: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: JSONValue
        public init(_ name: String, _ value: JSONValue) {
            self.name = name
            self.value = value
        }
    }

    public var fields: [Field]

    public init(fields: [Field]) { self.fields = fields }

    /// The value of field `name` (exact API name), else nil. A present `null` is `.null`.
    public subscript(_ name: String) -> JSONValue? {
        for f in fields where f.name == name { return f.value }
        return nil
    }

    /// The `Id` field.
    public var id: String? { self["Id"]?.stringValue }

    /// The string value of `name`, nil when absent, null or not a string.
    public func string(_ name: String) -> String? { self[name]?.stringValue }

    /// The bool value of `name`.
    public func bool(_ name: String) -> Bool? {
        if case .bool(let b)? = self[name] { return b }
        return nil
    }

    /// `SystemModstamp` (or `LastModifiedDate`) parsed, when present.
    public var systemModstamp: Timestamp? {
        (string("SystemModstamp") ?? string("LastModifiedDate")).flatMap(Timestamp.init(salesforceDateTime:))
    }
}

/// A changed record (contract section 3): `V1.SalesforceRecordChanged`.
public struct SalesforceRecordChange: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    /// The sObject API name: `Contact`, `Lead`, `Project__c`.
    public var object: String
    public var changeType: ChangeType
    public var record: SalesforceRecord
    public var source: ChangeSource
    public var commitTimestamp: Timestamp?

    public init(
        object: String, changeType: ChangeType, record: SalesforceRecord, source: ChangeSource,
        commitTimestamp: Timestamp? = nil
    ) {
        self.object = object
        self.changeType = changeType
        self.record = record
        self.source = source
        self.commitTimestamp = commitTimestamp
    }
}

/// A record seen deleted (sweep, real-time, or W6): `V1.SalesforceRecordDeleted`.
public struct SalesforceRecordDeleted: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var object: String
    public var recordId: String
    public var deletedAt: Timestamp?
    public var source: ChangeSource

    public init(object: String, recordId: String, deletedAt: Timestamp? = nil, source: ChangeSource) {
        self.object = object
        self.recordId = recordId
        self.deletedAt = deletedAt
        self.source = source
    }
}

/// Records merged into a master (R4, C6): `V1.SalesforceRecordsMerged`.
public struct SalesforceRecordsMerged: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var object: String
    public var masterId: String
    public var mergedIds: [String]
    public var source: ChangeSource

    public init(object: String, masterId: String, mergedIds: [String], source: ChangeSource) {
        self.object = object
        self.masterId = masterId
        self.mergedIds = mergedIds
        self.source = source
    }
}

/// A Lead converted (R3, C6): `V1.LeadConverted`.
public struct LeadConverted: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var leadId: String
    public var contactId: String
    public var accountId: String?
    public var opportunityId: String?
    public var convertedAt: Timestamp?
    public var source: ChangeSource

    public init(
        leadId: String, contactId: String, accountId: String? = nil, opportunityId: String? = nil,
        convertedAt: Timestamp? = nil, source: ChangeSource
    ) {
        self.leadId = leadId
        self.contactId = contactId
        self.accountId = accountId
        self.opportunityId = opportunityId
        self.convertedAt = convertedAt
        self.source = source
    }
}
