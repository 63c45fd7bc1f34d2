import Foundation

/// A REST request as the org sees it (the HTTP layer fills it in).
public struct APIRequest: Sendable {
    public var method: String
    /// The path as sent, e.g. `/services/data/v62.0/sobjects/Task/`.
    public var path: String
    public var query: [String: String]
    /// Lower-cased header names.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// What to answer, and how (faults may delay or drop the answer).
public struct APIResponse: Sendable {
    public enum Delivery: Sendable, Equatable { case normal, delay(milliseconds: Int), drop }
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    public var delivery: Delivery = .normal

    init(status: Int, json: JSON?, headers: [(String, String)] = []) {
        self.status = status
        self.headers = headers
        if let json {
            self.body = json.serializedBytes()
            self.headers.append(("Content-Type", "application/json;charset=UTF-8"))
        } else {
            self.body = []
        }
    }

    static func error(_ e: APIError) -> APIResponse { APIResponse(status: e.status, json: .array([e.restJSON])) }
}

/// The answer of one routed call before it is wrapped as HTTP.
struct Routed {
    var status: Int
    var body: JSON?
    var headers: [(String, String)] = []

    static func error(_ e: APIError) -> Routed { Routed(status: e.status, body: .array([e.restJSON])) }
}

extension OrgState {
    public var dailyApiLimit: Int { settings.dailyApiLimit }

    /// API calls counted in the rolling 24 hours before `now`.
    public func apiUsage(now: Int64) -> Int {
        let since = now - 86_400_000
        // countedTimes is in call order (and so in time order while the clock only moves forward).
        var lo = 0, hi = countedTimes.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if countedTimes[mid] < since { lo = mid + 1 } else { hi = mid }
        }
        return countedTimes.count - lo
    }

    /// Logs a call (and counts it when Salesforce would).
    mutating func log(_ call: CallRecord) {
        calls.append(call)
        if call.counted { countedTimes.append(call.at) }
    }

    func bearerUser(_ headers: [String: String], now: Int64) -> String? {
        guard let auth = headers["authorization"] else { return nil }
        let parts = auth.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, ["bearer", "oauth"].contains(parts[0].lowercased()) else { return nil }
        guard let t = accessTokens[String(parts[1])], t.expiresAt > now else { return nil }
        return t.userId
    }

    /// The sObject a call touches (for fault rules and the calls log).
    func objectOfCall(components: [String], query: [String: String], body: [UInt8]) -> String? {
        if components.count >= 2, components[0] == "sobjects" { return catalog.object(components[1])?.name ?? components[1] }
        if components.count >= 3, components[0] == "composite", components[1] == "sobjects" {
            return catalog.object(components[2])?.name ?? components[2]
        }
        if components.first == "query" || components.first == "queryAll", let q = query["q"] {
            let words = q.split(whereSeparator: { $0.isWhitespace })
            if let i = words.firstIndex(where: { $0.lowercased() == "from" }), i + 1 < words.count {
                return catalog.object(String(words[i + 1]))?.name ?? String(words[i + 1])
            }
        }
        if components == ["composite", "sobjects"], let range = findType(body) { return range }
        if components == ["composite", "sobjects"], let ids = query["ids"]?.split(separator: ",").first {
            return catalog.objectName(forId: String(ids))
        }
        return nil
    }

    private func findType(_ body: [UInt8]) -> String? {
        // Cheap scan for the first "type":"X" without parsing the body twice.
        let needle = Array("\"type\":\"".utf8)
        guard body.count > needle.count else { return nil }
        var i = 0
        while i + needle.count < body.count {
            if body[i] == needle[0], Array(body[i..<(i + needle.count)]) == needle {
                var j = i + needle.count
                var name: [UInt8] = []
                while j < body.count, body[j] != UInt8(ascii: "\"") { name.append(body[j]); j += 1 }
                return String(decoding: name, as: UTF8.self)
            }
            i += 1
        }
        return nil
    }

