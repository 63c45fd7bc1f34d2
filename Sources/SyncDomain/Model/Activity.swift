/// What happened on the sales-engagement side (contract section 1).
public enum ActivityType: String, Sendable, Hashable, CaseIterable {
    case emailSent = "email.sent"
    case emailReceived = "email.received"
    case emailOpened = "email.opened"
    case emailClicked = "email.clicked"
    case emailDownloaded = "email.downloaded"
    case emailReplied = "email.replied"
    case emailBounced = "email.bounced"
    case meetingConfirmed = "meeting.confirmed"
    case meetingCanceled = "meeting.canceled"
    case calendarUpserted = "calendar.upserted"
    case calendarDeleted = "calendar.deleted"
    case taskUpserted = "task.upserted"
    case callLogged = "call.logged"

    /// Whether this type carries `message` (all `email.*`).
    public var carriesMessage: Bool { rawValue.hasPrefix("email.") }
    /// Whether this type carries `meeting` (`meeting.*`, `calendar.*`).
    public var carriesMeeting: Bool { rawValue.hasPrefix("meeting.") || rawValue.hasPrefix("calendar.") }
    /// Whether this type may carry `recipient` (the tracked recipient of an open, click, download, reply or bounce).
    public var carriesRecipient: Bool {
        switch self {
        case .emailOpened, .emailClicked, .emailDownloaded, .emailReplied, .emailBounced: return true
        default: return false
        }
    }
}

/// An email address with an optional display name: `{"email","name"}`.
///
/// `email` is kept as received; compare with ``normalizedEmail`` (R1: case-insensitive, trimmed).
public struct Person: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var email: String
    public var name: String?

    public init(email: String, name: String? = nil) {
        self.email = email
        self.name = name
    }

    /// Lower-cased, trimmed form used for matching (R1).
    public var normalizedEmail: String { EmailAddress.normalize(email) }
}

/// The sequence an email belongs to (S11): `{"id","name","stage"}`.
public struct SequenceRef: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var id: String
    public var name: String
    public var stage: Int

    public init(id: String, name: String, stage: Int) {
        self.id = id
        self.name = name
        self.stage = stage
    }
}

/// The email an `email.*` activity is about.
///
/// Optional stored properties are spelled `Optional<T>`, not `T?`: a `var x: T?` is first
/// set to nil implicitly and then assigned again by the initialiser, and for a struct this
/// size the optimizer then leaves a retain and a release of every field at its end.
public struct Message: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var id: String
    public var threadId: Optional<String>
    public var rfc822Id: Optional<String>
    public var subject: String
    public var from: Person
    public var to: [Person]
    public var cc: [Person]
    public var bcc: [Person]
    /// A reply in an existing thread (S2/S12) rather than a new thread (S1). Absent in the input means `false`.
    public var isReply: Bool
    /// Sent through the product rather than e.g. from a phone (X5). Absent in the input means `true`.
    public var sentWithProduct: Bool
    /// The mail client (`gmail`, `outlook`, ...), when known.
    public var client: Optional<String>
    public var sequence: Optional<SequenceRef>

    public init(
        id: String, threadId: String? = nil, rfc822Id: String? = nil, subject: String, from: Person,
        to: [Person], cc: [Person] = [], bcc: [Person] = [], isReply: Bool = false, sentWithProduct: Bool = true,
        client: String? = nil, sequence: SequenceRef? = nil
    ) {
        self.id = id
        self.threadId = threadId
        self.rfc822Id = rfc822Id
        self.subject = subject
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.isReply = isReply
        self.sentWithProduct = sentWithProduct
        self.client = client
        self.sequence = sequence
    }
}

extension Message {
    /// A message with every field empty, for the binary decoder to fill in.
    init(emptyForDecoding: Void) {
        id = ""
        threadId = nil
        rfc822Id = nil
        subject = ""
        from = Person(email: "")
        to = []
        cc = []
        bcc = []
        isReply = false
        sentWithProduct = true
        client = nil
        sequence = nil
    }
}

