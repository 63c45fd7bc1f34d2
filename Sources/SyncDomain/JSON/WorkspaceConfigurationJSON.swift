/// The workspace configuration file as JSON (contract section 2).
///
/// Unlike activities, configuration objects are closed: an unknown field is
/// refused (a typo such as `syncUnresolvd` must not silently do nothing), and
/// inline secrets (`refreshToken`, `clientSecret`, `privateKey`, `ingestToken`,
/// `realtimeToken`) are refused with a hint to name a file or variable instead.
/// Omitted settings take the defaults of ``RoleSettings``, ``Schedule`` and
/// ``SalesforceConnection``.
///
/// ```swift
/// let configurations = try WorkspaceConfigurationJSON.decode(fileBytes).get()  // one object or an array
/// for change in new.changes(from: old) { print(change) }  // "roles.sales.firstOnly: true -> false"
/// ```
public enum WorkspaceConfigurationJSON {
    /// Decodes a configuration file: one workspace object or an array of them.
    public static func decode(_ bytes: [UInt8]) -> Result<[WorkspaceConfiguration], InputRejection> {
        bytes.withUnsafeBytes { buf in
            Result { () throws(InputRejection) -> [WorkspaceConfiguration] in
                let body = trimWhitespace(buf)
                let max = InputLimits.maxConfigurationBytes
                guard body.count <= max else {
                    throw InputRejection(path: "", problem: "the configuration is \(body.count) bytes; the limit is \(max)")
                }
                let value: JSONValue
                do throws(JSONParser.Failure) {
                    value = try JSONParser.parse(body, limits: .init(maxDepth: InputLimits.maxDepth, maxBytes: max))
                } catch {
                    throw InputRejection(path: "", problem: error.description)
                }
                return try decode(value)
            }
        }
    }

    public static func decode(_ text: String) -> Result<[WorkspaceConfiguration], InputRejection> {
        decode(Array(text.utf8))
    }

    /// Decodes an already parsed document (e.g. from YAML converted to ``JSONValue``).
    public static func decode(_ value: JSONValue) throws(InputRejection) -> [WorkspaceConfiguration] {
        switch value {
        case .object(let m):
            return [try JSONDecoding.configuration(JSONFields(m, path: ""))]
        case .array(let items):
            guard !items.isEmpty else { throw InputRejection(path: "", problem: "no workspace configured") }
            var out: [WorkspaceConfiguration] = []
            var seen: Set<String> = []
            for (i, item) in items.enumerated() {
                let c = try JSONDecoding.configuration(JSONElement.object(item, "[\(i)]"))
                guard seen.insert(c.workspace).inserted else {
                    throw InputRejection(path: "[\(i)].workspace", problem: "workspace configured twice")
                }
                out.append(c)
            }
            return out
        default:
            throw InputRejection(path: "", problem: "must be a workspace object or an array of them, not \(article(value.kindName))")
        }
    }

