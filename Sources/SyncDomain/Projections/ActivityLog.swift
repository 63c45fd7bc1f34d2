/// The audit per activity (L1-L4): what it was, each plan made for it (reasons
/// and sync keys of the latest), indexes by user and recipient, and the
/// unresolved activities waiting for a record (R5).
public struct ActivityLog: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var activityId: String
        public var type: ActivityType
        public var userId: String
        /// Role in force when it was (last) planned (L4).
        public var role: String?
        /// Normalised addresses of the people it concerns, in order (the first is shown).
        public var recipients: [String]
        public var occurredAt: Timestamp
        public var activityPosition: UInt64
        /// Positions of the plan events, oldest first.
        public var planPositions: [UInt64] = []
        /// The latest plan (reasons and writes), stored as its log encoding (``StoredPlan``); nil when the state keeps
        /// plans in the log only (``ActivityLog/keepsPlans`` false: read it at `planPositions.last`).
        public var latestPlan: StoredPlan?
        /// Rule id of the latest plan's last reason (what decided a Not Synced).
        public var lastRule: String?
        /// Sync keys of the latest plan.
        public var syncKeys: [String] = []
        /// Status the latest plan gave (pending with writes, not synced without); nil before planning.
        public var plannedStatus: ActivityStatus?
        /// D1: later deliveries of the same id.
        public var duplicateDeliveries: Int = 0
        public var duplicateBodyDiffers: Bool = false
        /// R5: addresses it waits for (unresolved, not logged).
        public var waitingFor: [String] = []

        public var recipient: String? { recipients.first }

        mutating func apply(_ plan: ActivityPlanned, role: String?, at position: UInt64, waitingFor: [String], keepPlan: Bool) {
            planPositions.append(position)
            latestPlan = keepPlan ? StoredPlan(plan) : nil
            lastRule = plan.reasons.last?.rule
            syncKeys = plan.writes.map(\.syncKey)
            plannedStatus = plan.status
            if let role { self.role = role }
            self.waitingFor = waitingFor
        }

        // Read through `mutating` methods, so that `entries.values[i].…` reads in place (the
        // dictionary's `_modify`) instead of copying the whole entry out through its getter.

        /// What a new plan needs of the entry before it is applied.
        mutating func beforePlan() -> (syncKeys: [String], userId: String) { (syncKeys, userId) }

        mutating func waiting() -> ([String], Timestamp) { (waitingFor, occurredAt) }

        /// Reasons of the latest plan.
        public var reasons: [Reason] { latestPlan?.plan?.reasons ?? [] }
    }

    /// The entries by activity id, in log order: an entry's slot is its activity's number
    /// in this log, and the indexes below hold slots (4 bytes) instead of ids.
    public var entries = KeyedEntries<Entry>()
    /// Keep each activity's latest plan in memory (true), or only its position, the plan
    /// itself being read from the log when `explain` or the activity log need it (false).
    /// Measured over generated logs (PlannerBenchmarks' decode + fold, mallinfo2, each projector's
    /// part as the heap freed when it is reset): with 250k activities and 100k records the state
    /// holds 501 MB; the activity log is 337 MB (1.35 KB per activity, of which the kept plan,
    /// ``StoredPlan``, the log's encoding, is 0.77 KB; 145 MB with plans in the log only), the
    /// outbox 98 MB (0.39 KB per write), known records 58 MB (0.58 KB per record). Twice the
    /// activities double the first two, twice the records the third; a million more events
    /// about records already known add 8 MB (records holding strings of their own).
    public var keepsPlans = true
    /// Activity ids in log order.
    public var order: [String] { entries.keys }
    /// User id -> slots of its activities in ``entries``, in log order (a ``KeyedEntries``:
    /// looked up for every activity, where a `Dictionary` would SipHash the id each time).
    public var byUser = KeyedEntries<[Int32]>()
    /// Normalised address -> slots of the activities that concern it, in log order (a
    /// ``KeyedEntries``: addresses are as many as the people written to, and looked up per activity).
    public var byRecipient = KeyedEntries<[Int32]>()
    /// R5: normalised address -> slots of the unresolved activities waiting for it.
    public var waiting: [String: [Int32]] = [:]
    /// Latest event time seen (ms), and when the waiting index was last pruned (15-day window).
    public var watermark: Int64 = .min
    public var lastPrune: Int64 = .min

    public static let initial = ActivityLog()

    /// The R5 window: unresolved activities of the last 15 days are planned again.
    public static let unresolvedWindowMilliseconds: Int64 = 15 * 86_400_000

    /// The entries at `slots` (from ``byUser``, ``byRecipient`` or ``waiting``).
    public func entries(at slots: [Int32]) -> [Entry] { slots.map { entries.values[Int($0)] } }

    public mutating func evolve(_ activity: Activity, at position: UInt64) {
        // The recipients are indexed while the entry is made, and each is kept as the index's
        // own key: one copy of an address for all the activities that concern it, instead of a
        // string per activity (equal strings, so the audit reads the same). The index is moved
        // out for the closure, which runs while `entries` is being changed.
        var recipientIndex = KeyedEntries<[Int32]>()
        swap(&recipientIndex, &byRecipient)
        let s = Int32(entries.count)  // the slot a new entry gets (entries are append-only)
        let (_, inserted) = entries.slot(of: activity.id) {
            var recipients = Self.recipients(of: activity)
            // An activity concerns a handful of people: a linear look back beats hashing into a set.
            for i in recipients.indices {
                if recipients[..<i].contains(recipients[i]) { continue }
                let (k, _) = recipientIndex.slot(of: recipients[i]) { [] }
                recipientIndex.values[k].append(s)
                recipients[i] = recipientIndex.keys[k]
            }
            return Entry(
                activityId: activity.id, type: activity.type, userId: activity.userId, role: nil,
                recipients: recipients, occurredAt: activity.occurredAt, activityPosition: position)
        }
        swap(&recipientIndex, &byRecipient)
        guard inserted else { return }
        let (u, _) = byUser.slot(of: activity.userId) { [] }
        byUser.values[u].append(s)
        advance(to: activity.occurredAt.millisecondsSinceEpoch)
    }

    public mutating func evolve(_ plan: ActivityPlanned, role: String?, at position: UInt64) {
        guard let slot = entries.slot(of: plan.activityId) else { return }
        evolve(plan, slot: slot, role: role, at: position)
    }

    /// A plan for the entry at `slot` (the caller looked it up already).
    mutating func evolve(_ plan: ActivityPlanned, slot: Int, role: String?, at position: UInt64) {
        let s = Int32(slot)
        let (waitedFor, occurredAt) = entries.values[slot].waiting()
        for a in waitedFor {
            waiting[a]?.removeAll { $0 == s }
            if waiting[a]?.isEmpty == true { waiting[a] = nil }
        }
        var newWaiting: [String] = []
        for r in plan.reasons where r.rule == "R5" && r.data.contains(where: { $0.key == "waiting" }) {
            if let a = r.data.first(where: { $0.key == "address" })?.value { newWaiting.append(a) }
        }
        if occurredAt.millisecondsSinceEpoch < watermark - Self.unresolvedWindowMilliseconds { newWaiting = [] }
        entries.values[slot].apply(plan, role: role, at: position, waitingFor: newWaiting, keepPlan: keepsPlans)
        for a in newWaiting { waiting[a, default: []].append(s) }
    }

    public mutating func evolve(_ d: DuplicateDelivery) {
        guard let i = entries.slot(of: d.activityId) else { return }
        entries.values[i].duplicateDeliveries += 1
        entries.values[i].duplicateBodyDiffers = entries.values[i].duplicateBodyDiffers || d.bodyDiffers
    }

    /// Moves the event-time watermark; once a day of event time, drops waiting
    /// activities that fell out of the 15-day window (R5), so the index stays bounded.
    public mutating func advance(to ms: Int64) {
        guard ms > watermark else { return }
        watermark = ms
        if lastPrune == .min { lastPrune = ms; return }
        guard ms - lastPrune >= 86_400_000 else { return }
        lastPrune = ms
        let cutoff = ms - Self.unresolvedWindowMilliseconds
        for (address, slots) in waiting {
            let kept = slots.filter { entries.values[Int($0)].occurredAt.millisecondsSinceEpoch >= cutoff }
            if kept.count != slots.count {
                for s in slots where !kept.contains(s) { entries.values[Int(s)].waitingFor.removeAll() }
                waiting[address] = kept.isEmpty ? nil : kept
            }
        }
    }

    /// Unresolved activities waiting for `address` that occurred at or after `since` (R5).
    public func waitingActivities(for address: String, since: Timestamp) -> [Entry] {
        entries(at: waiting[EmailAddress.normalize(address)] ?? [])
            .filter { $0.occurredAt >= since }
            .sorted { $0.activityPosition < $1.activityPosition }
    }

    @inline(__always)
    private static func normalized(_ p: Person) -> String { EmailAddress.normalizedQuickly(p.email) }

    /// The people an activity concerns, normalised, in the order the rules consider them.
    static func recipients(of a: Activity) -> [String] {
        switch a.type {
        case .emailSent:
            guard let m = a.message else { return [] }
            var out: [String] = []
            out.reserveCapacity(m.to.count + m.cc.count)
            for p in m.to { out.append(normalized(p)) }
            for p in m.cc { out.append(normalized(p)) }
            return out
        case .emailReceived:
            return a.message.map { [normalized($0.from)] } ?? []
        case .emailOpened, .emailClicked, .emailDownloaded, .emailReplied, .emailBounced:
            if let r = a.recipient { return [normalized(r)] }
            return a.message?.to.first.map { [normalized($0)] } ?? []
        case .meetingConfirmed, .meetingCanceled, .calendarUpserted, .calendarDeleted:
            guard let m = a.meeting else { return [] }
            return m.attendees.map(normalized)
        case .taskUpserted:
            return a.task?.person.map { [normalized($0)] } ?? []
        case .callLogged:
            return a.call.map { [normalized($0.person)] } ?? []
        }
    }
}