    /// Handles one request under `/services/data`: authentication, the daily limit, faults, the call itself,
    /// counting, and `Sforce-Limit-Info`.
    public mutating func handle(_ request: APIRequest, now: Int64) -> APIResponse {
        var path = request.path
        while path.hasSuffix("/") && path.count > 1 { path.removeLast() }
        let all = path.split(separator: "/").map(String.init)
        // services/data[/vNN.0/...]
        guard all.count >= 2, all[0] == "services", all[1] == "data" else {
            return .error(.notFound())
        }
        if all.count == 2 {
            return APIResponse(status: 200, json: .array([.object([("label", "Winter '25"), ("url", "/services/data/v62.0"), ("version", "62.0")])]))
        }
        guard all[2].hasPrefix("v"), Double(all[2].dropFirst()) != nil else { return .error(.notFound()) }
        let components = Array(all.dropFirst(3))
        let object = objectOfCall(components: components, query: request.query, body: request.body)
        var call = CallRecord(at: now, method: request.method, path: path, object: object, status: 0, counted: false)

        guard let userId = bearerUser(request.headers, now: now) else {
            let r = APIResponse.error(.invalidSession())
            call.status = r.status
            log(call)
            return r
        }
        let used = apiUsage(now: now)
        if used >= settings.dailyApiLimit {
            var r = APIResponse.error(APIError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."))
            r.headers.append(("Sforce-Limit-Info", "api-usage=\(used)/\(settings.dailyApiLimit)"))
            call.status = r.status
            log(call)
            return r
        }

        var delivery = APIResponse.Delivery.normal
        if let fault = firingFault(method: request.method, path: "/" + components.joined(separator: "/"), object: object) {
            call.fault = fault.action == .error ? fault.errorCode : fault.action.rawValue
            switch fault.action {
            case .error:
                let e = APIError(fault.status, fault.errorCode, fault.message)
                var r: APIResponse
                let isCollectionWrite = components.first == "composite" && components.count >= 2 && components[1] == "sobjects"
                    && request.method != "GET" && fault.status < 500 && fault.status != 401 && fault.errorCode != "REQUEST_LIMIT_EXCEEDED"
                if isCollectionWrite {
                    // Row locks and the like come back per record inside a 200.
                    let n = max(1, collectionSize(request))
                    let item = JSON.object([("success", false), ("errors", .array([e.collectionJSON]))])
                    r = APIResponse(status: 200, json: .array(Array(repeating: item, count: n)))
                } else {
                    r = .error(e)
                }
                call.counted = fault.status != 401 && fault.errorCode != "REQUEST_LIMIT_EXCEEDED"
                call.status = r.status
                log(call)
                if call.counted || fault.errorCode == "REQUEST_LIMIT_EXCEEDED" {
                    r.headers.append(("Sforce-Limit-Info", "api-usage=\(apiUsage(now: now))/\(settings.dailyApiLimit)"))
                }
                return r
            case .dropConnection:
                call.status = 0
                log(call)
                var r = APIResponse(status: 500, json: nil)
                r.delivery = .drop
                return r
            case .dropResponse: delivery = .drop
            case .delay: delivery = .delay(milliseconds: fault.delayMs)
            }
        }

        let batch = OrgState.batchSize(request.headers["sforce-query-options"])
        let routed = route(method: request.method, components: components, query: request.query, body: request.body,
                           userId: userId, now: now, batchSize: batch, topLevel: true)
        call.status = routed.status
        call.counted = true
        log(call)
        var r = APIResponse(status: routed.status, json: routed.body, headers: routed.headers)
        r.headers.append(("Sforce-Limit-Info", "api-usage=\(apiUsage(now: now))/\(settings.dailyApiLimit)"))
        r.delivery = delivery
        return r
    }

    func collectionSize(_ request: APIRequest) -> Int {
        if let ids = request.query["ids"] { return ids.split(separator: ",").count }
        guard let json = try? JSON.parse(request.body) else { return 1 }
        return json["records"]?.arrayValue?.count ?? 1
    }

    static func batchSize(_ header: String?) -> Int {
        guard let header else { return 2000 }
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "batchsize", let n = Int(kv[1]) { return min(2000, max(200, n)) }
        }
        return 2000
    }