/// A calendar event or a meeting scheduled through the product.
///
/// For `calendar.deleted` only `id` is required; every other type requires
/// `title`, `start`, `end` and `attendees`.
public struct Meeting: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var id: String
    public var title: String?
    public var start: Timestamp?
    public var end: Timestamp?
    /// Absent in the input means `false`.
    public var allDay: Bool
    public var organizer: Person?
    public var attendees: [Person]
    /// The calendar it is on; absent in the input means `primary` (X7).
    public var calendar: String
    /// Set on occurrences of a recurring series (X7: only the first occurrence syncs).
    public var recurringEventId: String?
    /// Scheduled through the product (S9/S10). Absent in the input means `false`.
    public var scheduledWithProduct: Bool

    public init(
        id: String, title: String? = nil, start: Timestamp? = nil, end: Timestamp? = nil, allDay: Bool = false,
        organizer: Person? = nil, attendees: [Person] = [], calendar: String = "primary",
        recurringEventId: String? = nil, scheduledWithProduct: Bool = false
    ) {
        self.id = id
        self.title = title
        self.start = start
        self.end = end
        self.allDay = allDay
        self.organizer = organizer
        self.attendees = attendees
        self.calendar = calendar
        self.recurringEventId = recurringEventId
        self.scheduledWithProduct = scheduledWithProduct
    }
}

/// A task from the product's task list (S13-S15, S17).
public struct ActivityTask: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case todo
        case call
        case linkedinConnect = "linkedin_connect"
        case linkedinInmail = "linkedin_inmail"
        case email
    }

    public enum Status: String, Sendable, Hashable, CaseIterable {
        case open
        case completed
    }

    public var id: String
    public var kind: Kind
    public var subject: String
    public var status: Status
    public var dueDate: LocalDate?
    /// Sequence stage number (S14/S15).
    public var stage: Int?
    public var person: Person?

    public init(
        id: String, kind: Kind, subject: String, status: Status, dueDate: LocalDate? = nil, stage: Int? = nil,
        person: Person? = nil
    ) {
        self.id = id
        self.kind = kind
        self.subject = subject
        self.status = status
        self.dueDate = dueDate
        self.stage = stage
        self.person = person
    }
}

/// A call logged against a person (S16).
public struct Call: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var id: String
    public var person: Person
    public var phone: String?
    /// Label of the phone field used (`Phone`, `MobilePhone`, ...).
    public var phoneField: String?
    public var durationSeconds: Int?
    public var disposition: String?
    public var notes: String?

    public init(
        id: String, person: Person, phone: String? = nil, phoneField: String? = nil, durationSeconds: Int? = nil,
        disposition: String? = nil, notes: String? = nil
    ) {
        self.id = id
        self.person = person
        self.phone = phone
        self.phoneField = phoneField
        self.durationSeconds = durationSeconds
        self.disposition = disposition
        self.notes = notes
    }
}

