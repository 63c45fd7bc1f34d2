/// A value written to a Salesforce field.
public enum FieldValue: Sendable, Hashable {
    case string(String)
    /// A date field (`ActivityDate`): `YYYY-MM-DD`.
    case date(LocalDate)
    /// A date-time field (`MixmaxActivityDateTime__c`, Event `StartDateTime`).
    case dateTime(Timestamp)
    case bool(Bool)
    case int(Int64)
    /// A list of record ids (`TaskWhoIds`).
    case idList([String])
    /// Clear the field.
    case null
}

/// One field of a planned write, in the order the planner set it.
public struct WriteField: Sendable, Hashable {
    public var name: String
    public var value: FieldValue
    public init(_ name: String, _ value: FieldValue) {
        self.name = name
        self.value = value
    }
}

/// The Salesforce object a write targets.
public enum WriteObject: String, Sendable, Hashable, CaseIterable {
    case task = "Task"
    case event = "Event"
}

/// Upsert by sync key, or delete (E5).
public enum WriteOperation: String, Sendable, Hashable, CaseIterable {
    case upsert
    case delete
}

/// One intended Salesforce write, keyed by its sync key (W1).
public struct PlannedWrite: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var syncKey: String
    public var object: WriteObject
    public var operation: WriteOperation
    public var fields: [WriteField]

    public init(syncKey: String, object: WriteObject, operation: WriteOperation, fields: [WriteField]) {
        self.syncKey = syncKey
        self.object = object
        self.operation = operation
        self.fields = fields
    }

    /// The value of field `name`, if set.
    public subscript(field name: String) -> FieldValue? {
        fields.first { $0.name == name }?.value
    }
}

extension PlannedWrite {
    /// A write with every field empty, for the binary decoder to fill in (in its slot of the
    /// plan's list of writes). The enum fields' values are placeholders: the decoder throws
    /// unless the record sets them.
    init(emptyForDecoding: Void) {
        syncKey = ""
        object = .task
        operation = .upsert
        fields = []
    }
}

/// Why the planner decided something: the rule id (`X1`, `R6`, `D2`), a short
/// sentence, and what it looked at.
///
/// `text` is for the people who read `explain` and the activity log; it may
/// name addresses (the audit is where they belong), but never goes to default logs.
public struct Reason: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    /// A key/value the rule looked at (`"recipient": "bob@globex.com"`).
    public struct Datum: Sendable, Hashable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    public var rule: String
    public var text: String
    public var data: [Datum]

    public init(rule: String, text: String, data: [Datum] = []) {
        self.rule = rule
        self.text = text
        self.data = data
    }
}

/// L1's statuses.
public enum ActivityStatus: String, Sendable, Hashable, CaseIterable {
    case synced = "Synced"
    case notSynced = "Not Synced"
    case error = "Error"
    case pending = "Pending"
}

/// The planner's decision for one activity: `V1.ActivityPlanned`.
///
/// Equality and hashing are over the plan's fields; ``encoded`` (how it was read) is not part
/// of the value.
public struct ActivityPlanned: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields() { didSet { encoded = nil } }

    public var activityId: String { didSet { encoded = nil } }
    /// Log position of the activity event that was planned.
    public var activityPosition: UInt64 { didSet { encoded = nil } }
    public var writes: [PlannedWrite] { didSet { encoded = nil } }
    public var reasons: [Reason] { didSet { encoded = nil } }
    /// What the activity log should show until outcomes arrive: `pending` with writes,
    /// `notSynced` without.
    public var status: ActivityStatus { didSet { encoded = nil } }

    /// The log's encoding of this plan, when it was decoded from the log (nil when the planner
    /// made it, and once any field is changed): the activity log keeps these bytes as the
    /// plan (``StoredPlan``) instead of encoding it again, a copy instead of a pass over every
    /// field and string.
    var encoded: [UInt8]? = nil

    public static func == (lhs: ActivityPlanned, rhs: ActivityPlanned) -> Bool {
        lhs.activityId == rhs.activityId && lhs.activityPosition == rhs.activityPosition && lhs.status == rhs.status
            && lhs.writes == rhs.writes && lhs.reasons == rhs.reasons && lhs.unknownFields == rhs.unknownFields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(activityId)
        hasher.combine(activityPosition)
        hasher.combine(writes)
        hasher.combine(reasons)
        hasher.combine(status)
        hasher.combine(unknownFields)
    }

    public init(
        activityId: String, activityPosition: UInt64, writes: [PlannedWrite], reasons: [Reason],
        status: ActivityStatus
    ) {
        self.activityId = activityId
        self.activityPosition = activityPosition
        self.writes = writes
        self.reasons = reasons
        self.status = status
    }
}