    /// One REST call (also each composite subrequest).
    mutating func route(method: String, components c: [String], query: [String: String], body: [UInt8], userId: String,
                        now: Int64, batchSize: Int, topLevel: Bool) -> Routed {
        func parseBody() -> Result<JSON, APIError> {
            do { return .success(try JSON.parse(body)) } catch {
                return .failure(APIError(400, "JSON_PARSER_ERROR", "Unexpected character or end of input: \(error.reason) at [line:1, column:\(error.offset + 1)]"))
            }
        }
        switch (method, c.count, c.first) {
        case ("GET", 0, _):
            let base = "/services/data/v62.0"
            return Routed(status: 200, body: .object(["sobjects", "query", "queryAll", "composite", "limits"].map { ($0, .string("\(base)/\($0)")) }))
        case ("GET", 1, "limits"):
            let used = apiUsage(now: now)
            let max = settings.dailyApiLimit
            func pair(_ m: Int, _ r: Int) -> JSON { .object([("Max", .int(m)), ("Remaining", .int(r))]) }
            return Routed(status: 200, body: .object([
                ("ConcurrentAsyncGetReportInstances", pair(200, 200)), ("DailyApiRequests", pair(max, Swift.max(0, max - used - 1))),
                ("DailyAsyncApexExecutions", pair(250000, 250000)), ("DailyBulkApiBatches", pair(15000, 15000)),
                ("DailyBulkV2QueryJobs", pair(10000, 10000)), ("DataStorageMB", pair(5, 5)), ("FileStorageMB", pair(20, 20)),
            ]))
        case ("GET", 1, "sobjects"):
            return Routed(status: 200, body: catalog.globalDescribe)
        case (_, _, "sobjects"):
            return routeSObjects(method: method, c: c, query: query, parseBody: parseBody, userId: userId, now: now)
        case ("GET", 1, "query"), ("GET", 1, "queryAll"):
            guard let q = query["q"], !q.trimmingCharacters(in: .whitespaces).isEmpty else {
                return .error(APIError(400, "MALFORMED_QUERY", "A query string has to be specified"))
            }
            switch self.query(q, includeDeleted: c[0] == "queryAll", batchSize: batchSize, userId: userId, now: now) {
            case .success(let json): return Routed(status: 200, body: json)
            case .failure(let e): return .error(e)
            }
        case ("GET", 2, "query"), ("GET", 2, "queryAll"):
            switch nextPage(c[1], userId: userId) {
            case .success(let json): return Routed(status: 200, body: json)
            case .failure(let e): return .error(e)
            }
        case (_, _, "composite") where c.count >= 2 && c[1] == "sobjects":
            return routeCollections(method: method, c: c, query: query, parseBody: parseBody, userId: userId, now: now)
        case ("POST", 1, "composite") where topLevel:
            return composite(parseBody: parseBody, userId: userId, now: now, batchSize: batchSize)
        default:
            return .error(.notFound())
        }
    }

    func recordJSON(_ r: StoredRecord, fields only: [String]? = nil) -> JSON {
        guard let schema = catalog.object(r.object) else { return .null }
        var pairs: [(String, JSON)] = [("attributes", OrgState.attributes(r.object, r.id))]
        if let only {
            for name in only { if let f = schema.field(name) { pairs.append((f.name, r.fields[f.name] ?? .null)) } }
        } else {
            for f in schema.fields where f.type != "junctionidlist" { pairs.append((f.name, r.fields[f.name] ?? .null)) }
        }
        return .object(pairs)
    }

