/// One field of an sObject describe.
public struct DescribedField: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var name: String
    /// Salesforce's field type: `string`, `datetime`, `reference`, `boolean`, ...
    public var type: String
    public var externalId: Bool
    public var unique: Bool
    public var createable: Bool
    public var updateable: Bool

    public init(
        name: String, type: String, externalId: Bool = false, unique: Bool = false, createable: Bool = true,
        updateable: Bool = true
    ) {
        self.name = name
        self.type = type
        self.externalId = externalId
        self.unique = unique
        self.createable = createable
        self.updateable = updateable
    }
}

/// An sObject describe as seen (C5, T5, H1): `V1.DescribeObserved`.
///
/// E.g. Task with `Synclog_Key__c` (external id), `MixmaxActivityDateTime__c`
/// (datetime) and `TaskWhoIds` (shared activities on).
public struct DescribeObserved: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var object: String
    public var fields: [DescribedField]
    /// Fields known to exist but not visible to the integration user.
    public var hiddenFields: [String]

    public init(object: String, fields: [DescribedField], hiddenFields: [String] = []) {
        self.object = object
        self.fields = fields
        self.hiddenFields = hiddenFields
    }

    /// The field named `name` (case-insensitive, as Salesforce API names are).
    public func field(named name: String) -> DescribedField? {
        let n = name.lowercased()
        return fields.first { $0.name.lowercased() == n }
    }
}

/// Org-wide settings as seen: `V1.OrgSettingsObserved`.
public struct OrgSettingsObserved: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var organizationId: String?
    public var sandbox: Bool?
    /// Shared activities (H1) enabled in the org.
    public var sharedActivities: Bool?
    /// Daily API request allowance (W4).
    public var dailyApiLimit: Int?
    /// Daily API requests remaining at observation time.
    public var dailyApiRemaining: Int?

    public init(
        organizationId: String? = nil, sandbox: Bool? = nil, sharedActivities: Bool? = nil,
        dailyApiLimit: Int? = nil, dailyApiRemaining: Int? = nil
    ) {
        self.organizationId = organizationId
        self.sandbox = sandbox
        self.sharedActivities = sharedActivities
        self.dailyApiLimit = dailyApiLimit
        self.dailyApiRemaining = dailyApiRemaining
    }
}

/// The interval poller's watermark for one object moved (C1): `V1.PollCursorAdvanced`.
/// The next poll asks for `(SystemModstamp, Id) > (systemModstamp, lastId)`.
public struct PollCursorAdvanced: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var object: String
    public var systemModstamp: Timestamp
    public var lastId: String

    public init(object: String, systemModstamp: Timestamp, lastId: String) {
        self.object = object
        self.systemModstamp = systemModstamp
        self.lastId = lastId
    }
}

/// Progress of a full state audit of one object (C3): `V1.AuditCursorAdvanced`.
public struct AuditCursorAdvanced: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var object: String
    /// The last Id read (audits page by Id); nil at the start of an audit.
    public var lastId: String?
    /// True when the audit of this object finished.
    public var completed: Bool

    public init(object: String, lastId: String? = nil, completed: Bool) {
        self.object = object
        self.lastId = lastId
        self.completed = completed
    }
}

/// A deletion sweep of one object ran through `sweptThrough` (C4): `V1.SweepCursorAdvanced`.
public struct SweepCursorAdvanced: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var object: String
    public var sweptThrough: Timestamp

    public init(object: String, sweptThrough: Timestamp) {
        self.object = object
        self.sweptThrough = sweptThrough
    }
}