extension ActivityLog {
    enum CodingKeys: String, CodingKey {
        case entries, keepsPlans, order, byUser, byRecipient, waiting, watermark, lastPrune
    }

    /// The snapshot keeps the shape it had when entries were a dictionary and the indexes held
    /// activity ids: the entries as an object, `order` and the indexes as ids.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entries, forKey: .entries)
        try c.encode(keepsPlans, forKey: .keepsPlans)
        try c.encode(order, forKey: .order)
        try c.encode(ids(byUser), forKey: .byUser)
        try c.encode(ids(byRecipient), forKey: .byRecipient)
        try c.encode(ids(waiting), forKey: .waiting)
        try c.encode(watermark, forKey: .watermark)
        try c.encode(lastPrune, forKey: .lastPrune)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let byId = try c.decode([String: Entry].self, forKey: .entries)
        let order = try c.decode([String].self, forKey: .order)
        entries = KeyedEntries(byId, order: order) { byId[$0]!.activityPosition < byId[$1]!.activityPosition }
        keepsPlans = try c.decode(Bool.self, forKey: .keepsPlans)
        byUser = KeyedEntries(slots(try c.decode([String: [String]].self, forKey: .byUser)), order: [])
        byRecipient = KeyedEntries(slots(try c.decode([String: [String]].self, forKey: .byRecipient)), order: [])
        waiting = slots(try c.decode([String: [String]].self, forKey: .waiting))
        watermark = try c.decode(Int64.self, forKey: .watermark)
        lastPrune = try c.decode(Int64.self, forKey: .lastPrune)
    }

    private func ids(_ index: [String: [Int32]]) -> [String: [String]] {
        index.mapValues { $0.map { entries.keys[Int($0)] } }
    }

    private func ids(_ index: KeyedEntries<[Int32]>) -> [String: [String]] {
        ids(Dictionary(uniqueKeysWithValues: index.lazy.map { ($0.key, $0.value) }))
    }

    /// Ids to slots; an id with no entry (never written so) is dropped.
    private func slots(_ index: [String: [String]]) -> [String: [Int32]] {
        index.mapValues { $0.compactMap { entries.slot(of: $0).map(Int32.init) } }
    }
}
