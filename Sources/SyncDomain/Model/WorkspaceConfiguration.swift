/// Who is who in a workspace and what each role logs (contract section 2).
///
/// Appended to the log as ``WorkspaceConfigured`` whenever a changed
/// configuration is loaded, so replay and `explain` see the settings in force
/// at the time. Holds no secrets: it names the files or environment variables
/// that hold them.
public struct WorkspaceConfiguration: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var workspace: String
    public var internalDomains: [String]
    public var excludedAddresses: [String]
    public var excludedDomains: [String]
    /// X1's list of system local parts; nil means the list shipped with the product
    /// (``WorkspaceConfiguration/defaultSystemLocalParts``).
    public var systemLocalParts: [String]?
    public var defaultRole: String
    /// Roles by name, in the order they were written.
    public var roles: [NamedRole]
    public var users: [UserMapping]
    public var salesforce: SalesforceConnection?
    public var schedule: Schedule?
    public var server: Server?
    /// S21: the workspace's own Task subjects, in the order written; empty means
    /// the defaults of S1-S18 (what ships). One per rule id.
    public var subjectTemplates: [SubjectTemplate]

    /// X1's shipped list.
    public static let defaultSystemLocalParts: [String] = [
        "notifications", "noreply", "no-reply", "info", "system", "mailer-daemon", "support", "alerts",
        "newsletter", "notify",
    ]

    public init(
        workspace: String, internalDomains: [String] = [], excludedAddresses: [String] = [],
        excludedDomains: [String] = [], systemLocalParts: [String]? = nil, defaultRole: String,
        roles: [NamedRole], users: [UserMapping] = [], salesforce: SalesforceConnection? = nil,
        schedule: Schedule? = nil, server: Server? = nil, subjectTemplates: [SubjectTemplate] = []
    ) {
        self.workspace = workspace
        self.internalDomains = internalDomains
        self.excludedAddresses = excludedAddresses
        self.excludedDomains = excludedDomains
        self.systemLocalParts = systemLocalParts
        self.defaultRole = defaultRole
        self.roles = roles
        self.users = users
        self.salesforce = salesforce
        self.schedule = schedule
        self.server = server
        self.subjectTemplates = subjectTemplates
    }

    /// The role named `name`, if configured.
    public func role(named name: String) -> RoleSettings? {
        roles.first { $0.name == name }?.settings
    }

    /// The user with workspace user id `id`.
    public func user(id: String) -> UserMapping? { users.first { $0.id == id } }

    /// The system local parts in force (X1).
    public var effectiveSystemLocalParts: [String] { systemLocalParts ?? Self.defaultSystemLocalParts }

    /// S21: the template configured for `rule` (`S1`...), nil when the rule keeps its default.
    public func subjectTemplate(for rule: String) -> String? {
        subjectTemplates.first { $0.rule == rule }?.template
    }
}

/// A role name and its settings (roles keep their written order).
public struct NamedRole: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var name: String
    public var settings: RoleSettings
    public init(name: String, settings: RoleSettings) {
        self.name = name
        self.settings = settings
    }
}

/// What a role logs and how (X4, X5, D2, R5, R6, R8, R9).
public struct RoleSettings: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var log: LogSettings
    /// D2: only the first open, click and download per message.
    public var firstOnly: Bool
    /// R5: log unresolved sent emails (S18).
    public var syncUnresolved: Bool
    /// X5: also messages not sent through the product.
    public var syncAllMessages: Bool
    public var relatedObjects: RelatedObjects
    public var membersManageOwnSettings: Bool

    public init(
        log: LogSettings = LogSettings(), firstOnly: Bool = true, syncUnresolved: Bool = false,
        syncAllMessages: Bool = false, relatedObjects: RelatedObjects = RelatedObjects(),
        membersManageOwnSettings: Bool = false
    ) {
        self.log = log
        self.firstOnly = firstOnly
        self.syncUnresolved = syncUnresolved
        self.syncAllMessages = syncAllMessages
        self.relatedObjects = relatedObjects
        self.membersManageOwnSettings = membersManageOwnSettings
    }
}

