/// First open, click and download per message (D2), and the first occurrence
/// of each recurring calendar series (X7). Grows with messages and series, not
/// with the number of engagement events.
public struct Engagement: Sendable, Hashable, Codable {
    /// The first activity of each engagement type on one message.
    public struct FirstOnMessage: Sendable, Hashable {
        public var opened: String?
        public var clicked: String?
        public var downloaded: String?

        /// The first activity of `type` (nil for a type that is not an engagement).
        public subscript(type: ActivityType) -> String? {
            get {
                switch type {
                case .emailOpened: return opened
                case .emailClicked: return clicked
                case .emailDownloaded: return downloaded
                default: return nil
                }
            }
            set {
                switch type {
                case .emailOpened: opened = newValue
                case .emailClicked: clicked = newValue
                case .emailDownloaded: downloaded = newValue
                default: break
                }
            }
        }

        static let types: [ActivityType] = [.emailOpened, .emailClicked, .emailDownloaded]
    }

    /// Message id -> the first activity id of each engagement type on that message.
    ///
    /// Keyed by the message id alone (a ``KeyedEntries``, one lookup of an id the event
    /// already holds): a key per message and type, `"{messageId}\u{1F}{type}"`, was a new
    /// string to build and hash with `Hasher` on every open, click and download. The
    /// snapshot keeps those keys (see ``encode(to:)``).
    public var firstByMessage = KeyedEntries<FirstOnMessage>()
    /// Recurring series id -> meeting id of its first occurrence seen.
    public var firstOccurrence: [String: String] = [:]

    public static let initial = Engagement()

    public init() {}

    /// The snapshot's key of the first `type` on message `message`.
    static func key(message: String, type: ActivityType) -> String { message + "\u{1F}" + type.rawValue }

    public mutating func evolve(_ activity: Activity) {
        switch activity.type {
        case .emailOpened, .emailClicked, .emailDownloaded:
            guard let m = activity.message else { return }
            let slot = firstByMessage.slot(of: m.id, insertingIfAbsent: { FirstOnMessage() }).slot
            if firstByMessage.values[slot][activity.type] == nil { firstByMessage.values[slot][activity.type] = activity.id }
        case .calendarUpserted:
            guard let meeting = activity.meeting, let series = meeting.recurringEventId else { return }
            if firstOccurrence[series] == nil { firstOccurrence[series] = meeting.id }
        default:
            return
        }
    }

    /// The first activity of `type` on message `messageId`, if any.
    public func first(message messageId: String, type: ActivityType) -> String? {
        firstByMessage[messageId]?[type]
    }
}

extension Engagement {
    enum CodingKeys: String, CodingKey { case firstByMessage, firstOccurrence }

    /// The shape of the snapshot when ``firstByMessage`` was a dictionary keyed by message
    /// and type: `{"firstByMessage": {"{messageId}\u{1F}{type}": activityId}, "firstOccurrence": {…}}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        var flat: [String: String] = [:]
        flat.reserveCapacity(firstByMessage.count)
        for (message, first) in firstByMessage {
            for type in FirstOnMessage.types {
                if let id = first[type] { flat[Self.key(message: message, type: type)] = id }
            }
        }
        try c.encode(flat, forKey: .firstByMessage)
        try c.encode(firstOccurrence, forKey: .firstOccurrence)
    }

    /// Splits each `"{messageId}\u{1F}{type}"` key at its type suffix; a key whose suffix is
    /// not an engagement type (never written) is an error rather than silently dropped.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let flat = try c.decode([String: String].self, forKey: .firstByMessage)
        var byMessage: [String: FirstOnMessage] = [:]
        for (key, id) in flat {
            guard let type = FirstOnMessage.types.first(where: { key.hasSuffix("\u{1F}" + $0.rawValue) }) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .firstByMessage, in: c, debugDescription: "a firstByMessage key without an engagement type")
            }
            let message = String(key.dropLast(type.rawValue.count + 1))
            byMessage[message, default: FirstOnMessage()][type] = id
        }
        firstByMessage = KeyedEntries(byMessage, order: [])
        firstOccurrence = try c.decode([String: String].self, forKey: .firstOccurrence)
    }
}
