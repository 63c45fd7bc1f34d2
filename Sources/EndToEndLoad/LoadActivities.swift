public import SyncDomain

/// The activities an end-to-end load offers: contract JSON Lines (section 1) that each leave a
/// Task behind whose text names the activity, so an observer of the org can tell which activity
/// a Task came from without asking the worker.
///
/// Every activity carries a marker `#` + 7 digits (its sequence number) in its email subject, or
/// in its link for clicks: `Sent (New): Proposal #0000042` (S1), `Opened: Proposal #0000042`
/// (S4), `Clicked: https://docs.example.com/p/0000042#0000042` (S5). The mix is 70% sent, 20%
/// opened, 10% clicked, to Contacts and Leads of the org in turn, from the workspace's users in
/// turn; every message is new, so D2's first-open rule lets each open and click through.
///
/// Pure and deterministic: the same inputs give the same bytes.
public struct LoadActivities: Sendable {
    /// Users of the workspace (id and address) the activities are from.
    public var users: [(id: String, email: String)]
    /// Addresses of known Leads and Contacts the activities go to.
    public var recipients: [String]
    public var workspace: String

    public init(workspace: String, users: [(id: String, email: String)], recipients: [String]) {
        precondition(!users.isEmpty && !recipients.isEmpty, "a load needs at least one user and one recipient")
        self.workspace = workspace
        self.users = users
        self.recipients = recipients
    }

    /// The marker of activity `n` (`#0000042`), as it appears in the Task it becomes.
    public static func marker(_ n: Int) -> String {
        let digits = String(n)
        return "#" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// The activity number a Task's Subject names, if it names one.
    public static func activityNumber(inSubject subject: String) -> Int? {
        guard let hash = subject.lastIndex(of: "#") else { return nil }
        let digits = subject[subject.index(after: hash)...].prefix(7)
        guard digits.count == 7, digits.allSatisfy(\.isASCII), let n = Int(digits) else { return nil }
        return n
    }

    /// Activity `n`, occurring at `time`, as one JSON line (no newline).
    public func line(_ n: Int, at time: Timestamp) -> [UInt8] {
        let user = users[n % users.count]
        let to = recipients[(n / users.count) % recipients.count]
        let mark = Self.marker(n)
        let message = """
            "message":{"id":"load_msg_\(n)","threadId":"load_thr_\(n)","subject":"Proposal \(mark)",\
            "from":{"email":"\(user.email)"},"to":[{"email":"\(to)"}],"cc":[],"bcc":[],\
            "isReply":false,"sentWithProduct":true,"client":"gmail"}
            """
        let head = #"{"id":"load_\#(n)","workspace":"\#(workspace)","occurredAt":"\#(time.rfc3339String)","userId":"\#(user.id)","#
        let line: String
        switch n % 10 {
        case 7, 8:
            line = head + #""type":"email.opened","recipient":{"email":"\#(to)"},"# + message + "}"
        case 9:
            line = head + #""type":"email.clicked","recipient":{"email":"\#(to)"},"url":"https://docs.example.com/p/\#(mark.dropFirst())\#(mark)","#
                + message + "}"
        default:
            line = head + #""type":"email.sent","# + message + "}"
        }
        return Array(line.utf8)
    }
}