    /// The configuration as contract JSON (every setting written out, defaults included).
    public static func jsonValue(_ c: WorkspaceConfiguration) -> JSONValue {
        func strings(_ a: [String]) -> JSONValue { .array(a.map(JSONValue.string)) }
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func optBool(_ b: Bool?) -> JSONValue { b.map(JSONValue.bool) ?? .null }
        func log(_ l: LogSettings) -> JSONValue {
            .object([
                .init("sent", .bool(l.sent)), .init("received", .bool(l.received)), .init("opened", .bool(l.opened)),
                .init("replied", .bool(l.replied)), .init("clicked", .bool(l.clicked)),
                .init("downloaded", .bool(l.downloaded)), .init("bounced", .bool(l.bounced)),
                .init("meetings", .bool(l.meetings)), .init("tasks", .bool(l.tasks)),
            ])
        }
        func role(_ r: RoleSettings) -> JSONValue {
            let ro = r.relatedObjects
            return .object([
                .init("log", log(r.log)), .init("firstOnly", .bool(r.firstOnly)),
                .init("syncUnresolved", .bool(r.syncUnresolved)), .init("syncAllMessages", .bool(r.syncAllMessages)),
                .init(
                    "relatedObjects",
                    .object([
                        .init("standard", .bool(ro.standard)),
                        .init("onlyOwnedOpportunities", .bool(ro.onlyOwnedOpportunities)),
                        .init("allAccountOpportunities", .bool(ro.allAccountOpportunities)),
                        .init("closedOpportunities", .bool(ro.closedOpportunities)),
                        .init("rollupToPrimaryAccount", .bool(ro.rollupToPrimaryAccount)),
                        .init(
                            "custom",
                            .array(ro.custom.map { .object([.init("object", .string($0.object)), .init("lookupFields", strings($0.lookupFields))]) })),
                    ])),
                .init("membersManageOwnSettings", .bool(r.membersManageOwnSettings)),
            ])
        }
        func overrides(_ o: RoleOverrides?) -> JSONValue {
            guard let o else { return .null }
            var m: [JSONValue.Member] = []
            if let l = o.log {
                var lm: [JSONValue.Member] = []
                let pairs: [(String, Bool?)] = [
                    ("sent", l.sent), ("received", l.received), ("opened", l.opened), ("replied", l.replied),
                    ("clicked", l.clicked), ("downloaded", l.downloaded), ("bounced", l.bounced),
                    ("meetings", l.meetings), ("tasks", l.tasks),
                ]
                for (k, v) in pairs { if let v { lm.append(.init(k, .bool(v))) } }
                m.append(.init("log", .object(lm)))
            }
            if let v = o.firstOnly { m.append(.init("firstOnly", .bool(v))) }
            if let v = o.syncUnresolved { m.append(.init("syncUnresolved", .bool(v))) }
            if let v = o.syncAllMessages { m.append(.init("syncAllMessages", .bool(v))) }
            return .object(m)
        }
        var m: [JSONValue.Member] = [
            .init("workspace", .string(c.workspace)), .init("internalDomains", strings(c.internalDomains)),
            .init("excludedAddresses", strings(c.excludedAddresses)), .init("excludedDomains", strings(c.excludedDomains)),
            .init("systemLocalParts", c.systemLocalParts.map(strings) ?? .null),
            .init("defaultRole", .string(c.defaultRole)),
            .init("roles", .object(c.roles.map { .init($0.name, role($0.settings)) })),
            .init(
                "users",
                .array(
                    c.users.map { u in
                        .object([
                            .init("id", .string(u.id)), .init("email", .string(u.email)),
                            .init("salesforceUserId", .string(u.salesforceUserId)), .init("role", opt(u.role)),
                            .init("timeZone", .string(u.timeZone)), .init("settings", overrides(u.settings)),
                        ])
                    })),
        ]
        if let s = c.salesforce {
            var auth: [JSONValue.Member] = [.init("kind", .string(s.auth.kind.rawValue)), .init("clientId", .string(s.auth.clientId))]
            let names: [(String, String?)] = [
                ("refreshTokenFile", s.auth.refreshTokenFile), ("refreshTokenEnv", s.auth.refreshTokenEnv),
                ("clientSecretFile", s.auth.clientSecretFile), ("clientSecretEnv", s.auth.clientSecretEnv),
                ("username", s.auth.username), ("privateKeyFile", s.auth.privateKeyFile),
                ("privateKeyEnv", s.auth.privateKeyEnv),
            ]
            for (k, v) in names { if let v { auth.append(.init(k, .string(v))) } }
            m.append(
                .init(
                    "salesforce",
                    .object([
                        .init("instanceUrl", .string(s.instanceUrl)), .init("loginUrl", .string(s.loginUrl)),
                        .init("sandbox", .bool(s.sandbox)), .init("apiVersion", .string(s.apiVersion)),
                        .init("auth", .object(auth)), .init("syncKeyField", .string(s.syncKeyField)),
                        .init("activityDateTimeField", .string(s.activityDateTimeField)),
                        .init("apiReservePercent", .number(Double(s.apiReservePercent))),
                    ])))
        }
        if let s = c.schedule {
            m.append(
                .init(
                    "schedule",
                    .object([
                        .init("pollMinutes", .number(Double(s.pollMinutes))), .init("sweepDays", .number(Double(s.sweepDays))),
                        .init("describeAt", .string(s.describeAt)),
                    ])))
        }
        if let s = c.server {
            var sm: [JSONValue.Member] = [.init("listen", .string(s.listen))]
            let names: [(String, String?)] = [
                ("ingestTokenFile", s.ingestTokenFile), ("ingestTokenEnv", s.ingestTokenEnv),
                ("realtimeTokenFile", s.realtimeTokenFile), ("realtimeTokenEnv", s.realtimeTokenEnv),
            ]
            for (k, v) in names { if let v { sm.append(.init(k, .string(v))) } }
            m.append(.init("server", .object(sm)))
        }
        // S21: written only when configured, so configurations without templates read as before.
        if !c.subjectTemplates.isEmpty {
            let templates = c.subjectTemplates.map { JSONValue.Member($0.rule, .string($0.template)) }
            m.append(.init("subjectTemplates", .object(templates)))
        }
        return .object(m)
    }
}