/// X4: which activity kinds a role logs.
public struct LogSettings: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var sent: Bool
    public var received: Bool
    public var opened: Bool
    public var replied: Bool
    public var clicked: Bool
    public var downloaded: Bool
    public var bounced: Bool
    public var meetings: Bool
    public var tasks: Bool

    public init(
        sent: Bool = true, received: Bool = true, opened: Bool = true, replied: Bool = true, clicked: Bool = true,
        downloaded: Bool = true, bounced: Bool = true, meetings: Bool = true, tasks: Bool = true
    ) {
        self.sent = sent
        self.received = received
        self.opened = opened
        self.replied = replied
        self.clicked = clicked
        self.downloaded = downloaded
        self.bounced = bounced
        self.meetings = meetings
        self.tasks = tasks
    }
}

/// R6, R8, R9: what an activity is related to.
public struct RelatedObjects: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var standard: Bool
    public var onlyOwnedOpportunities: Bool
    public var allAccountOpportunities: Bool
    public var closedOpportunities: Bool
    public var rollupToPrimaryAccount: Bool
    public var custom: [CustomObjectLink]

    public init(
        standard: Bool = true, onlyOwnedOpportunities: Bool = false, allAccountOpportunities: Bool = false,
        closedOpportunities: Bool = false, rollupToPrimaryAccount: Bool = false, custom: [CustomObjectLink] = []
    ) {
        self.standard = standard
        self.onlyOwnedOpportunities = onlyOwnedOpportunities
        self.allAccountOpportunities = allAccountOpportunities
        self.closedOpportunities = closedOpportunities
        self.rollupToPrimaryAccount = rollupToPrimaryAccount
        self.custom = custom
    }
}

/// R8: a custom object and its lookup fields to Lead, Contact, Account or Opportunity.
public struct CustomObjectLink: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var object: String
    public var lookupFields: [String]
    public init(object: String, lookupFields: [String]) {
        self.object = object
        self.lookupFields = lookupFields
    }
}

/// A workspace user and the Salesforce user they write as.
public struct UserMapping: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var id: String
    public var email: String
    public var salesforceUserId: String
    /// nil means the workspace's `defaultRole`.
    public var role: String?
    /// IANA time zone name (T4), e.g. `America/Los_Angeles`.
    public var timeZone: String
    /// The user's own overrides (when the role lets members manage their settings); nil for none.
    public var settings: RoleOverrides?

    public init(
        id: String, email: String, salesforceUserId: String, role: String? = nil, timeZone: String,
        settings: RoleOverrides? = nil
    ) {
        self.id = id
        self.email = email
        self.salesforceUserId = salesforceUserId
        self.role = role
        self.timeZone = timeZone
        self.settings = settings
    }
}

/// A user's overrides of their role's settings; nil fields keep the role's value.
public struct RoleOverrides: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var log: LogOverrides?
    public var firstOnly: Bool?
    public var syncUnresolved: Bool?
    public var syncAllMessages: Bool?

    public init(log: LogOverrides? = nil, firstOnly: Bool? = nil, syncUnresolved: Bool? = nil, syncAllMessages: Bool? = nil) {
        self.log = log
        self.firstOnly = firstOnly
        self.syncUnresolved = syncUnresolved
        self.syncAllMessages = syncAllMessages
    }
}

/// Per-kind log overrides; nil keeps the role's value.
public struct LogOverrides: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var sent: Bool?
    public var received: Bool?
    public var opened: Bool?
    public var replied: Bool?
    public var clicked: Bool?
    public var downloaded: Bool?
    public var bounced: Bool?
    public var meetings: Bool?
    public var tasks: Bool?

    public init(
        sent: Bool? = nil, received: Bool? = nil, opened: Bool? = nil, replied: Bool? = nil, clicked: Bool? = nil,
        downloaded: Bool? = nil, bounced: Bool? = nil, meetings: Bool? = nil, tasks: Bool? = nil
    ) {
        self.sent = sent
        self.received = received
        self.opened = opened
        self.replied = replied
        self.clicked = clicked
        self.downloaded = downloaded
        self.bounced = bounced
        self.meetings = meetings
        self.tasks = tasks
    }
}

