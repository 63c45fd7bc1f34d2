import Foundation

/// The org an emulator starts with (`--org FILE`, contract.md section 5):
/// settings plus records by object, with Salesforce field names.
///
/// ```json
/// {"settings":{"sharedActivities":false,"dailyApiLimit":15000,
///              "activityFields":[{"name":"Synclog_Key__c","type":"string","externalId":true,"unique":true}],
///              "validationRules":[{"object":"Task","field":"Subject","pattern":"^(?!Bounced).*","message":"…"}],
///              "hiddenFields":{"Task":["Type"]},
///              "clientId":"…","refreshTokens":["…"],"accessTokenTTLSeconds":3600},
///  "User":[{"Id":"005000000000001AAA","Username":"alice@acme.com","IsActive":true}],
///  "Account":[…], "Contact":[…]}
/// ```
///
/// Additions to the contract's example (all optional):
/// - `settings.jwtPublicKeyPEM` (or `jwtPublicKeyFile`): RSA public key that JWT bearer assertions must be signed with;
/// - `settings.jwtAudiences`: accepted `aud` values (default: login and test.salesforce.com and the emulator's own URL);
/// - `settings.accessTokens`: access tokens valid from start (for scripts), each good for the TTL;
/// - `settings.rotateRefreshTokens`: answer a refresh grant with a new refresh token too;
/// - `settings.integrationUser`: the Username the API acts as (default: the first active User);
/// - `settings.now`: the emulator clock's start (ISO 8601); default the real time;
/// - `settings.customObjects`: `[{"name":"Project__c","keyPrefix":"a01","fields":[{"name","type","length","referenceTo","externalId","unique","required"}]}]`;
/// - a record may carry `"IsDeleted":true` (it is in the recycle bin: `queryAll` and `deleted/` see it),
///   and `CreatedDate`/`LastModifiedDate`/`SystemModstamp` (kept as given).
public struct OrgFixture: Sendable {
    public var settings: OrgSettings
    /// Records by object name, in file order.
    public var records: [(object: String, fields: [(String, JSON)])]

    public init(settings: OrgSettings = OrgSettings(), records: [(object: String, fields: [(String, JSON)])] = []) {
        self.settings = settings
        self.records = records
    }

    /// Reads a fixture file; the error names the file and the problem.
    public static func load(path: String) throws(EmulatorError) -> OrgFixture {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EmulatorError(.fixture, "cannot read org fixture \(path)")
        }
        do {
            return try parse(JSON.parse(Array(data)))
        } catch let error as EmulatorError {
            throw EmulatorError(.fixture, "org fixture \(path): \(error.message)")
        } catch {
            throw EmulatorError(.fixture, "org fixture \(path): \(error)")
        }
    }

    public static func parse(_ json: JSON) throws(EmulatorError) -> OrgFixture {
        guard let top = json.objectValue else { throw EmulatorError(.fixture, "the top level must be an object") }
        var fixture = OrgFixture()
        for (key, value) in top {
            if key == "settings" {
                fixture.settings = try OrgSettings.parse(value)
                continue
            }
            guard let list = value.arrayValue else {
                throw EmulatorError(.fixture, "\(key) must be an array of records")
            }
            for (index, item) in list.enumerated() {
                guard let fields = item.objectValue else {
                    throw EmulatorError(.fixture, "\(key)[\(index)] must be an object")
                }
                fixture.records.append((key, fields.filter { $0.0 != "attributes" }))
            }
        }
        return fixture
    }
}

/// An activity custom field the org defines (on Task and Event).
public struct CustomFieldSpec: Sendable, Equatable {
    public var name: String
    public var type: String
    public var length: Int?
    public var externalId: Bool
    public var unique: Bool
    public var required: Bool
    public var referenceTo: [String]

    public init(name: String, type: String, length: Int? = nil, externalId: Bool = false, unique: Bool = false,
                required: Bool = false, referenceTo: [String] = []) {
        self.name = name; self.type = type; self.length = length; self.externalId = externalId
        self.unique = unique; self.required = required; self.referenceTo = referenceTo
    }