extension JSONDecoding {
    static let logKinds = ["sent", "received", "opened", "replied", "clicked", "downloaded", "bounced", "meetings", "tasks"]

    static func configuration(_ o: JSONFields) throws(InputRejection) -> WorkspaceConfiguration {
        try o.rejectUnknown([
            "workspace", "internalDomains", "excludedAddresses", "excludedDomains", "systemLocalParts", "defaultRole",
            "roles", "users", "salesforce", "schedule", "server", "subjectTemplates",
        ])
        let workspace = try workspaceName(o, "workspace")
        let internalDomains = try o.optionalArray("internalDomains", domain) ?? []
        let excludedAddresses = try o.optionalArray("excludedAddresses", JSONElement.email) ?? []
        let excludedDomains = try o.optionalArray("excludedDomains", domain) ?? []
        let systemLocalParts = try o.optionalArray("systemLocalParts") { (v, p) throws(InputRejection) in
            try JSONElement.string(v, p, min: 1, max: 64)
        }
        let defaultRole = try o.string("defaultRole", min: 1, max: 64)
        let rolesObject = try o.object("roles")
        var roles: [NamedRole] = []
        for m in rolesObject.members {
            guard (1...64).contains(m.name.unicodeScalars.count) else {
                throw InputRejection(path: rolesObject.path, problem: "role names must be 1-64 characters")
            }
            roles.append(NamedRole(name: m.name, settings: try role(JSONElement.object(m.value, rolesObject.sub(m.name)))))
        }
        guard roles.contains(where: { $0.name == defaultRole }) else {
            throw o.reject("defaultRole", "names no role in roles")
        }
        let users = try o.optionalArray("users") { (v, p) throws(InputRejection) in
            try user(JSONElement.object(v, p))
        } ?? []
        var ids: Set<String> = []
        var emails: Set<String> = []
        for (i, u) in users.enumerated() {
            if let r = u.role, !roles.contains(where: { $0.name == r }) {
                throw InputRejection(path: "\(o.sub("users"))[\(i)].role", problem: "names no role in roles")
            }
            guard ids.insert(u.id).inserted else {
                throw InputRejection(path: "\(o.sub("users"))[\(i)].id", problem: "user id listed twice")
            }
            guard emails.insert(EmailAddress.normalize(u.email)).inserted else {
                throw InputRejection(path: "\(o.sub("users"))[\(i)].email", problem: "email listed for two users")
            }
        }
        return WorkspaceConfiguration(
            workspace: workspace, internalDomains: internalDomains, excludedAddresses: excludedAddresses,
            excludedDomains: excludedDomains, systemLocalParts: systemLocalParts, defaultRole: defaultRole, roles: roles,
            users: users, salesforce: try o.optionalObject("salesforce").map(salesforce),
            schedule: try o.optionalObject("schedule").map(schedule), server: try o.optionalObject("server").map(server),
            subjectTemplates: try o.optionalObject("subjectTemplates").map(subjectTemplates) ?? [])
    }

    /// S21: `{"S1": "Sent (New){sequence}: {subject}", ...}`; rule ids and placeholders
    /// are checked (``SubjectTemplateSyntax``); the template text is never echoed.
    static func subjectTemplates(_ o: JSONFields) throws(InputRejection) -> [SubjectTemplate] {
        var out: [SubjectTemplate] = []
        for m in o.members {
            guard SubjectTemplateSyntax.placeholders(for: m.name) != nil else {
                if case .failure(let p) = SubjectTemplateSyntax.parse("", rule: m.name) {
                    throw InputRejection(path: o.path, problem: p.description)
                }
                throw InputRejection(path: o.path, problem: "unknown rule id")
            }
            let text = try JSONElement.string(m.value, o.sub(m.name))
            if case .failure(let p) = SubjectTemplateSyntax.parse(text, rule: m.name) {
                throw InputRejection(path: o.sub(m.name), problem: p.description)
            }
            out.append(SubjectTemplate(rule: m.name, template: text))
        }
        return out
    }

