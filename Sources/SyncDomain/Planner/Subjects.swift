/// Task subjects (S1-S18) and the 255-character rule (S19).
public enum Subjects {
    /// Salesforce's Subject length, counted in UTF-16 code units as Salesforce counts.
    public static let maximumLength = 255

    /// `[{sequence name} (#{stage} stage)]` (S11).
    static func sequenceTag(_ s: SequenceRef?) -> String {
        guard let s else { return "" }
        return " [\(s.name) (#\(s.stage) stage)]"
    }

    /// The rule whose template an email activity's subject uses (S21): S1/S2 for sent
    /// emails (S11/S12 in a sequence), S3-S8 for the others.
    public static func templateRule(_ type: ActivityType, isReply: Bool) -> String? {
        switch type {
        case .emailSent: return isReply ? "S2" : "S1"
        case .emailReceived: return "S3"
        case .emailOpened: return "S4"
        case .emailClicked: return "S5"
        case .emailDownloaded: return "S6"
        case .emailReplied: return "S7"
        case .emailBounced: return "S8"
        default: return nil
        }
    }

    /// The values a template's placeholders expand to (S21). Missing parts are nil.
    public struct TemplateValues: Sendable {
        public var subject: String?
        public var sequence: SequenceRef?
        public var url: String?
        public var fileName: String?
        public var title: String?
        public var stage: Int?
        public var name: String?
        public var phone: String?
        public var phoneField: String?
        public var sent: String?

        public init(
            subject: String? = nil, sequence: SequenceRef? = nil, url: String? = nil, fileName: String? = nil,
            title: String? = nil, stage: Int? = nil, name: String? = nil, phone: String? = nil,
            phoneField: String? = nil, sent: String? = nil
        ) {
            self.subject = subject
            self.sequence = sequence
            self.url = url
            self.fileName = fileName
            self.title = title
            self.stage = stage
            self.name = name
            self.phone = phone
            self.phoneField = phoneField
            self.sent = sent
        }
    }

    /// Expands a parsed template (S21). `{sequence}`, `{phone}` and `{phoneField}` carry
    /// their own separator and vanish when the part is missing.
    public static func render(_ parts: [SubjectTemplateSyntax.Part], _ v: TemplateValues) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .placeholder(let p):
                switch p {
                case .subject: out += v.subject ?? ""
                case .sequence: out += sequenceTag(v.sequence)
                case .url: out += v.url ?? ""
                case .fileName: out += v.fileName ?? ""
                case .title: out += v.title ?? ""
                case .stage: out += v.stage.map(String.init) ?? ""
                case .name: out += v.name ?? ""
                case .phone: if let x = v.phone, !x.isEmpty { out += " " + x }
                case .phoneField: if let x = v.phoneField, !x.isEmpty { out += " (" + x + ")" }
                case .sent: out += v.sent ?? ""
                }
            }
        }
        return out
    }

    /// The subject of an email activity's Task with the workspace's templates (S21):
    /// the default (below) for every rule the workspace has not templated.
    public static func email(
        _ type: ActivityType, message: Message, url: String?, fileName: String?, unresolved: Bool = false,
        templates: SubjectTemplates?
    ) -> String {
        guard let templates, !templates.isEmpty else {
            return email(type, message: message, url: url, fileName: fileName, unresolved: unresolved)
        }
        let values = TemplateValues(subject: message.subject, sequence: message.sequence, url: url, fileName: fileName)
        var subject: String
        if let rule = templateRule(type, isReply: message.isReply), let parts = templates[rule] {
            subject = render(parts, values)
        } else {
            subject = email(type, message: message, url: url, fileName: fileName)
        }
        if unresolved {
            if let parts = templates["S18"] {
                var v = values
                v.sent = subject
                subject = render(parts, v)
            } else {
                subject = "Unresolved " + subject
            }
        }
        return subject
    }

    /// S9/S10 with the workspace's templates (S21).
    public static func meeting(_ type: ActivityType, title: String, templates: SubjectTemplates?) -> String {
        let rule = type == .meetingCanceled ? "S10" : "S9"
        guard let parts = templates?[rule] else { return meeting(type, title: title) }
        return render(parts, TemplateValues(title: title))
    }

    /// S13-S15, S17 with the workspace's templates (S21).
    public static func task(_ t: ActivityTask, templates: SubjectTemplates?) -> String {
        let rule: String
        switch t.kind {
        case .todo, .email: rule = "S13"
        case .linkedinConnect: rule = "S14"
        case .linkedinInmail: rule = "S15"
        case .call: rule = "S17"
        }
        guard let parts = templates?[rule] else { return task(t) }
        return render(parts, TemplateValues(subject: t.subject, stage: t.stage))
    }

    /// S16 with the workspace's templates (S21).
    public static func call(
        personName: String, phone: String?, phoneField: String?, templates: SubjectTemplates?
    ) -> String {
        guard let parts = templates?["S16"] else {
            return call(personName: personName, phone: phone, phoneField: phoneField)
        }
        return render(parts, TemplateValues(name: personName, phone: phone, phoneField: phoneField))
    }

    /// The subject of an email activity's Task (S1-S8, S11, S12, S18): the shipped defaults.
    public static func email(_ type: ActivityType, message: Message, url: String?, fileName: String?, unresolved: Bool = false) -> String {
        let tag = sequenceTag(message.sequence)
        switch type {
        case .emailSent:
            let verb = message.isReply ? "Sent (Reply)" : "Sent (New)"
            return (unresolved ? "Unresolved " : "") + verb + tag + ": " + message.subject
        case .emailReceived: return "Received: " + message.subject
        case .emailOpened: return "Opened" + tag + ": " + message.subject
        case .emailClicked: return "Clicked" + tag + ": " + (url ?? "")
        case .emailDownloaded: return "Downloaded" + tag + ": " + (fileName ?? "")
        case .emailReplied: return "Replied" + tag + ": " + message.subject
        case .emailBounced: return "Bounced" + tag + ": " + message.subject
        default: return message.subject
        }
    }

    /// S9/S10.
    public static func meeting(_ type: ActivityType, title: String) -> String {
        (type == .meetingCanceled ? "Meeting Canceled: " : "Meeting Confirmed: ") + title
    }

    /// S13-S15, S17.
    public static func task(_ t: ActivityTask) -> String {
        switch t.kind {
        case .todo, .email: return t.subject
        case .linkedinConnect: return "\(t.subject): LinkedIn Connection Request: Stage \(t.stage.map(String.init) ?? "")"
        case .linkedinInmail: return "\(t.subject): LinkedIn InMail: Stage \(t.stage.map(String.init) ?? "")"
        case .call: return "Call: " + t.subject
        }
    }

    /// S16: `Call: {person name} {phone number} ({phone field label})`, leaving out what is unknown.
    public static func call(personName: String, phone: String?, phoneField: String?) -> String {
        var s = "Call: " + personName
        if let phone, !phone.isEmpty { s += " " + phone }
        if let phoneField, !phoneField.isEmpty { s += " (" + phoneField + ")" }
        return s
    }

    /// S19: at most 255 UTF-16 code units, cut between grapheme clusters (so never inside a
    /// surrogate pair or before a combining mark); returns the subject and whether it was cut.
    public static func fit(_ subject: String) -> (subject: String, cut: Bool) {
        guard subject.utf16.count > maximumLength else { return (subject, false) }
        var count = 0
        var end = subject.startIndex
        for i in subject.indices {
            let c = subject[i]
            let n = c.utf16.count
            if count + n > maximumLength { break }
            count += n
            end = subject.index(after: i)
        }
        return (String(subject[..<end]), true)
    }
}