    static func parse(_ json: JSON, at place: String) throws(EmulatorError) -> CustomFieldSpec {
        guard let name = json["name"]?.stringValue, !name.isEmpty else {
            throw EmulatorError(.fixture, "\(place): a field needs a name")
        }
        let type = json["type"]?.stringValue ?? "string"
        let known = ["string", "textarea", "datetime", "date", "boolean", "int", "double", "currency", "percent",
                     "reference", "picklist", "email", "phone", "url"]
        guard known.contains(type) else {
            throw EmulatorError(.fixture, "\(place): field \(name) has unknown type \(type)")
        }
        return CustomFieldSpec(
            name: name, type: type, length: json["length"]?.intValue,
            externalId: json["externalId"]?.boolValue ?? false, unique: json["unique"]?.boolValue ?? false,
            required: json["required"]?.boolValue ?? false,
            referenceTo: json["referenceTo"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}

/// A validation rule: the field's value must match `pattern`, or the write fails
/// with `FIELD_CUSTOM_VALIDATION_EXCEPTION` and `message`.
public struct ValidationRule: Sendable {
    public var object: String
    public var field: String
    public var pattern: String
    public var message: String
}

/// A custom object the org defines beyond the describe fixtures.
public struct CustomObjectSpec: Sendable {
    public var name: String
    public var keyPrefix: String
    public var fields: [CustomFieldSpec]
}

/// Org-wide settings of the fixture.
public struct OrgSettings: Sendable {
    public var sharedActivities = false
    public var dailyApiLimit = 15000
    public var activityFields: [CustomFieldSpec] = []
    public var validationRules: [ValidationRule] = []
    public var hiddenFields: [String: [String]] = [:]
    public var clientId: String? = nil
    public var refreshTokens: [String] = []
    public var accessTokens: [String] = []
    public var accessTokenTTLSeconds = 7200
    public var rotateRefreshTokens = false
    public var jwtPublicKeyPEM: String? = nil
    public var jwtAudiences: [String] = []
    public var integrationUser: String? = nil
    public var now: Int64? = nil
    public var customObjects: [CustomObjectSpec] = []

    public init() {}

    static func parse(_ json: JSON) throws(EmulatorError) -> OrgSettings {
        guard json.objectValue != nil else { throw EmulatorError(.fixture, "settings must be an object") }
        var s = OrgSettings()
        if let v = json["sharedActivities"]?.boolValue { s.sharedActivities = v }
        if let v = json["dailyApiLimit"]?.intValue { s.dailyApiLimit = v }
        if let list = json["activityFields"]?.arrayValue {
            for (i, item) in list.enumerated() {
                s.activityFields.append(try CustomFieldSpec.parse(item, at: "settings.activityFields[\(i)]"))
            }
        }
        if let list = json["validationRules"]?.arrayValue {
            for (i, item) in list.enumerated() {
                guard let object = item["object"]?.stringValue, let field = item["field"]?.stringValue,
                    let pattern = item["pattern"]?.stringValue
                else {
                    throw EmulatorError(.fixture, "settings.validationRules[\(i)] needs object, field and pattern")
                }
                guard (try? NSRegularExpression(pattern: pattern)) != nil else {
                    throw EmulatorError(.fixture, "settings.validationRules[\(i)]: pattern is not a valid regular expression")
                }
                s.validationRules.append(
                    ValidationRule(object: object, field: field, pattern: pattern,
                                   message: item["message"]?.stringValue ?? "Validation rule failed"))
            }
        }
        if let hidden = json["hiddenFields"]?.objectValue {
            for (object, list) in hidden {
                s.hiddenFields[object] = list.arrayValue?.compactMap(\.stringValue) ?? []
            }
        }
        s.clientId = json["clientId"]?.stringValue
        s.refreshTokens = json["refreshTokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        s.accessTokens = json["accessTokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let v = json["accessTokenTTLSeconds"]?.intValue { s.accessTokenTTLSeconds = v }
        if let v = json["rotateRefreshTokens"]?.boolValue { s.rotateRefreshTokens = v }
        s.jwtPublicKeyPEM = json["jwtPublicKeyPEM"]?.stringValue
        if let file = json["jwtPublicKeyFile"]?.stringValue {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw EmulatorError(.fixture, "settings.jwtPublicKeyFile: cannot read \(file)")
            }
            s.jwtPublicKeyPEM = String(decoding: data, as: UTF8.self)
        }
        s.jwtAudiences = json["jwtAudiences"]?.arrayValue?.compactMap(\.stringValue) ?? []
        s.integrationUser = json["integrationUser"]?.stringValue
        if let now = json["now"]?.stringValue {
            guard let ms = Timestamp.parse(now) else { throw EmulatorError(.fixture, "settings.now is not ISO 8601") }
            s.now = ms
        }
        if let list = json["customObjects"]?.arrayValue {
            for (i, item) in list.enumerated() {
                guard let name = item["name"]?.stringValue, let prefix = item["keyPrefix"]?.stringValue,
                    prefix.utf8.count == 3
                else {
                    throw EmulatorError(.fixture, "settings.customObjects[\(i)] needs name and a 3-character keyPrefix")
                }
                var fields: [CustomFieldSpec] = []
                for (j, f) in (item["fields"]?.arrayValue ?? []).enumerated() {
                    fields.append(try CustomFieldSpec.parse(f, at: "settings.customObjects[\(i)].fields[\(j)]"))
                }
                s.customObjects.append(CustomObjectSpec(name: name, keyPrefix: prefix, fields: fields))
            }
        }
        return s
    }
}