    /// A domain name: dot-separated labels of letters, digits and `-`, at least one dot.
    static func domain(_ v: JSONValue, _ path: String) throws(InputRejection) -> String {
        let s = try JSONElement.string(v, path, min: 1, max: 253)
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        let ok = labels.count >= 2 && labels.allSatisfy { l in
            !l.isEmpty && l.utf8.count <= 63
                && l.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 }
        }
        guard ok else { throw InputRejection(path: path, problem: "not a domain name") }
        return s
    }

    static func role(_ o: JSONFields) throws(InputRejection) -> RoleSettings {
        try o.rejectUnknown([
            "log", "firstOnly", "syncUnresolved", "syncAllMessages", "relatedObjects", "membersManageOwnSettings",
        ])
        var r = RoleSettings()
        if let l = try o.optionalObject("log") {
            try l.rejectUnknown(Set(logKinds))
            let d = LogSettings()
            r.log = LogSettings(
                sent: try l.optionalBool("sent") ?? d.sent, received: try l.optionalBool("received") ?? d.received,
                opened: try l.optionalBool("opened") ?? d.opened, replied: try l.optionalBool("replied") ?? d.replied,
                clicked: try l.optionalBool("clicked") ?? d.clicked,
                downloaded: try l.optionalBool("downloaded") ?? d.downloaded,
                bounced: try l.optionalBool("bounced") ?? d.bounced, meetings: try l.optionalBool("meetings") ?? d.meetings,
                tasks: try l.optionalBool("tasks") ?? d.tasks)
        }
        r.firstOnly = try o.optionalBool("firstOnly") ?? r.firstOnly
        r.syncUnresolved = try o.optionalBool("syncUnresolved") ?? r.syncUnresolved
        r.syncAllMessages = try o.optionalBool("syncAllMessages") ?? r.syncAllMessages
        r.membersManageOwnSettings = try o.optionalBool("membersManageOwnSettings") ?? r.membersManageOwnSettings
        if let ro = try o.optionalObject("relatedObjects") {
            try ro.rejectUnknown([
                "standard", "onlyOwnedOpportunities", "allAccountOpportunities", "closedOpportunities",
                "rollupToPrimaryAccount", "custom",
            ])
            var x = RelatedObjects()
            x.standard = try ro.optionalBool("standard") ?? x.standard
            x.onlyOwnedOpportunities = try ro.optionalBool("onlyOwnedOpportunities") ?? x.onlyOwnedOpportunities
            x.allAccountOpportunities = try ro.optionalBool("allAccountOpportunities") ?? x.allAccountOpportunities
            x.closedOpportunities = try ro.optionalBool("closedOpportunities") ?? x.closedOpportunities
            x.rollupToPrimaryAccount = try ro.optionalBool("rollupToPrimaryAccount") ?? x.rollupToPrimaryAccount
            x.custom = try ro.optionalArray("custom") { (v, p) throws(InputRejection) in
                let c = try JSONElement.object(v, p)
                try c.rejectUnknown(["object", "lookupFields"])
                let object = try c.string("object", min: 1, max: 80)
                guard isApiName(object) else { throw c.reject("object", "not an sObject API name") }
                let fields = try c.array("lookupFields") { (f, fp) throws(InputRejection) in
                    let s = try JSONElement.string(f, fp, min: 1, max: 80)
                    guard isApiName(s) else { throw InputRejection(path: fp, problem: "not a field API name") }
                    return s
                }
                guard !fields.isEmpty else { throw c.reject("lookupFields", "must name at least one lookup field") }
                return CustomObjectLink(object: object, lookupFields: fields)
            } ?? []
            r.relatedObjects = x
        }
        return r
    }

    static func user(_ o: JSONFields) throws(InputRejection) -> UserMapping {
        try o.rejectUnknown(["id", "email", "salesforceUserId", "role", "timeZone", "settings"])
        let id = try o.string("id", min: 1, max: ActivityJSON.maxIdLength)
        let email = try o.email("email")
        let sfid = try o.string("salesforceUserId")
        guard isSalesforceId(sfid) else { throw o.reject("salesforceUserId", "not a Salesforce id (15 or 18 letters and digits)") }
        let role = try o.optionalString("role", min: 1, max: 64)
        let tz = try o.string("timeZone", min: 1, max: 64)
        guard isTimeZoneName(tz) else { throw o.reject("timeZone", "not an IANA time zone name (e.g. America/Los_Angeles)") }
        var settings: RoleOverrides? = nil
        if let s = try o.optionalObject("settings") {
            try s.rejectUnknown(["log", "firstOnly", "syncUnresolved", "syncAllMessages"])
            var ov = RoleOverrides()
            if let l = try s.optionalObject("log") {
                try l.rejectUnknown(Set(logKinds))
                ov.log = LogOverrides(
                    sent: try l.optionalBool("sent"), received: try l.optionalBool("received"),
                    opened: try l.optionalBool("opened"), replied: try l.optionalBool("replied"),
                    clicked: try l.optionalBool("clicked"), downloaded: try l.optionalBool("downloaded"),
                    bounced: try l.optionalBool("bounced"), meetings: try l.optionalBool("meetings"),
                    tasks: try l.optionalBool("tasks"))
            }
            ov.firstOnly = try s.optionalBool("firstOnly")
            ov.syncUnresolved = try s.optionalBool("syncUnresolved")
            ov.syncAllMessages = try s.optionalBool("syncAllMessages")
            settings = ov
        }
        return UserMapping(id: id, email: email, salesforceUserId: sfid, role: role, timeZone: tz, settings: settings)
    }

    /// `UTC`, or `Area/Location[/More]` of letters, digits, `_`, `+`, `-`.
    static func isTimeZoneName(_ s: String) -> Bool {
        if s == "UTC" { return true }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, let first = parts.first?.utf8.first, (65...90).contains(first) else { return false }
        return parts.allSatisfy { p in
            !p.isEmpty
                && p.utf8.allSatisfy {
                    (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95 || $0 == 43 || $0 == 45
                }
        }
    }

    static func url(_ o: JSONFields, _ name: String) throws(InputRejection) -> String {
        let s = try o.string(name, min: 1, max: 2048)
        guard s.hasPrefix("https://") || s.hasPrefix("http://"), !s.contains(" ") else {
            throw o.reject(name, "not an http(s) URL")
        }
        return s
    }

    static func salesforce(_ o: JSONFields) throws(InputRejection) -> SalesforceConnection {
        try o.rejectUnknown([
            "instanceUrl", "loginUrl", "sandbox", "apiVersion", "auth", "syncKeyField", "activityDateTimeField",
            "apiReservePercent",
        ])
        let a = try o.object("auth")
        try a.rejectUnknown(
            [
                "kind", "clientId", "refreshTokenFile", "refreshTokenEnv", "clientSecretFile", "clientSecretEnv",
                "username", "privateKeyFile", "privateKeyEnv",
            ], secrets: ["refreshToken", "clientSecret", "privateKey", "accessToken", "password"])
        let kind = try a.enumValue("kind", SalesforceAuth.Kind.self, what: "auth kind")
        var auth = SalesforceAuth(kind: kind, clientId: try a.string("clientId", min: 1, max: 512))
        auth.refreshTokenFile = try a.optionalString("refreshTokenFile", min: 1, max: 4096)
        auth.refreshTokenEnv = try a.optionalString("refreshTokenEnv", min: 1, max: 255)
        auth.clientSecretFile = try a.optionalString("clientSecretFile", min: 1, max: 4096)
        auth.clientSecretEnv = try a.optionalString("clientSecretEnv", min: 1, max: 255)
        auth.username = try a.optionalString("username", min: 1, max: 255)
        auth.privateKeyFile = try a.optionalString("privateKeyFile", min: 1, max: 4096)
        auth.privateKeyEnv = try a.optionalString("privateKeyEnv", min: 1, max: 255)
        switch kind {
        case .refreshToken:
            guard auth.refreshTokenFile != nil || auth.refreshTokenEnv != nil else {
                throw InputRejection(path: a.path, problem: "missing field refreshTokenFile (or refreshTokenEnv)")
            }
        case .jwtBearer:
            guard auth.username != nil else { throw a.missing("username") }
            guard auth.privateKeyFile != nil || auth.privateKeyEnv != nil else {
                throw InputRejection(path: a.path, problem: "missing field privateKeyFile (or privateKeyEnv)")
            }
        }
        let apiVersion = try o.string("apiVersion", min: 1, max: 8)
        let versionParts = apiVersion.split(separator: ".", omittingEmptySubsequences: false)
        guard versionParts.count == 2,
            versionParts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { (48...57).contains($0) } })
        else { throw o.reject("apiVersion", "not an API version (e.g. 62.0)") }
        var c = SalesforceConnection(
            instanceUrl: try url(o, "instanceUrl"), loginUrl: try url(o, "loginUrl"),
            sandbox: try o.optionalBool("sandbox") ?? false, apiVersion: apiVersion, auth: auth)
        if let f = try o.optionalString("syncKeyField", min: 1, max: 80) {
            guard isApiName(f) else { throw o.reject("syncKeyField", "not a field API name") }
            c.syncKeyField = f
        }
        if let f = try o.optionalString("activityDateTimeField", min: 1, max: 80) {
            guard isApiName(f) else { throw o.reject("activityDateTimeField", "not a field API name") }
            c.activityDateTimeField = f
        }
        c.apiReservePercent = try o.optionalInt("apiReservePercent", min: 0, max: 100) ?? c.apiReservePercent
        return c
    }

    static func schedule(_ o: JSONFields) throws(InputRejection) -> Schedule {
        try o.rejectUnknown(["pollMinutes", "sweepDays", "describeAt"])
        var s = Schedule()
        s.pollMinutes = try o.optionalInt("pollMinutes", min: 1, max: 1440) ?? s.pollMinutes
        s.sweepDays = try o.optionalInt("sweepDays", min: 1, max: 365) ?? s.sweepDays
        if let d = try o.optionalString("describeAt", min: 1, max: 80) {
            let parts = d.split(separator: " ", maxSplits: 1)
            let hm = parts.first.map { Array($0.utf8) } ?? []
            let okTime = hm.count == 5 && hm[2] == UInt8(ascii: ":")
                && RFC3339.digits(hm, 0, 2).map { $0 <= 23 } == true && RFC3339.digits(hm, 3, 2).map { $0 <= 59 } == true
            guard okTime, parts.count == 2, isTimeZoneName(String(parts[1])) else {
                throw o.reject("describeAt", "must be \"HH:MM Area/Location\" (e.g. 00:00 America/Los_Angeles)")
            }
            s.describeAt = d
        }
        return s
    }

    static func server(_ o: JSONFields) throws(InputRejection) -> Server {
        try o.rejectUnknown(
            ["listen", "ingestTokenFile", "ingestTokenEnv", "realtimeTokenFile", "realtimeTokenEnv"],
            secrets: ["ingestToken", "realtimeToken"])
        let listen = try o.string("listen", min: 3, max: 255)
        // Mirrors the schema: a host without spaces, a colon, a port 0-65535 in digits.
        let portText = listen.lastIndex(of: ":").map { listen[listen.index(after: $0)...] } ?? ""
        guard let colon = listen.lastIndex(of: ":"), colon > listen.startIndex, !listen[..<colon].contains(" "),
            (1...5).contains(portText.utf8.count), portText.utf8.allSatisfy({ (48...57).contains($0) }),
            let port = Int(portText), (0...65535).contains(port)
        else { throw o.reject("listen", "must be host:port (e.g. 127.0.0.1:8080)") }
        return Server(
            listen: listen, ingestTokenFile: try o.optionalString("ingestTokenFile", min: 1, max: 4096),
            ingestTokenEnv: try o.optionalString("ingestTokenEnv", min: 1, max: 255),
            realtimeTokenFile: try o.optionalString("realtimeTokenFile", min: 1, max: 4096),
            realtimeTokenEnv: try o.optionalString("realtimeTokenEnv", min: 1, max: 255))
    }
}
