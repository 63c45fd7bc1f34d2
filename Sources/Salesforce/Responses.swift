/// A response as the transport received it.
public struct SalesforceResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.0 == n }?.1
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var json: SalesforceJSON? { SalesforceJSON.parse(body) }
}

/// `Sforce-Limit-Info: api-usage=USED/MAX`.
public struct APIUsage: Sendable, Hashable {
    public var used: Int
    public var max: Int

    public init(used: Int, max: Int) {
        self.used = used
        self.max = max
    }

    /// Parses the header; nil when it has no `api-usage`.
    public init?(limitInfo: String) {
        for part in limitInfo.split(separator: ",") {
            let kv = part.trimmingSpaces.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces == "api-usage" else { continue }
            let nums = kv[1].split(separator: "/")
            guard nums.count == 2, let u = Int(nums[0].trimmingSpaces), let m = Int(nums[1].trimmingSpaces) else { return nil }
            self.init(used: u, max: m)
            return
        }
        return nil
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

/// One record's result inside an sObject Collections answer (request order).
public struct RecordResult: Sendable, Hashable {
    public var id: String?
    public var success: Bool
    /// Upserts: created (true) or updated (false).
    public var created: Bool?
    public var errors: [SalesforceFailure]
    /// The item as Salesforce sent it (for the activity log, L2).
    public var raw: String

    public init(id: String?, success: Bool, created: Bool?, errors: [SalesforceFailure], raw: String) {
        self.id = id
        self.success = success
        self.created = created
        self.errors = errors
        self.raw = raw
    }
}

/// The answer of a single-record upsert.
public enum UpsertResult: Sendable, Hashable {
    /// 201 (`created: true`) or 200 (`created: false`, v46+); 204 from older versions counts as an update.
    case written(id: String, created: Bool)
    /// 300: the external id matched several records; nothing was written.
    case multipleMatches(urls: [String])
}

/// One page of a query.
public struct QueryPage: Sendable, Hashable {
    public var totalSize: Int
    public var done: Bool
    public var nextRecordsUrl: String?
    /// Records with their fields (the `attributes` member removed); `type` from `attributes.type`.
    public var records: [SObjectRecord]
}

/// What a describe says of one field.
public struct FieldDescription: Sendable, Hashable {
    public var name: String
    public var type: String
    public var externalId: Bool
    public var unique: Bool
    public var createable: Bool
    public var updateable: Bool
    public var length: Int?
}

public struct ObjectDescription: Sendable, Hashable {
    public var name: String
    public var fields: [FieldDescription]

    public func field(named name: String) -> FieldDescription? {
        let n = name.lowercased()
        return fields.first { $0.name.lowercased() == n }
    }
}

/// `GET /limits`: the daily API allowance.
public struct OrgLimits: Sendable, Hashable {
    public var dailyApiMax: Int
    public var dailyApiRemaining: Int
}

/// `updated/` and `deleted/` answers.
public struct UpdatedRecords: Sendable, Hashable {
    public var ids: [String]
    public var latestDateCovered: String?
}

public struct DeletedRecords: Sendable, Hashable {
    public struct Deleted: Sendable, Hashable {
        public var id: String
        public var deletedDate: String?
    }
    public var deletedRecords: [Deleted]
    public var earliestDateAvailable: String?
    public var latestDateCovered: String?
}

/// Pure parsers for every answer (salesforce.md): both error shapes (`errorCode` in single-record
/// bodies, `statusCode` inside collections), 200 and 201 upserts, 300 multiple matches.
public enum SalesforceResponses {
    static func malformed(_ what: String, _ response: SalesforceResponse) -> SalesforceError {
        SalesforceError(code: .malformedResponse, message: "\(what): unexpected answer (HTTP \(response.status), \(response.body.count) bytes)")
    }

    /// The errors of an error body: `[{"message","errorCode","fields"}]`, a collection item's
    /// `{"statusCode","message","fields"}`, or OAuth's `{"error","error_description"}`.
    public static func failures(in json: SalesforceJSON?, httpStatus: Int) -> [SalesforceFailure] {
        func one(_ item: SalesforceJSON) -> SalesforceFailure? {
            if let code = item["errorCode"]?.stringValue ?? item["statusCode"]?.stringValue {
                let fields = item["fields"]?.arrayValue?.compactMap(\.stringValue) ?? []
                return SalesforceFailure(errorCode: code, message: item["message"]?.stringValue ?? "", fields: fields, httpStatus: httpStatus)
            }
            if let code = item["error"]?.stringValue {
                return SalesforceFailure(errorCode: code, message: item["error_description"]?.stringValue ?? "", httpStatus: httpStatus,
                                         errorClass: .auth)
            }
            return nil
        }
        switch json {
        case .array(let items)?: return items.compactMap(one)
        case let item?: return one(item).map { [$0] } ?? []
        case nil: return []
        }
    }

    /// The first error of a non-2xx answer; a bare status (502 from a proxy, empty body) becomes `HTTP_502`.
    public static func failure(of response: SalesforceResponse) -> SalesforceFailure {
        if let f = failures(in: response.json, httpStatus: response.status).first { return f }
        let code = response.status == 503 ? "SERVER_UNAVAILABLE" : "HTTP_\(response.status)"
        return SalesforceFailure(errorCode: code, message: "HTTP \(response.status)", httpStatus: response.status)
    }

    static func check(_ response: SalesforceResponse, _ what: String) throws(SalesforceError) {
        guard (200..<300).contains(response.status) else {
            let f = failure(of: response)
            throw SalesforceError(code: .api, message: "\(what): \(f.errorCode) (HTTP \(response.status))", failure: f)
        }
    }

    /// Collections create/update/upsert/delete: 200 and an array in request order.
    public static func collectionResults(_ response: SalesforceResponse, expected count: Int) throws(SalesforceError) -> [RecordResult] {
        try check(response, "collection")
        guard let items = response.json?.arrayValue, items.count == count else { throw malformed("collection", response) }
        return items.map { item in
            RecordResult(id: item["id"]?.stringValue, success: item["success"]?.boolValue ?? false, created: item["created"]?.boolValue,
                         errors: failures(in: item["errors"], httpStatus: response.status), raw: item.text(sortedKeys: true))
        }
    }

    /// Single-record upsert: 201 created, 200 updated (v46+), 204 updated (older), 300 several matches.
    public static func upsert(_ response: SalesforceResponse) throws(SalesforceError) -> UpsertResult {
        if response.status == 300 {
            let urls = response.json?.arrayValue?.compactMap(\.stringValue) ?? []
            return .multipleMatches(urls: urls)
        }
        try check(response, "upsert")
        if response.status == 204 { return .written(id: "", created: false) }
        guard let json = response.json, let id = json["id"]?.stringValue else { throw malformed("upsert", response) }
        return .written(id: id, created: json["created"]?.boolValue ?? (response.status == 201))
    }

    /// Single-record create: 201 `{"id","success","errors"}`.
    public static func create(_ response: SalesforceResponse) throws(SalesforceError) -> String {
        try check(response, "create")
        guard let id = response.json?["id"]?.stringValue else { throw malformed("create", response) }
        return id
    }

    /// Update and delete: 204 (or 200) without a body.
    public static func noContent(_ response: SalesforceResponse, _ what: String) throws(SalesforceError) {
        try check(response, what)
    }

    public static func queryPage(_ response: SalesforceResponse) throws(SalesforceError) -> QueryPage {
        try check(response, "query")
        guard let json = response.json, let done = json["done"]?.boolValue, let records = json["records"]?.arrayValue else {
            throw malformed("query", response)
        }
        return QueryPage(
            totalSize: json["totalSize"]?.intValue ?? records.count, done: done, nextRecordsUrl: json["nextRecordsUrl"]?.stringValue,
            records: records.map { r in
                SObjectRecord(type: r["attributes"]?["type"]?.stringValue ?? "", fields: (r.objectValue ?? []).filter { $0.0 != "attributes" })
            })
    }

    public static func describe(_ response: SalesforceResponse) throws(SalesforceError) -> ObjectDescription {
        try check(response, "describe")
        guard let json = response.json, let name = json["name"]?.stringValue, let fields = json["fields"]?.arrayValue else {
            throw malformed("describe", response)
        }
        return ObjectDescription(name: name, fields: fields.compactMap { f in
            guard let n = f["name"]?.stringValue else { return nil }
            return FieldDescription(name: n, type: f["type"]?.stringValue ?? "", externalId: f["externalId"]?.boolValue ?? false,
                                    unique: f["unique"]?.boolValue ?? false, createable: f["createable"]?.boolValue ?? false,
                                    updateable: f["updateable"]?.boolValue ?? false, length: f["length"]?.intValue)
        })
    }

    /// Global describe: the object names.
    public static func globalDescribe(_ response: SalesforceResponse) throws(SalesforceError) -> [String] {
        try check(response, "global describe")
        guard let list = response.json?["sobjects"]?.arrayValue else { throw malformed("global describe", response) }
        return list.compactMap { $0["name"]?.stringValue }
    }

    public static func limits(_ response: SalesforceResponse) throws(SalesforceError) -> OrgLimits {
        try check(response, "limits")
        guard let d = response.json?["DailyApiRequests"], let max = d["Max"]?.intValue, let remaining = d["Remaining"]?.intValue else {
            throw malformed("limits", response)
        }
        return OrgLimits(dailyApiMax: max, dailyApiRemaining: remaining)
    }

    public static func updated(_ response: SalesforceResponse) throws(SalesforceError) -> UpdatedRecords {
        try check(response, "updated")
        guard let json = response.json, let ids = json["ids"]?.arrayValue else { throw malformed("updated", response) }
        return UpdatedRecords(ids: ids.compactMap(\.stringValue), latestDateCovered: json["latestDateCovered"]?.stringValue)
    }

    public static func deleted(_ response: SalesforceResponse) throws(SalesforceError) -> DeletedRecords {
        try check(response, "deleted")
        guard let json = response.json, let list = json["deletedRecords"]?.arrayValue else { throw malformed("deleted", response) }
        return DeletedRecords(
            deletedRecords: list.compactMap { d in d["id"]?.stringValue.map { .init(id: $0, deletedDate: d["deletedDate"]?.stringValue) } },
            earliestDateAvailable: json["earliestDateAvailable"]?.stringValue, latestDateCovered: json["latestDateCovered"]?.stringValue)
    }
}

/// Salesforce's datetime format: `2024-05-07T22:07:19.000+0000` (no colon in the offset).
public enum SalesforceDateTime {
    /// Milliseconds since 1970 for `YYYY-MM-DDTHH:MM:SS(.sss)(+HHMM|+HH:MM|Z)`; nil otherwise.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= b.count else { return nil }
            var v = 0
            for i in from..<from + len {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2),
            (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var ms = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30 && b[i] <= 0x39 {
                if digits < 3 { ms = ms * 10 + Int(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in 0..<max(0, 3 - digits) { ms *= 10 }
        }
        var offsetMinutes = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                guard let oh = num(i + 1, 2) else { return nil }
                var j = i + 3
                if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
                guard let om = num(j, 2) else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
                i = j + 2
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let seconds = Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(ms)
    }

    /// Formats as Salesforce does: `2024-05-07T22:07:19.000+0000`.
    public static func format(millisecondsSinceEpoch ms: Int64) -> String {
        let secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - secs * 1000)
        let days = Int(secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400)
        let rem = Int(secs - Int64(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        func p(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(rem / 3600, 2)):\(p(rem / 60 % 60, 2)):\(p(rem % 60, 2)).\(p(millis, 3))+0000"
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
