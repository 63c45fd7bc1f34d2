import SyncDomain
import SyncWorkloads

/// A small workspace for rule tests: configuration, Task describe, records, and the
/// store loop (append, fold, decide) as the worker runs it.
struct RuleWorld {
    var loop = SyncLoop()
    var workspace = "acme"

    static let bob = "bob@globex.com"
    static var bobId: String { Fixtures.id("003", 1) }
    static var globex: String { Fixtures.id("001", 1) }
    static var alice: String { Fixtures.id("005", 1) }

    init(
        configuration: WorkspaceConfiguration = Fixtures.configuration(),
        describe: EventEnvelope? = Fixtures.describe(),
        records: [EventEnvelope] = RuleWorld.standardRecords
    ) {
        loop.append(Fixtures.configured(configuration))
        if let describe { loop.append(describe) }
        for r in records { loop.append(r) }
    }

    /// Globex (account 1) with Bob (contact 1).
    static var standardRecords: [EventEnvelope] {
        [Fixtures.account(1, name: "Globex"), Fixtures.contact(1, email: bob, account: 1, name: "Bob Li")]
    }

    mutating func add(_ events: EventEnvelope...) { for e in events { loop.append(e) } }

    /// Appends the activity and returns its story.
    @discardableResult
    mutating func run(_ a: Activity) -> ExplainStory {
        loop.append(Fixtures.envelope(a))
        return story(a.id)
    }

    func story(_ id: String) -> ExplainStory { Audit.explain(activityId: id, workspace: workspace, in: loop.state)! }

    var state: WorkspaceState { loop.state.workspace(workspace) }
}

extension ExplainStory {
    var plannedWrites: [PlannedWrite] { writes.map(\.write) }
    var rules: [String] { reasons.map(\.rule) }
    var subjects: [String] { plannedWrites.compactMap { w in if case .string(let s)? = w[field: "Subject"] { return s } else { return nil } } }
    func has(_ rule: String) -> Bool { rules.contains(rule) }
    func reason(_ rule: String) -> Reason? { reasons.first { $0.rule == rule } }
}

extension PlannedWrite {
    func string(_ name: String) -> String? { if case .string(let s)? = self[field: name] { return s } else { return nil } }
}

func sent(
    _ id: String = "act_1", to: [String] = [RuleWorld.bob], cc: [String] = [], bcc: [String] = [], subject: String = "Pricing for 2027",
    isReply: Bool = false, sequence: SequenceRef? = nil, sentWithProduct: Bool = true, message: String = "msg_1",
    at time: Timestamp = Fixtures.start, user: String = "u_1"
) -> Activity {
    Fixtures.activity(id, .emailSent, user: user, at: time, message: Fixtures.message(
        message, subject: subject, to: to, cc: cc, bcc: bcc, isReply: isReply, sentWithProduct: sentWithProduct, sequence: sequence))
}

func engagement(
    _ id: String, _ type: ActivityType, recipient: String? = RuleWorld.bob, to: [String] = [RuleWorld.bob], message: String = "msg_1",
    subject: String = "Pricing for 2027", sequence: SequenceRef? = nil, url: String? = nil, fileName: String? = nil,
    at time: Timestamp = Fixtures.start, client: String? = "gmail"
) -> Activity {
    Fixtures.activity(id, type, at: time, message: Fixtures.message(message, subject: subject, to: to, client: client, sequence: sequence),
                      recipient: recipient, url: url, fileName: fileName)
}

let q4 = SequenceRef(id: "seq_9", name: "Q4 Renewals", stage: 2)
