/// E5 in log order: a change or cancel of a calendar event is decided only once every earlier
/// activity of the same event has its plan folded.
///
/// Plans are appended at the end of the log, after the activity they decide (``Decider``). A
/// create and its cancel that arrive close together (in one `POST /activities`, or one catch-up)
/// are both folded before the create's plan is: deciding the cancel then would find no Event
/// planned and delete nothing, and the Event of a canceled meeting would stay in Salesforce.
/// Which of the two happened depended on timing. So a calendar activity that has an earlier
/// activity of the same event still waiting for its plan *waits* itself: the Decider gives it
/// no plan when it is folded (it is Pending), and plans it when the last earlier plan is folded.
///
/// It also knows the latest activity of each calendar event, so that an R5 re-plan never brings
/// back an Event a later change or cancel replaced (``isSuperseded(_:)``).
///
/// ``unplanned`` and ``waiting`` hold calendar activities in flight only (an activity leaves when
/// its plan is folded); ``latest`` grows with calendar events, not with activities.
public struct CalendarOrder: Sendable, Hashable, Codable {
    /// Meeting id -> its calendar activities folded without a plan yet, in log order.
    public var unplanned: [String: [String]] = [:]
    /// Activity id -> its meeting id, for the activities in ``unplanned``.
    public var meetingOfUnplanned: [String: String] = [:]
    /// Activities whose decision waits for the plans of earlier activities of their meeting.
    public var waiting: Set<String> = []
    /// Meeting id -> the id of its latest calendar activity in the log.
    public var latest: [String: String] = [:]

    public static let initial = CalendarOrder()

    /// The activity types that decide a calendar event's Events (E1-E5): the ones ordered here.
    public static func orders(_ type: ActivityType) -> Bool { type == .calendarUpserted || type == .calendarDeleted }

    /// Folds a calendar activity: it waits when an earlier one of its meeting has no plan yet.
    /// `alreadyPlanned` is true for an activity that has a plan (nothing to order).
    mutating func evolve(_ activity: Activity, alreadyPlanned: Bool) {
        guard Self.orders(activity.type), let meeting = activity.meeting?.id else { return }
        latest[meeting] = activity.id
        guard !alreadyPlanned, meetingOfUnplanned[activity.id] == nil else { return }
        if let earlier = unplanned[meeting], !earlier.isEmpty { waiting.insert(activity.id) }
        unplanned[meeting, default: []].append(activity.id)
        meetingOfUnplanned[activity.id] = meeting
    }

    /// Folds a plan: its activity no longer holds back the later ones of its meeting.
    mutating func planned(_ activityId: String) {
        // Every plan comes here, and nearly always nothing waits: no hash of the id then.
        guard !meetingOfUnplanned.isEmpty, let meeting = meetingOfUnplanned.removeValue(forKey: activityId) else { return }
        waiting.remove(activityId)
        unplanned[meeting]?.removeAll { $0 == activityId }
        if unplanned[meeting]?.isEmpty ?? false { unplanned[meeting] = nil }
    }

    /// True for a calendar activity a later one of the same calendar event replaced (a change or
    /// a cancel): planning it again (R5) would bring back what the later one changed or deleted.
    public func isSuperseded(_ activity: Activity) -> Bool {
        guard Self.orders(activity.type), let meeting = activity.meeting?.id,
              let last = latest[meeting] else { return false }
        return last != activity.id
    }

    /// The activity of `meeting` that may be decided now: the earliest without a plan, when it
    /// waits (every activity before it is planned).
    public func releasable(meeting: String) -> String? {
        guard let next = unplanned[meeting]?.first, waiting.contains(next) else { return nil }
        return next
    }
}
