/// Every fact the log holds. New cases are added as later issues need them;
/// `indirect` keeps an envelope small (payloads are boxed): copying events is cheap.
/// switch with `default` outside this module.
public indirect enum DomainEvent: Sendable, Hashable {
    /// An activity (its ``EventType`` follows ``Activity/type``).
    case activity(Activity)
    case workspaceConfigured(WorkspaceConfigured)
    case salesforceRecordChanged(SalesforceRecordChange)
    case salesforceRecordDeleted(SalesforceRecordDeleted)
    case salesforceRecordsMerged(SalesforceRecordsMerged)
    case leadConverted(LeadConverted)
    case describeObserved(DescribeObserved)
    case orgSettingsObserved(OrgSettingsObserved)
    case pollCursorAdvanced(PollCursorAdvanced)
    case auditCursorAdvanced(AuditCursorAdvanced)
    case sweepCursorAdvanced(SweepCursorAdvanced)
    case activityPlanned(ActivityPlanned)
    case writeDispatching(WriteDispatching)
    case writeSucceeded(WriteSucceeded)
    case writeFailed(WriteFailed)
    case writeRequeued(WriteRequeued)
    case duplicateDelivery(DuplicateDelivery)
    case connectionNeedsReauthorisation(ConnectionNeedsReauthorisation)
    case writesPaused(WritesPaused)
    case writesResumed(WritesResumed)

    /// The pinned wire name this event is stored under.
    public var type: EventType {
        switch self {
        case .activity(let a): return .activity(a.type)
        case .workspaceConfigured: return .workspaceConfigured
        case .salesforceRecordChanged: return .salesforceRecordChanged
        case .salesforceRecordDeleted: return .salesforceRecordDeleted
        case .salesforceRecordsMerged: return .salesforceRecordsMerged
        case .leadConverted: return .leadConverted
        case .describeObserved: return .describeObserved
        case .orgSettingsObserved: return .orgSettingsObserved
        case .pollCursorAdvanced: return .pollCursorAdvanced
        case .auditCursorAdvanced: return .auditCursorAdvanced
        case .sweepCursorAdvanced: return .sweepCursorAdvanced
        case .activityPlanned: return .activityPlanned
        case .writeDispatching: return .writeDispatching
        case .writeSucceeded: return .writeSucceeded
        case .writeFailed: return .writeFailed
        case .writeRequeued: return .writeRequeued
        case .duplicateDelivery: return .duplicateDelivery
        case .connectionNeedsReauthorisation: return .connectionNeedsReauthorisation
        case .writesPaused: return .writesPaused
        case .writesResumed: return .writesResumed
        }
    }
}

/// One log record: id (dedup key), type, workspace, when it was recorded, and the event.
///
/// ```swift
/// let activity: Activity = ...
/// let envelope = EventEnvelope(activity: activity, recordedAt: Timestamp(millisecondsSinceEpoch: now))
/// let bytes = envelope.binaryEncoded()                 // for the log
/// let back = try EventEnvelope(binary: bytes)          // or EventEnvelope(binary: rawBufferPointer)
/// ```
public struct EventEnvelope: Sendable, Hashable {
    /// The log's dedup key.
    public var id: EventID
    public var workspace: String
    /// When the log recorded it (given by the caller; the domain reads no clock).
    public var recordedAt: Timestamp
    public var event: DomainEvent
    /// Envelope fields written by a newer version, kept so they survive a round trip.
    public var unknownFields: UnknownFields

    public init(
        id: EventID, workspace: String, recordedAt: Timestamp, event: DomainEvent,
        unknownFields: UnknownFields = UnknownFields()
    ) {
        self.id = id
        self.workspace = workspace
        self.recordedAt = recordedAt
        self.event = event
        self.unknownFields = unknownFields
    }

    /// An activity's envelope with its deterministic id `activity/{workspace}/{id}` (D1).
    public init(activity: Activity, recordedAt: Timestamp) {
        self.init(id: activity.eventID, workspace: activity.workspace, recordedAt: recordedAt, event: .activity(activity))
    }

    /// The pinned wire name of the event.
    public var type: EventType { event.type }
}

/// Fields a decoder did not know, kept as their raw tag-length-value bytes so
/// that they are written back unchanged on re-encoding.
public struct UnknownFields: Sendable, Hashable {
    public var bytes: [UInt8]
    public init(bytes: [UInt8] = []) { self.bytes = bytes }
    public var isEmpty: Bool { bytes.isEmpty }
}