    mutating func routeSObjects(method: String, c: [String], query: [String: String], parseBody: () -> Result<JSON, APIError>,
                                userId: String, now: Int64) -> Routed {
        guard c.count >= 2, let schema = catalog.object(c[1]) else {
            return .error(APIError(404, "NOT_FOUND", "The requested resource does not exist"))
        }
        let object = schema.name
        /// A record's body: a JSON object, or the error Salesforce answers.
        func parseObjectBody() -> Result<[(String, JSON)], APIError> {
            switch parseBody() {
            case .success(let body):
                guard let members = body.objectValue else {
                    return .failure(APIError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object"))
                }
                return .success(members)
            case .failure(let error): return .failure(error)
            }
        }
        switch (method, c.count) {
        case ("GET", 2):
            let entry = catalog.globalDescribe["sobjects"]?.arrayValue?.first { $0["name"]?.stringValue == object } ?? .null
            return Routed(status: 200, body: .object([("objectDescribe", entry), ("recentItems", .array([]))]))
        case ("POST", 2):
            let fields: [(String, JSON)]
            switch parseObjectBody() { case .success(let members): fields = members; case .failure(let e): return .error(e) }
            var changes: [RecordChange] = []
            let stamp = nextStamp(now: now)
            switch write(object: object, id: nil, input: fields, mode: .create, stamp: stamp, userId: userId, changes: &changes) {
            case .success(let r):
                return Routed(status: 201, body: .object([("id", .string(r.id)), ("success", true), ("errors", .array([]))]),
                              headers: [("Location", "/services/data/v62.0/sobjects/\(object)/\(r.id)")])
            case .failure(let e): return .error(e)
            }
        case ("GET", 3) where c[2] == "describe":
            return Routed(status: 200, body: schema.describeJSON)
        case ("GET", 3) where c[2] == "updated" || c[2] == "deleted":
            return replication(kind: c[2], object: object, query: query, now: now)
        case (_, 3):
            let raw = c[2]
            guard raw.utf8.count == 15 || raw.utf8.count == 18 else { return .error(.notFound()) }
            guard let id = SalesforceId.normalized(raw), id.hasPrefix(schema.keyPrefix) else {
                return .error(APIError(400, "MALFORMED_ID", "\(object) ID: id value of incorrect type: \(raw)"))
            }
            guard let existing = records[object]?[id] else { return .error(.notFound()) }
            switch method {
            case "GET":
                if existing.isDeleted { return .error(APIError(404, "ENTITY_IS_DELETED", "entity is deleted")) }
                let only = query["fields"].map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                if let only { for name in only where schema.field(name) == nil {
                    return .error(APIError(400, "INVALID_FIELD", "No such column '\(name)' on sobject of type \(object)"))
                } }
                return Routed(status: 200, body: recordJSON(existing, fields: only))
            case "PATCH":
                let fields: [(String, JSON)]
                switch parseObjectBody() { case .success(let members): fields = members; case .failure(let e): return .error(e) }
                var changes: [RecordChange] = []
                let stamp = nextStamp(now: now)
                switch write(object: object, id: id, input: fields, mode: .update, stamp: stamp, userId: userId, changes: &changes) {
                case .success: return Routed(status: 204, body: nil)
                case .failure(let e): return .error(e)
                }
            case "DELETE":
                var changes: [RecordChange] = []
                switch delete(id: id, stamp: nextStamp(now: now), changes: &changes) {
                case .success: return Routed(status: 204, body: nil)
                case .failure(let e): return .error(e)
                }
            default:
                return .error(APIError(405, "METHOD_NOT_ALLOWED", "HTTP Method '\(method)' not allowed. Allowed are GET,PATCH,DELETE"))
            }
        case (_, 4):
            // By external id: GET, PATCH (upsert), DELETE.
            guard let f = schema.field(c[2]), f.canBeExternalIdKey else {
                return .error(APIError(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: \(c[2])"))
            }
            let value = c[3]
            let matches = lookup(object: object, field: f.name, value: value)
            if matches.count > 1 {
                return Routed(status: 300, body: .array(matches.map { .string("/services/data/v62.0/sobjects/\(object)/\($0)") }))
            }
            switch method {
            case "GET":
                guard let id = matches.first, let r = records[object]?[id] else { return .error(.notFound()) }
                return Routed(status: 200, body: recordJSON(r))
            case "DELETE":
                guard let id = matches.first else { return .error(.notFound()) }
                var changes: [RecordChange] = []
                switch delete(id: id, stamp: nextStamp(now: now), changes: &changes) {
                case .success: return Routed(status: 204, body: nil)
                case .failure(let e): return .error(e)
                }
            case "PATCH", "POST":
                var fields: [(String, JSON)]
                switch parseObjectBody() { case .success(let members): fields = members; case .failure(let e): return .error(e) }
                var changes: [RecordChange] = []
                let stamp = nextStamp(now: now)
                switch upsertOne(object: object, keyField: f, key: value, fields: &fields, existing: matches.first, stamp: stamp,
                                 userId: userId, changes: &changes) {
                case .success(let (r, created)):
                    return Routed(status: created ? 201 : 200,
                                  body: .object([("id", .string(r.id)), ("success", true), ("errors", .array([])), ("created", .bool(created))]),
                                  headers: created ? [("Location", "/services/data/v62.0/sobjects/\(object)/\(r.id)")] : [])
                case .failure(let e): return .error(e)
                }
            default:
                return .error(APIError(405, "METHOD_NOT_ALLOWED", "HTTP Method '\(method)' not allowed. Allowed are GET,PATCH,DELETE"))
            }
        default:
            return .error(.notFound())
        }
    }

    mutating func upsertOne(object: String, keyField f: FieldInfo, key: String, fields: inout [(String, JSON)], existing: String?,
                            stamp: Int64, userId: String, changes: inout [RecordChange]) -> Result<(StoredRecord, Bool), APIError> {
        // The key in the body must agree with the URL (or be left out).
        if let i = fields.firstIndex(where: { $0.0.lowercased() == f.name.lowercased() }) {
            let given = fields[i].1
            if f.name != "Id", indexKey(given) != key.lowercased() {
                return .failure(APIError(400, "INVALID_FIELD",
                                         "The value of the external id field in the body must match the value in the URL", fields: [f.name]))
            }
            fields.remove(at: i)
        }
        if let existing {
            return write(object: object, id: existing, input: fields, mode: .update, stamp: stamp, userId: userId, changes: &changes)
                .map { ($0, false) }
        }
        if f.name == "Id" {
            return .failure(APIError(404, "NOT_FOUND", "The requested resource does not exist"))
        }
        return write(object: object, id: nil, input: fields + [(f.name, .string(key))], mode: .create, stamp: stamp, userId: userId,
                     changes: &changes).map { ($0, true) }
    }

    func replication(kind: String, object: String, query: [String: String], now: Int64) -> Routed {
        func time(_ name: String) -> Int64? {
            guard var text = query[name] else { return nil }
            // '+' in an unencoded query arrives as a space.
            if text.count > 19 { text = String(text.prefix(19)) + text.dropFirst(19).replacingOccurrences(of: " ", with: "+") }
            return Timestamp.parse(text)
        }
        guard let startRaw = time("start"), let endRaw = time("end") else {
            return .error(APIError(400, "MISSING_ARGUMENT", "start and end (ISO 8601 date/times) are required"))
        }
        let minute: Int64 = 60_000
        let start = startRaw / minute * minute
        let end = min(endRaw, now) / minute * minute
        let days: Int64 = kind == "updated" ? 30 : 15
        let horizon = now - days * 86_400_000
        if endRaw < startRaw {
            return .error(APIError(400, "INVALID_REPLICATION_DATE", "endDate must chronologically follow the startDate"))
        }
        if kind == "updated" {
            if start < horizon / minute * minute {
                return .error(APIError(400, "INVALID_REPLICATION_DATE", "startDate cannot be more than 30 days ago"))
            }
            let ids = allRecords(of: object).filter { !$0.isDeleted && $0.modstamp >= start && $0.modstamp < end }.map { JSON.string($0.id) }
            if ids.count > 600_000 {
                return .error(APIError(400, "EXCEEDED_ID_LIMIT", "The number of ids exceeds the limit of 600,000"))
            }
            return Routed(status: 200, body: .object([("ids", .array(ids)), ("latestDateCovered", .string(Timestamp.format(end)))]))
        }
        let earliest = (horizon + minute - 1) / minute * minute
        let deleted = allRecords(of: object).filter { r in
            guard r.isDeleted, let at = r.deletedAt else { return false }
            return at >= horizon && at >= start && at < end
        }.map { JSON.object([("id", .string($0.id)), ("deletedDate", .string(Timestamp.format($0.deletedAt!)))]) }
        return Routed(status: 200, body: .object([("deletedRecords", .array(deleted)),
                                                  ("earliestDateAvailable", .string(Timestamp.format(earliest))),
                                                  ("latestDateCovered", .string(Timestamp.format(end)))]))
    }
}