extension ActivityPlanned {
    /// A plan with every field empty, for the binary decoder to fill in. `status` is a
    /// placeholder: the decoder throws unless the record sets it.
    init(emptyForDecoding: Void) {
        activityId = ""
        activityPosition = 0
        writes = []
        reasons = []
        status = .pending
    }
}

/// About to send the write with this key: `V1.WriteDispatching`. A key with no
/// outcome after this is in doubt after a crash.
public struct WriteDispatching: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var syncKey: String
    /// 1 for the first attempt.
    public var attempt: Int

    public init(syncKey: String, attempt: Int) {
        self.syncKey = syncKey
        self.attempt = attempt
    }
}

/// Salesforce accepted the write: `V1.WriteSucceeded`.
public struct WriteSucceeded: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var syncKey: String
    public var salesforceId: String
    /// Created (true) or updated an existing record (false).
    public var created: Bool
    /// The request body sent for this record (L2), e.g. sorted-keys JSON.
    public var request: String
    /// Salesforce's response for this record (L2).
    public var response: String

    public init(syncKey: String, salesforceId: String, created: Bool, request: String = "", response: String = "") {
        self.syncKey = syncKey
        self.salesforceId = salesforceId
        self.created = created
        self.request = request
        self.response = response
    }
}

/// How a failed write is handled (W2-W6).
public enum FailureClass: String, Sendable, Hashable, CaseIterable {
    /// Retry with backoff (W2).
    case transient
    /// The org's quota: pause writes (W4).
    case quota
    /// Session or token: refresh or re-authorise (W3).
    case auth
    /// This record only: fails the write (W5, W6).
    case permanentRecord
    /// Configuration or org setup: fails the write until someone fixes it.
    case permanentConfig
}

/// Salesforce refused the write: `V1.WriteFailed`.
public struct WriteFailed: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var syncKey: String
    public var failureClass: FailureClass
    /// Salesforce's error code, e.g. `UNABLE_TO_LOCK_ROW`.
    public var errorCode: String
    /// Salesforce's message, verbatim (W5).
    public var message: String
    public var attempt: Int
    /// When to try again (transient/quota); nil when it will not be retried.
    public var nextAttemptAt: Timestamp?

    public init(
        syncKey: String, failureClass: FailureClass, errorCode: String, message: String, attempt: Int,
        nextAttemptAt: Timestamp? = nil
    ) {
        self.syncKey = syncKey
        self.failureClass = failureClass
        self.errorCode = errorCode
        self.message = message
        self.attempt = attempt
        self.nextAttemptAt = nextAttemptAt
    }
}

/// A failed write put back in the queue (`synclog outbox retry KEY`): `V1.WriteRequeued`.
public struct WriteRequeued: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var syncKey: String
    /// Who or what asked (`operator`, `W6 record deleted`).
    public var reason: String

    public init(syncKey: String, reason: String = "") {
        self.syncKey = syncKey
        self.reason = reason
    }
}

/// D1: an activity id delivered again; recorded, changes nothing: `V1.DuplicateDelivery`.
public struct DuplicateDelivery: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var activityId: String
    /// The second body differs from the first (the first wins; the difference is audited).
    public var bodyDiffers: Bool
    /// The second delivery's body, kept for the audit when it differs (else empty).
    public var source: [UInt8]

    public init(activityId: String, bodyDiffers: Bool, source: [UInt8] = []) {
        self.activityId = activityId
        self.bodyDiffers = bodyDiffers
        self.source = source
    }
}

/// W3: the connection's token can no longer be refreshed; writes wait: `V1.ConnectionNeedsReauthorisation`.
public struct ConnectionNeedsReauthorisation: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var errorCode: String
    public var message: String

    public init(errorCode: String, message: String) {
        self.errorCode = errorCode
        self.message = message
    }
}

/// W4: writes paused (quota): `V1.WritesPaused`.
public struct WritesPaused: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var reason: String
    /// When to look again, if known.
    public var until: Timestamp?

    public init(reason: String, until: Timestamp? = nil) {
        self.reason = reason
        self.until = until
    }
}

/// W4: writes resumed: `V1.WritesResumed`.
public struct WritesResumed: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// A new configuration in force: `V1.WorkspaceConfigured`.
public struct WorkspaceConfigured: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var configuration: WorkspaceConfiguration
    public init(configuration: WorkspaceConfiguration) { self.configuration = configuration }
}
