/// Activities as JSON (contract section 1): the runtime validator for
/// `synclog ingest` and `POST /activities`, and the export form.
///
/// ```swift
/// switch ActivityJSON.decode(Array(line.utf8)) {
/// case .success(let activity): append(EventEnvelope(activity: activity, recordedAt: now))
/// case .failure(let rejection): deadLetter(line, reason: rejection.description) // "message.to[0].email: not an email address"
/// }
/// ```
public enum ActivityJSON {
    /// Identifier-like values (`id`, `userId`, message and meeting ids): 1-255 characters.
    public static let maxIdLength = 255
    /// `url` of a click: at most 8192 characters.
    public static let maxURLLength = 8192
    /// `fileName` of a download: at most 1024 characters.
    public static let maxFileNameLength = 1024

    /// Decodes and validates one activity (one JSON Lines line, surrounding whitespace allowed).
    /// The result's `source` holds the object's bytes as received (unknown fields included).
    public static func decode(_ line: [UInt8]) -> Result<Activity, InputRejection> {
        line.withUnsafeBytes { decode($0) }
    }

    public static func decode(_ line: String) -> Result<Activity, InputRejection> {
        decode(Array(line.utf8))
    }

    public static func decode(_ line: UnsafeRawBufferPointer) -> Result<Activity, InputRejection> {
        Result { () throws(InputRejection) -> Activity in
            let trimmed = trimWhitespace(line)
            let o = try JSONFields.parseObject(trimmed, maxBytes: InputLimits.maxLineBytes, what: "the line")
            var activity = try JSONDecoding.activity(o)
            activity.source = Array(trimmed)
            return activity
        }
    }

    /// The activity as contract JSON: the bytes as received when there are any, else ``jsonValue(_:)``.
    public static func encode(_ activity: Activity) -> [UInt8] {
        activity.source.isEmpty ? jsonValue(activity).jsonBytes() : activity.source
    }

    /// The typed fields as contract JSON (unknown fields from `source` are not included).
    public static func jsonValue(_ a: Activity) -> JSONValue {
        var m: [JSONValue.Member] = [
            .init("id", .string(a.id)), .init("workspace", .string(a.workspace)), .init("type", .string(a.type.rawValue)),
            .init("occurredAt", .string(a.occurredAt.rfc3339String(offsetMinutes: a.occurredAtOffsetMinutes))),
            .init("userId", .string(a.userId)),
        ]
        if let msg = a.message { m.append(.init("message", JSONEncoding.message(msg))) }
        if let r = a.recipient { m.append(.init("recipient", JSONEncoding.person(r))) }
        if let u = a.url { m.append(.init("url", .string(u))) }
        if let f = a.fileName { m.append(.init("fileName", .string(f))) }
        if let mt = a.meeting { m.append(.init("meeting", JSONEncoding.meeting(mt))) }
        if let t = a.task { m.append(.init("task", JSONEncoding.task(t))) }
        if let c = a.call { m.append(.init("call", JSONEncoding.call(c))) }
        return .object(m)
    }
}