/// One activity as received (contract section 1): the same envelope for every
/// kind, with the kind's own part in `message`/`meeting`/`task`/`call`.
///
/// `source` keeps the activity's JSON object exactly as it arrived, so unknown
/// extra fields survive (export, audit, D1 body comparison) while the rules
/// read only the typed fields.
public struct Activity: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var id: String
    public var workspace: String
    public var type: ActivityType
    public var occurredAt: Timestamp
    /// The UTC offset the sender wrote `occurredAt` in, in minutes (kept for faithful export).
    public var occurredAtOffsetMinutes: Int
    public var userId: String
    public var message: Optional<Message>
    public var recipient: Optional<Person>
    public var url: Optional<String>
    public var fileName: Optional<String>
    /// `meeting.*` and `calendar.*`.
    public var meeting: Meeting? {
        get { rare?.parts.meeting }
        set { updateRare { $0.meeting = newValue } }
    }
    /// `task.upserted`.
    public var task: ActivityTask? {
        get { rare?.parts.task }
        set { updateRare { $0.task = newValue } }
    }
    /// `call.logged`.
    public var call: Call? {
        get { rare?.parts.call }
        set { updateRare { $0.call = newValue } }
    }
    /// Meeting, task and call live in one box: most activities are emails, and keeping
    /// the three inline would make every Activity (and every copy of it) ~800 bytes.
    private var rare: Optional<RareParts>
    /// The original JSON object bytes (UTF-8), or empty when the activity was built in code.
    public var source: [UInt8]

    public init(
        id: String, workspace: String, type: ActivityType, occurredAt: Timestamp, occurredAtOffsetMinutes: Int = 0,
        userId: String, message: Message? = nil, recipient: Person? = nil, url: String? = nil,
        fileName: String? = nil, meeting: Meeting? = nil, task: ActivityTask? = nil, call: Call? = nil,
        source: [UInt8] = []
    ) {
        self.id = id
        self.workspace = workspace
        self.type = type
        self.occurredAt = occurredAt
        self.occurredAtOffsetMinutes = occurredAtOffsetMinutes
        self.userId = userId
        self.message = message
        self.recipient = recipient
        self.url = url
        self.fileName = fileName
        self.source = source
        // `case .none` rather than `!= nil`: the parts are Equatable, and `!=` would copy each
        // one and compare it field by field (this initialiser runs for every decoded activity).
        if case .none = meeting, case .none = task, case .none = call {
            self.rare = nil
        } else {
            self.rare = .boxed(RareParts.Parts(meeting: meeting, task: task, call: call))
        }
    }

    /// An activity of `type` with every field empty, for the binary decoder to fill in.
    /// Each stored property is set to a constant (no optional parts to box, nothing to copy).
    init(emptyOfType type: ActivityType) {
        id = ""
        workspace = ""
        self.type = type
        occurredAt = Timestamp(millisecondsSinceEpoch: 0)
        occurredAtOffsetMinutes = 0
        userId = ""
        message = nil
        recipient = nil
        url = nil
        fileName = nil
        rare = nil
        source = []
    }

    private mutating func updateRare(_ change: (inout RareParts.Parts) -> Void) {
        var parts = rare?.parts ?? RareParts.Parts()
        change(&parts)
        if case .none = parts.meeting, case .none = parts.task, case .none = parts.call {
            rare = nil
        } else {
            rare = .boxed(parts)
        }
    }

    /// The log's dedup key for this activity: `activity/{workspace}/{id}` (D1).
    public var eventID: EventID { EventID.activity(workspace: workspace, activityId: id) }
}

/// The boxed, rarely present parts of an ``Activity``.
indirect enum RareParts: Sendable, Hashable {
    struct Parts: Sendable, Hashable {
        var meeting: Meeting?
        var task: ActivityTask?
        var call: Call?
    }

    case boxed(Parts)

    var parts: Parts {
        switch self {
        case .boxed(let p): return p
        }
    }
}

/// Email address helpers shared by the validators and the rules.
public enum EmailAddress {
    /// Lower-cased and trimmed (R1).
    public static func normalize(_ email: String) -> String {
        var s = Substring(email)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return s.lowercased()
    }

    /// The shape the contract accepts: `local@domain.tld`, no whitespace, exactly one `@`,
    /// a domain of dot-separated non-empty labels with at least one dot, at most 320 characters.
    /// Mirrors the JSON Schema pattern `^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`.
    public static func isValid(_ email: String) -> Bool {
        guard !email.isEmpty, email.unicodeScalars.count <= 320 else { return false }
        var local = 0
        var sawAt = false
        var labelLength = 0
        var dots = 0
        for u in email.unicodeScalars {
            if u.properties.isWhitespace { return false }
            if u == "@" {
                if sawAt { return false }
                sawAt = true
                continue
            }
            if !sawAt {
                local += 1
            } else if u == "." {
                if labelLength == 0 { return false }
                labelLength = 0
                dots += 1
            } else {
                labelLength += 1
            }
        }
        return sawAt && local > 0 && dots > 0 && labelLength > 0
    }

    /// The local part, lower-cased, without a `+tag` (X1).
    public static func localPart(_ email: String) -> String {
        let n = normalize(email)
        guard let at = n.lastIndex(of: "@") else { return n }
        let local = n[..<at]
        if let plus = local.firstIndex(of: "+") { return String(local[..<plus]) }
        return String(local)
    }

    /// The domain, lower-cased (X2).
    public static func domain(_ email: String) -> String {
        let n = normalize(email)
        guard let at = n.lastIndex(of: "@") else { return "" }
        return String(n[n.index(after: at)...])
    }
}
