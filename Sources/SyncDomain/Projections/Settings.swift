/// The workspace configuration in force (contract section 2), kept as the
/// rules read it: normalised exclusion sets, effective role settings per user.
/// `WorkspaceConfigured` events replace it; the history keeps the position at
/// which each version came into force, so `explain` can say which was used.
public struct WorkspacePolicy: Sendable, Hashable, Codable {
    public struct Logging: Sendable, Hashable, Codable {
        public var sent, received, opened, replied, clicked, downloaded, bounced, meetings, tasks: Bool
    }

    public struct CustomLink: Sendable, Hashable, Codable {
        public var object: String
        public var lookupFields: [String]
    }

    /// A role's settings with the user's own overrides applied where the role allows it.
    public struct EffectiveRole: Sendable, Hashable, Codable {
        public var roleName: String

        mutating func nameInPlace() -> String { roleName }
        public var log: Logging
        public var firstOnly: Bool
        public var syncUnresolved: Bool
        public var syncAllMessages: Bool
        public var standardObjects: Bool
        public var onlyOwnedOpportunities: Bool
        public var allAccountOpportunities: Bool
        public var closedOpportunities: Bool
        public var rollupToPrimaryAccount: Bool
        public var custom: [CustomLink]
        /// The user's own overrides were applied (the role lets members manage their settings).
        public var userOverridesApplied: Bool
    }

    public struct User: Sendable, Hashable, Codable {
        public var id: String
        public var email: String
        public var salesforceUserId: String
        public var timeZone: String
        public var role: EffectiveRole?

        mutating func roleNameInPlace() -> String? { role?.nameInPlace() }
    }

    public var workspace: String
    public var internalDomains: Set<String>
    public var excludedAddresses: Set<String>
    public var excludedDomains: Set<String>
    public var systemLocalParts: Set<String>
    /// By user id (a ``KeyedEntries``: looked up for every plan the log holds, L4).
    public var users: KeyedEntries<User>
    /// Normalised workspace-user email -> user id (E3).
    public var userByEmail: [String: String]
    public var syncKeyField: String
    public var activityDateTimeField: String
    public var defaultRole: String
    /// S21: the workspace's subject templates, parsed; nil when none are configured
    /// (every rule keeps its default). Optional so older snapshots decode.
    public var subjectTemplates: SubjectTemplates?

    public init(_ c: WorkspaceConfiguration) {
        workspace = c.workspace
        internalDomains = Set(c.internalDomains.map { EmailAddress.normalize($0) })
        excludedAddresses = Set(c.excludedAddresses.map { EmailAddress.normalize($0) })
        excludedDomains = Set(c.excludedDomains.map { EmailAddress.normalize($0) })
        systemLocalParts = Set(c.effectiveSystemLocalParts.map { EmailAddress.normalize($0) })
        syncKeyField = c.salesforce?.syncKeyField ?? "Synclog_Key__c"
        activityDateTimeField = c.salesforce?.activityDateTimeField ?? "MixmaxActivityDateTime__c"
        defaultRole = c.defaultRole
        let templates = SubjectTemplates(c.subjectTemplates)
        subjectTemplates = templates.isEmpty ? nil : templates
        var users = KeyedEntries<User>()
        var byEmail: [String: String] = [:]
        for u in c.users {
            let roleName = u.role ?? c.defaultRole
            var role: EffectiveRole? = nil
            if let base = c.role(named: roleName) {
                let applied = base.membersManageOwnSettings && u.settings != nil
                let s = base.membersManageOwnSettings ? base.applying(u.settings) : base
                role = EffectiveRole(
                    roleName: roleName,
                    log: Logging(sent: s.log.sent, received: s.log.received, opened: s.log.opened, replied: s.log.replied,
                                 clicked: s.log.clicked, downloaded: s.log.downloaded, bounced: s.log.bounced,
                                 meetings: s.log.meetings, tasks: s.log.tasks),
                    firstOnly: s.firstOnly, syncUnresolved: s.syncUnresolved, syncAllMessages: s.syncAllMessages,
                    standardObjects: s.relatedObjects.standard,
                    onlyOwnedOpportunities: s.relatedObjects.onlyOwnedOpportunities,
                    allAccountOpportunities: s.relatedObjects.allAccountOpportunities,
                    closedOpportunities: s.relatedObjects.closedOpportunities,
                    rollupToPrimaryAccount: s.relatedObjects.rollupToPrimaryAccount,
                    custom: s.relatedObjects.custom.map { CustomLink(object: $0.object, lookupFields: $0.lookupFields) },
                    userOverridesApplied: applied)
            }
            let user = User(id: u.id, email: u.email, salesforceUserId: SalesforceIdentifier.canonical(u.salesforceUserId),
                            timeZone: u.timeZone, role: role)
            let (slot, inserted) = users.slot(of: u.id) { user }
            if !inserted { users.values[slot] = user }  // a repeated id: the last one stands
            byEmail[EmailAddress.normalize(u.email)] = u.id
        }
        self.users = users
        self.userByEmail = byEmail
    }

    /// The name of the role in force for `userId` (L4), read in place (hence `mutating`, changing
    /// nothing): `users[userId]?.role?.roleName` copies the whole user out (its strings and
    /// role, ~180 instructions) to read one name.
    mutating func roleName(ofUser userId: String) -> String? {
        guard let i = users.slot(of: userId) else { return nil }
        return users.values[i].roleNameInPlace()
    }

    /// X1/X2 for one address: the rule and the sentence, or nil when the address may sync.
    public func exclusion(of address: String) -> Reason? {
        let n = EmailAddress.normalize(address)
        let domain = EmailAddress.domain(n)
        let local = EmailAddress.localPart(n)
        if systemLocalParts.contains(local) {
            return Reason(rule: "X1", text: "system address: \(n)", data: [.init("address", n)])
        }
        if excludedAddresses.contains(n) {
            return Reason(rule: "X2", text: "excluded address: \(n)", data: [.init("address", n)])
        }
        if internalDomains.contains(domain) || userByEmail[n] != nil {
            return Reason(rule: "X2", text: "internal address: \(n)", data: [.init("address", n), .init("domain", domain)])
        }
        if excludedDomains.contains(domain) {
            return Reason(rule: "X2", text: "excluded domain: \(n)", data: [.init("address", n), .init("domain", domain)])
        }
        return nil
    }
}

/// Settings projection: the policy in force per workspace and when each version started.
public struct Settings: Sendable, Hashable, Codable {
    public var current: WorkspacePolicy?
    /// Positions at which a configuration came into force, oldest first.
    public var history: [UInt64] = []

    public static let initial = Settings()

    public mutating func evolve(_ configured: WorkspaceConfigured, at position: UInt64) {
        current = WorkspacePolicy(configured.configuration)
        history.append(position)
    }
}