extension RoleSettings {
    /// The role's settings with a user's overrides applied.
    public func applying(_ overrides: RoleOverrides?) -> RoleSettings {
        guard let o = overrides else { return self }
        var r = self
        if let v = o.firstOnly { r.firstOnly = v }
        if let v = o.syncUnresolved { r.syncUnresolved = v }
        if let v = o.syncAllMessages { r.syncAllMessages = v }
        if let l = o.log {
            if let v = l.sent { r.log.sent = v }
            if let v = l.received { r.log.received = v }
            if let v = l.opened { r.log.opened = v }
            if let v = l.replied { r.log.replied = v }
            if let v = l.clicked { r.log.clicked = v }
            if let v = l.downloaded { r.log.downloaded = v }
            if let v = l.bounced { r.log.bounced = v }
            if let v = l.meetings { r.log.meetings = v }
            if let v = l.tasks { r.log.tasks = v }
        }
        return r
    }
}

/// Where and how to reach the org. Names secret files/variables; never holds secrets.
public struct SalesforceConnection: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var instanceUrl: String
    public var loginUrl: String
    public var sandbox: Bool
    public var apiVersion: String
    public var auth: SalesforceAuth
    /// The Task/Event external-id field holding the sync key.
    public var syncKeyField: String
    /// T5's Date/Time field.
    public var activityDateTimeField: String
    /// W4: share of the org's daily API allowance never spent (percent, 0-100).
    public var apiReservePercent: Int

    public init(
        instanceUrl: String, loginUrl: String, sandbox: Bool = false, apiVersion: String = "62.0",
        auth: SalesforceAuth, syncKeyField: String = "Synclog_Key__c",
        activityDateTimeField: String = "MixmaxActivityDateTime__c", apiReservePercent: Int = 20
    ) {
        self.instanceUrl = instanceUrl
        self.loginUrl = loginUrl
        self.sandbox = sandbox
        self.apiVersion = apiVersion
        self.auth = auth
        self.syncKeyField = syncKeyField
        self.activityDateTimeField = activityDateTimeField
        self.apiReservePercent = apiReservePercent
    }
}

/// How to authenticate: the secret itself is in a file or an environment variable.
public struct SalesforceAuth: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// OAuth refresh-token flow.
        case refreshToken
        /// OAuth JWT bearer flow.
        case jwtBearer
    }

    public var kind: Kind
    public var clientId: String
    public var refreshTokenFile: String?
    public var refreshTokenEnv: String?
    public var clientSecretFile: String?
    public var clientSecretEnv: String?
    /// JWT bearer: the Salesforce username the token is for.
    public var username: String?
    public var privateKeyFile: String?
    public var privateKeyEnv: String?

    public init(
        kind: Kind, clientId: String, refreshTokenFile: String? = nil, refreshTokenEnv: String? = nil,
        clientSecretFile: String? = nil, clientSecretEnv: String? = nil, username: String? = nil,
        privateKeyFile: String? = nil, privateKeyEnv: String? = nil
    ) {
        self.kind = kind
        self.clientId = clientId
        self.refreshTokenFile = refreshTokenFile
        self.refreshTokenEnv = refreshTokenEnv
        self.clientSecretFile = clientSecretFile
        self.clientSecretEnv = clientSecretEnv
        self.username = username
        self.privateKeyFile = privateKeyFile
        self.privateKeyEnv = privateKeyEnv
    }
}

/// C1, C4, C5 timing.
public struct Schedule: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    public var pollMinutes: Int
    public var sweepDays: Int
    /// `HH:MM Area/Zone`, e.g. `00:00 America/Los_Angeles`.
    public var describeAt: String

    public init(pollMinutes: Int = 30, sweepDays: Int = 7, describeAt: String = "00:00 America/Los_Angeles") {
        self.pollMinutes = pollMinutes
        self.sweepDays = sweepDays
        self.describeAt = describeAt
    }
}

/// Where `synclog run` listens; token files, never tokens.
public struct Server: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    /// `host:port`.
    public var listen: String
    public var ingestTokenFile: String?
    public var ingestTokenEnv: String?
    public var realtimeTokenFile: String?
    public var realtimeTokenEnv: String?

    public init(
        listen: String, ingestTokenFile: String? = nil, ingestTokenEnv: String? = nil,
        realtimeTokenFile: String? = nil, realtimeTokenEnv: String? = nil
    ) {
        self.listen = listen
        self.ingestTokenFile = ingestTokenFile
        self.ingestTokenEnv = ingestTokenEnv
        self.realtimeTokenFile = realtimeTokenFile
        self.realtimeTokenEnv = realtimeTokenEnv
    }
}