func trimWhitespace(_ b: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
    var start = 0
    var end = b.count
    func ws(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    while start < end, ws(b[start]) { start += 1 }
    while end > start, ws(b[end - 1]) { end -= 1 }
    return UnsafeRawBufferPointer(rebasing: b[start..<end])
}

/// The validators, shared by the three inputs.
enum JSONDecoding {
    static func activity(_ o: JSONFields) throws(InputRejection) -> Activity {
        let id = try o.string("id", min: 1, max: ActivityJSON.maxIdLength)
        let workspace = try workspaceName(o, "workspace")
        let type = try o.enumValue("type", ActivityType.self, what: "activity type")
        let (occurredAt, offset) = try o.dateTime("occurredAt")
        let userId = try o.string("userId", min: 1, max: ActivityJSON.maxIdLength)
        var a = Activity(
            id: id, workspace: workspace, type: type, occurredAt: occurredAt, occurredAtOffsetMinutes: offset,
            userId: userId)
        switch type {
        case .emailSent, .emailReceived, .emailOpened, .emailClicked, .emailDownloaded, .emailReplied, .emailBounced:
            a.message = try message(o.object("message"))
            if type.carriesRecipient {
                let needed = type == .emailReplied || type == .emailBounced
                if needed || o.has("recipient") { a.recipient = try person(o.object("recipient")) }
            }
            if type == .emailClicked { a.url = try o.string("url", min: 1, max: ActivityJSON.maxURLLength) }
            if type == .emailDownloaded {
                a.fileName = try o.string("fileName", min: 1, max: ActivityJSON.maxFileNameLength)
            }
        case .meetingConfirmed, .meetingCanceled, .calendarUpserted, .calendarDeleted:
            a.meeting = try meeting(o.object("meeting"), full: type != .calendarDeleted)
        case .taskUpserted:
            a.task = try task(o.object("task"))
        case .callLogged:
            a.call = try call(o.object("call"))
        }
        return a
    }

    /// Workspace names go into event ids (`activity/{workspace}/{id}`): letters, digits, `.`, `_`, `-`, 1-64.
    static func workspaceName(_ o: JSONFields, _ name: String) throws(InputRejection) -> String {
        let s = try o.string(name, min: 1, max: 64)
        guard isWorkspaceName(s) else {
            throw o.reject(name, "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        return s
    }

    static func isWorkspaceName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...64).contains(b.count) else { return false }
        for (i, c) in b.enumerated() {
            let alnum = (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c)
            if !(alnum || (i > 0 && (c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")))) {
                return false
            }
        }
        return true
    }

    static func person(_ o: JSONFields) throws(InputRejection) -> Person {
        Person(email: try o.email("email"), name: try o.optionalString("name"))
    }

    static func optionalPerson(_ o: JSONFields, _ name: String) throws(InputRejection) -> Person? {
        guard let p = try o.optionalObject(name) else { return nil }
        return try person(p)
    }

    static func people(_ o: JSONFields, _ name: String, required: Bool) throws(InputRejection) -> [Person] {
        if required { return try o.array(name, JSONElement.person) }
        return try o.optionalArray(name, JSONElement.person) ?? []
    }

    static func message(_ o: JSONFields) throws(InputRejection) -> Message {
        let id = try o.string("id", min: 1, max: ActivityJSON.maxIdLength)
        let threadId = try o.optionalString("threadId", max: ActivityJSON.maxIdLength)
        let rfc822Id = try o.optionalString("rfc822Id", max: 998)
        let subject = try o.string("subject")
        let from = try person(o.object("from"))
        let to = try people(o, "to", required: true)
        let cc = try people(o, "cc", required: false)
        let bcc = try people(o, "bcc", required: false)
        let isReply = try o.optionalBool("isReply") ?? false
        let sentWithProduct = try o.optionalBool("sentWithProduct") ?? true
        let client = try o.optionalString("client", max: 64)
        var sequence: SequenceRef? = nil
        if let s = try o.optionalObject("sequence") {
            sequence = SequenceRef(
                id: try s.string("id", min: 1, max: ActivityJSON.maxIdLength), name: try s.string("name"),
                stage: try s.int("stage", min: 0))
        }
        return Message(
            id: id, threadId: threadId, rfc822Id: rfc822Id, subject: subject, from: from, to: to, cc: cc, bcc: bcc,
            isReply: isReply, sentWithProduct: sentWithProduct, client: client, sequence: sequence)
    }

    static func meeting(_ o: JSONFields, full: Bool) throws(InputRejection) -> Meeting {
        let id = try o.string("id", min: 1, max: ActivityJSON.maxIdLength)
        var m = Meeting(id: id)
        if full {
            m.title = try o.string("title")
            m.start = try o.dateTime("start").0
            m.end = try o.dateTime("end").0
            m.attendees = try people(o, "attendees", required: true)
        } else {
            m.title = try o.optionalString("title")
            m.start = try o.optionalDateTime("start")
            m.end = try o.optionalDateTime("end")
            m.attendees = try people(o, "attendees", required: false)
        }
        m.allDay = try o.optionalBool("allDay") ?? false
        m.organizer = try optionalPerson(o, "organizer")
        m.calendar = try o.optionalString("calendar", min: 1, max: ActivityJSON.maxIdLength) ?? "primary"
        m.recurringEventId = try o.optionalString("recurringEventId", max: ActivityJSON.maxIdLength)
        m.scheduledWithProduct = try o.optionalBool("scheduledWithProduct") ?? false
        return m
    }

    static func task(_ o: JSONFields) throws(InputRejection) -> ActivityTask {
        ActivityTask(
            id: try o.string("id", min: 1, max: ActivityJSON.maxIdLength),
            kind: try o.enumValue("kind", ActivityTask.Kind.self, what: "task kind"),
            subject: try o.string("subject"),
            status: try o.enumValue("status", ActivityTask.Status.self, what: "task status"),
            dueDate: try o.optionalDate("dueDate"),
            stage: try o.optionalInt("stage", min: 0),
            person: try optionalPerson(o, "person"))
    }

    static func call(_ o: JSONFields) throws(InputRejection) -> Call {
        Call(
            id: try o.string("id", min: 1, max: ActivityJSON.maxIdLength),
            person: try person(o.object("person")),
            phone: try o.optionalString("phone", max: 64),
            phoneField: try o.optionalString("phoneField", max: 255),
            durationSeconds: try o.optionalInt("durationSeconds", min: 0),
            disposition: try o.optionalString("disposition", max: 255),
            notes: try o.optionalString("notes"))
    }
}

/// Typed values back to contract JSON.
enum JSONEncoding {
    static func person(_ p: Person) -> JSONValue {
        var m: [JSONValue.Member] = [.init("email", .string(p.email))]
        if let n = p.name { m.append(.init("name", .string(n))) }
        return .object(m)
    }

    static func people(_ ps: [Person]) -> JSONValue { .array(ps.map(person)) }

    static func message(_ x: Message) -> JSONValue {
        var m: [JSONValue.Member] = [.init("id", .string(x.id))]
        if let v = x.threadId { m.append(.init("threadId", .string(v))) }
        if let v = x.rfc822Id { m.append(.init("rfc822Id", .string(v))) }
        m.append(.init("subject", .string(x.subject)))
        m.append(.init("from", person(x.from)))
        m.append(.init("to", people(x.to)))
        m.append(.init("cc", people(x.cc)))
        m.append(.init("bcc", people(x.bcc)))
        m.append(.init("isReply", .bool(x.isReply)))
        m.append(.init("sentWithProduct", .bool(x.sentWithProduct)))
        if let v = x.client { m.append(.init("client", .string(v))) }
        if let s = x.sequence {
            m.append(
                .init(
                    "sequence",
                    .object([.init("id", .string(s.id)), .init("name", .string(s.name)), .init("stage", .number(Double(s.stage)))])))
        }
        return .object(m)
    }

    static func meeting(_ x: Meeting) -> JSONValue {
        var m: [JSONValue.Member] = [.init("id", .string(x.id))]
        if let v = x.title { m.append(.init("title", .string(v))) }
        if let v = x.start { m.append(.init("start", .string(v.rfc3339String))) }
        if let v = x.end { m.append(.init("end", .string(v.rfc3339String))) }
        m.append(.init("allDay", .bool(x.allDay)))
        if let v = x.organizer { m.append(.init("organizer", person(v))) }
        m.append(.init("attendees", people(x.attendees)))
        m.append(.init("calendar", .string(x.calendar)))
        if let v = x.recurringEventId { m.append(.init("recurringEventId", .string(v))) }
        m.append(.init("scheduledWithProduct", .bool(x.scheduledWithProduct)))
        return .object(m)
    }

    static func task(_ x: ActivityTask) -> JSONValue {
        var m: [JSONValue.Member] = [
            .init("id", .string(x.id)), .init("kind", .string(x.kind.rawValue)), .init("subject", .string(x.subject)),
            .init("status", .string(x.status.rawValue)),
        ]
        if let v = x.dueDate { m.append(.init("dueDate", .string(v.isoString))) }
        if let v = x.stage { m.append(.init("stage", .number(Double(v)))) }
        if let v = x.person { m.append(.init("person", person(v))) }
        return .object(m)
    }

    static func call(_ x: Call) -> JSONValue {
        var m: [JSONValue.Member] = [.init("id", .string(x.id)), .init("person", person(x.person))]
        if let v = x.phone { m.append(.init("phone", .string(v))) }
        if let v = x.phoneField { m.append(.init("phoneField", .string(v))) }
        if let v = x.durationSeconds { m.append(.init("durationSeconds", .number(Double(v)))) }
        if let v = x.disposition { m.append(.init("disposition", .string(v))) }
        if let v = x.notes { m.append(.init("notes", .string(v))) }
        return .object(m)
    }
}
