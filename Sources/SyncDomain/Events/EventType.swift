/// The pinned wire name of an event type, with its schema version: `V1.EmailSent`.
///
/// Wire names are the storage contract: they are written into every log
/// record and are never derived from Swift type names. A renamed Swift type
/// keeps its wire name; a changed layout gets a new version (`V2.EmailSent`)
/// and an upcaster from the old one (``EventUpcaster``).
public struct EventType: Sendable, Hashable, CustomStringConvertible {
    /// `V{version}.{Name}`.
    public let wireName: String

    public init(wireName: String) { self.wireName = wireName }

    public var description: String { wireName }

    /// The schema version (`1` for `V1.EmailSent`), or nil if the name is not versioned.
    public var version: Int? {
        guard wireName.hasPrefix("V"), let dot = wireName.firstIndex(of: ".") else { return nil }
        return Int(wireName[wireName.index(after: wireName.startIndex)..<dot])
    }

    /// The name without its version (`EmailSent`).
    public var name: Substring {
        guard let dot = wireName.firstIndex(of: ".") else { return Substring(wireName) }
        return wireName[wireName.index(after: dot)...]
    }

    // Activities (contract section 1), one per activity `type`.
    public static let emailSent = EventType(wireName: "V1.EmailSent")
    public static let emailReceived = EventType(wireName: "V1.EmailReceived")
    public static let emailOpened = EventType(wireName: "V1.EmailOpened")
    public static let emailClicked = EventType(wireName: "V1.EmailClicked")
    public static let emailDownloaded = EventType(wireName: "V1.EmailDownloaded")
    public static let emailReplied = EventType(wireName: "V1.EmailReplied")
    public static let emailBounced = EventType(wireName: "V1.EmailBounced")
    public static let meetingConfirmed = EventType(wireName: "V1.MeetingConfirmed")
    public static let meetingCanceled = EventType(wireName: "V1.MeetingCanceled")
    public static let calendarEventUpserted = EventType(wireName: "V1.CalendarEventUpserted")
    public static let calendarEventDeleted = EventType(wireName: "V1.CalendarEventDeleted")
    public static let taskUpserted = EventType(wireName: "V1.TaskUpserted")
    public static let callLogged = EventType(wireName: "V1.CallLogged")

    // Configuration (section 2).
    public static let workspaceConfigured = EventType(wireName: "V1.WorkspaceConfigured")

    // Salesforce (section 3) and observations of the org.
    public static let salesforceRecordChanged = EventType(wireName: "V1.SalesforceRecordChanged")
    public static let salesforceRecordDeleted = EventType(wireName: "V1.SalesforceRecordDeleted")
    public static let salesforceRecordsMerged = EventType(wireName: "V1.SalesforceRecordsMerged")
    public static let leadConverted = EventType(wireName: "V1.LeadConverted")
    public static let describeObserved = EventType(wireName: "V1.DescribeObserved")
    public static let orgSettingsObserved = EventType(wireName: "V1.OrgSettingsObserved")
    public static let pollCursorAdvanced = EventType(wireName: "V1.PollCursorAdvanced")
    public static let auditCursorAdvanced = EventType(wireName: "V1.AuditCursorAdvanced")
    public static let sweepCursorAdvanced = EventType(wireName: "V1.SweepCursorAdvanced")

    // Planning and the outbox.
    public static let activityPlanned = EventType(wireName: "V1.ActivityPlanned")
    public static let writeDispatching = EventType(wireName: "V1.WriteDispatching")
    public static let writeSucceeded = EventType(wireName: "V1.WriteSucceeded")
    public static let writeFailed = EventType(wireName: "V1.WriteFailed")
    public static let writeRequeued = EventType(wireName: "V1.WriteRequeued")
    public static let duplicateDelivery = EventType(wireName: "V1.DuplicateDelivery")
    public static let connectionNeedsReauthorisation = EventType(wireName: "V1.ConnectionNeedsReauthorisation")
    public static let writesPaused = EventType(wireName: "V1.WritesPaused")
    public static let writesResumed = EventType(wireName: "V1.WritesResumed")

    /// The event type of an activity of type `type`.
    public static func activity(_ type: ActivityType) -> EventType {
        switch type {
        case .emailSent: return .emailSent
        case .emailReceived: return .emailReceived
        case .emailOpened: return .emailOpened
        case .emailClicked: return .emailClicked
        case .emailDownloaded: return .emailDownloaded
        case .emailReplied: return .emailReplied
        case .emailBounced: return .emailBounced
        case .meetingConfirmed: return .meetingConfirmed
        case .meetingCanceled: return .meetingCanceled
        case .calendarUpserted: return .calendarEventUpserted
        case .calendarDeleted: return .calendarEventDeleted
        case .taskUpserted: return .taskUpserted
        case .callLogged: return .callLogged
        }
    }

    /// Every event type this version of the domain writes.
    public static let allCurrent: [EventType] =
        ActivityType.allCases.map(EventType.activity) + [
            .workspaceConfigured, .salesforceRecordChanged, .salesforceRecordDeleted, .salesforceRecordsMerged,
            .leadConverted, .describeObserved, .orgSettingsObserved, .pollCursorAdvanced, .auditCursorAdvanced,
            .sweepCursorAdvanced, .activityPlanned, .writeDispatching, .writeSucceeded, .writeFailed,
            .writeRequeued, .duplicateDelivery, .connectionNeedsReauthorisation, .writesPaused, .writesResumed,
        ]
}

/// An event's id: the log's dedup key (D1). Deterministic where the domain can make it so.
public struct EventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: EventID, rhs: EventID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `activity/{workspace}/{activityId}`: the same activity delivered twice has the same id (D1).
    public static func activity(workspace: String, activityId: String) -> EventID {
        EventID("activity/\(workspace)/\(activityId)")
    }
}
