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
        /// The latest plan (reasons and writes), stored compactly; nil when the state keeps
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

    public var entries: [String: Entry] = [:]
    /// Keep each activity's latest plan in memory (true), or only its position, the plan
    /// itself being read from the log when `explain` or the activity log need it (false).
    /// Measured over 1M and 2M generated events: the whole state grows by ~1.4 KB per activity
    /// with plans kept, of which the kept plan (compact `StoredPlan`) is ~0.5 KB.
    public var keepsPlans = true
    /// Activity ids in log order.
    public var order: [String] = []
    public var byUser: [String: [String]] = [:]
    public var byRecipient: [String: [String]] = [:]
    /// R5: normalised address -> unresolved activity ids waiting for it.
    public var waiting: [String: [String]] = [:]
    /// Latest event time seen (ms), and when the waiting index was last pruned (15-day window).
    public var watermark: Int64 = .min
    public var lastPrune: Int64 = .min

    public static let initial = ActivityLog()

    /// The R5 window: unresolved activities of the last 15 days are planned again.
    public static let unresolvedWindowMilliseconds: Int64 = 15 * 86_400_000

    public mutating func evolve(_ activity: Activity, at position: UInt64) {
        guard entries.index(forKey: activity.id) == nil else { return }
        let recipients = Self.recipients(of: activity)
        entries[activity.id] = Entry(
            activityId: activity.id, type: activity.type, userId: activity.userId, role: nil,
            recipients: recipients, occurredAt: activity.occurredAt, activityPosition: position)
        order.append(activity.id)
        byUser[activity.userId, default: []].append(activity.id)
        // An activity concerns a handful of people: a linear look back beats hashing into a set.
        for (i, r) in recipients.enumerated() where !recipients[..<i].contains(r) {
            byRecipient[r, default: []].append(activity.id)
        }
        advance(to: activity.occurredAt.millisecondsSinceEpoch)
    }

    public mutating func evolve(_ plan: ActivityPlanned, role: String?, at position: UInt64) {
        guard let i = entries.index(forKey: plan.activityId) else { return }
        let (waitedFor, occurredAt) = entries.values[i].waiting()
        for a in waitedFor {
            waiting[a]?.removeAll { $0 == plan.activityId }
            if waiting[a]?.isEmpty == true { waiting[a] = nil }
        }
        var newWaiting: [String] = []
        for r in plan.reasons where r.rule == "R5" && r.data.contains(where: { $0.key == "waiting" }) {
            if let a = r.data.first(where: { $0.key == "address" })?.value { newWaiting.append(a) }
        }
        if occurredAt.millisecondsSinceEpoch < watermark - Self.unresolvedWindowMilliseconds { newWaiting = [] }
        entries.values[i].apply(plan, role: role, at: position, waitingFor: newWaiting, keepPlan: keepsPlans)
        for a in newWaiting { waiting[a, default: []].append(plan.activityId) }
    }

    public mutating func evolve(_ d: DuplicateDelivery) {
        guard let i = entries.index(forKey: d.activityId) else { return }
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
        for (address, ids) in waiting {
            let kept = ids.filter { (entries[$0]?.occurredAt.millisecondsSinceEpoch ?? .min) >= cutoff }
            if kept.count != ids.count {
                for id in ids where !kept.contains(id) { entries[id]?.waitingFor.removeAll() }
                waiting[address] = kept.isEmpty ? nil : kept
            }
        }
    }

    /// Unresolved activities waiting for `address` that occurred at or after `since` (R5).
    public func waitingActivities(for address: String, since: Timestamp) -> [Entry] {
        (waiting[EmailAddress.normalize(address)] ?? []).compactMap { entries[$0] }
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
