/// Task subjects (S1-S18) and the 255-character rule (S19).
public enum Subjects {
    /// Salesforce's Subject length, counted in UTF-16 code units as Salesforce counts.
    public static let maximumLength = 255

    /// `[{sequence name} (#{stage} stage)]` (S11).
    static func sequenceTag(_ s: SequenceRef?) -> String {
        guard let s else { return "" }
        return " [\(s.name) (#\(s.stage) stage)]"
    }

    /// The subject of an email activity's Task (S1-S8, S11, S12, S18).
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
