/// First open, click and download per message (D2), and the first occurrence
/// of each recurring calendar series (X7). Grows with messages and series, not
/// with the number of engagement events.
public struct Engagement: Sendable, Hashable, Codable {
    /// `"{messageId}\u{1F}{type}"` -> the first activity id of that type on that message.
    public var firstByMessage: [String: String] = [:]
    /// Recurring series id -> meeting id of its first occurrence seen.
    public var firstOccurrence: [String: String] = [:]

    public static let initial = Engagement()

    static func key(message: String, type: ActivityType) -> String { message + "\u{1F}" + type.rawValue }

    public mutating func evolve(_ activity: Activity) {
        switch activity.type {
        case .emailOpened, .emailClicked, .emailDownloaded:
            guard let m = activity.message else { return }
            let k = Self.key(message: m.id, type: activity.type)
            if firstByMessage[k] == nil { firstByMessage[k] = activity.id }
        case .calendarUpserted:
            guard let meeting = activity.meeting, let series = meeting.recurringEventId else { return }
            if firstOccurrence[series] == nil { firstOccurrence[series] = meeting.id }
        default:
            return
        }
    }

    /// The first activity of `type` on message `messageId`, if any.
    public func first(message messageId: String, type: ActivityType) -> String? {
        firstByMessage[Self.key(message: messageId, type: type)]
    }
}
