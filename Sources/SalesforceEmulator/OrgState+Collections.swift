import Foundation

/// sObject Collections and Composite.
extension OrgState {
    static let rolledBack = APIError(400, "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                     "Record rolled back because not all records were valid and the request was using AllOrNone header")
    static let tooMany = APIError(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call")

    enum ItemResult {
        case ok(id: String, created: Bool?)
        case failed(APIError, id: String?)
    }

    static func itemJSON(_ r: ItemResult) -> JSON {
        switch r {
        case .ok(let id, let created):
            var pairs: [(String, JSON)] = [("id", .string(id)), ("success", true), ("errors", .array([]))]
            if let created { pairs.append(("created", .bool(created))) }
            return .object(pairs)
        case .failed(let e, let id):
            var pairs: [(String, JSON)] = []
            if let id { pairs.append(("id", .string(id))) }
            pairs += [("success", false), ("errors", .array([e.collectionJSON]))]
            return .object(pairs)
        }
    }

    /// Runs the items; with allOrNone and any failure, restores the org and marks the innocent rolled back.
    mutating func runBatch(allOrNone: Bool, count: Int, _ body: (inout OrgState, Int) -> ItemResult) -> [ItemResult] {
        let saved = allOrNone ? self : nil
        var results: [ItemResult] = []
        results.reserveCapacity(count)
        for i in 0..<count { results.append(body(&self, i)) }
        if let saved, results.contains(where: { if case .failed = $0 { return true } else { return false } }) {
            let keepCalls = calls, keepCounted = countedTimes, keepCursors = cursors, keepOrder = cursorOrder, keepCounter = idCounter
            self = saved
            calls = keepCalls; countedTimes = keepCounted; cursors = keepCursors; cursorOrder = keepOrder; idCounter = keepCounter
            return results.map { r in
                if case .ok = r { return .failed(OrgState.rolledBack, id: nil) }
                return r
            }
        }
        return results
    }

    mutating func routeCollections(method: String, c: [String], query: [String: String], parseBody: () -> Result<JSON, APIError>,
                                   userId: String, now: Int64) -> Routed {
        let stamp = nextStamp(now: now)
        var changes: [RecordChange] = []
        if method == "DELETE", c.count == 2 {
            let ids = (query["ids"] ?? "").split(separator: ",").map { String($0) }
            guard !ids.isEmpty else { return .error(APIError(400, "MISSING_ARGUMENT", "ids is required")) }
            if ids.count > 200 { return .error(OrgState.tooMany) }
            let allOrNone = query["allOrNone"]?.lowercased() == "true"
            let results = runBatch(allOrNone: allOrNone, count: ids.count) { org, i in
                guard let id = SalesforceId.normalized(ids[i]), org.catalog.objectName(forId: id) != nil else {
                    return .failed(APIError(400, "MALFORMED_ID", "malformed id \(ids[i])"), id: nil)
                }
                switch org.delete(id: id, stamp: stamp, changes: &changes) {
                case .success: return .ok(id: id, created: nil)
                case .failure(let e): return .failed(e, id: id)
                }
            }
            return Routed(status: 200, body: .array(results.map(OrgState.itemJSON)))
        }
        if method == "GET", c.count == 3 {
            guard let schema = catalog.object(c[2]) else { return .error(.notFound()) }
            let ids = (query["ids"] ?? "").split(separator: ",").map { String($0) }
            let fields = (query["fields"] ?? "").split(separator: ",").map { String($0) }
            if ids.count > 2000 { return .error(OrgState.tooMany) }
            return Routed(status: 200, body: .array(ids.map { raw in
                guard let id = SalesforceId.normalized(raw), let r = records[schema.name]?[id], !r.isDeleted else { return .null }
                return recordJSON(r, fields: fields.isEmpty ? nil : fields)
            }))
        }
        let body: JSON
        switch parseBody() { case .success(let b): body = b; case .failure(let e): return .error(e) }
        guard let list = body["records"]?.arrayValue else {
            return .error(APIError(400, "JSON_PARSER_ERROR", "The request body must have a records array"))
        }
        if list.count > 200 { return .error(OrgState.tooMany) }
        let allOrNone = body["allOrNone"]?.boolValue ?? false
        func typeOf(_ item: JSON) -> String? { item["attributes"]?["type"]?.stringValue }

        switch (method, c.count) {
        case ("POST", 2):
            let results = runBatch(allOrNone: allOrNone, count: list.count) { org, i in
                guard let fields = list[i].objectValue else { return .failed(APIError(400, "JSON_PARSER_ERROR", "a record must be an object"), id: nil) }
                guard let type = typeOf(list[i]) else {
                    return .failed(APIError(400, "INVALID_TYPE", "Must specify an sObject type in the attributes of each record"), id: nil)
                }
                switch org.write(object: type, id: nil, input: fields, mode: .create, stamp: stamp, userId: userId, changes: &changes) {
                case .success(let r): return .ok(id: r.id, created: nil)
                case .failure(let e): return .failed(e, id: nil)
                }
            }
            return Routed(status: 200, body: .array(results.map(OrgState.itemJSON)))
        case ("PATCH", 2):
            let results = runBatch(allOrNone: allOrNone, count: list.count) { org, i in
                guard let fields = list[i].objectValue else { return .failed(APIError(400, "JSON_PARSER_ERROR", "a record must be an object"), id: nil) }
                guard let raw = list[i]["Id"]?.stringValue ?? list[i]["id"]?.stringValue else {
                    return .failed(APIError(400, "MISSING_ARGUMENT", "Id not specified in an update call"), id: nil)
                }
                guard let id = SalesforceId.normalized(raw), let object = org.catalog.objectName(forId: id) else {
                    return .failed(APIError(400, "MALFORMED_ID", "Record ID: id value of incorrect type: \(raw)", fields: ["Id"]), id: nil)
                }
                if let type = typeOf(list[i]), org.catalog.object(type)?.name != object {
                    return .failed(APIError(400, "INVALID_TYPE", "Record ID: id value of incorrect type for \(type)", fields: ["Id"]), id: id)
                }
                guard org.records[object]?[id] != nil else {
                    return .failed(APIError(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"), id: id)
                }
                switch org.write(object: object, id: id, input: fields, mode: .update, stamp: stamp, userId: userId, changes: &changes) {
                case .success(let r): return .ok(id: r.id, created: nil)
                case .failure(let e): return .failed(e, id: id)
                }
            }
            return Routed(status: 200, body: .array(results.map(OrgState.itemJSON)))
        case ("PATCH", 4):
            guard let schema = catalog.object(c[2]) else {
                return .error(APIError(400, "INVALID_TYPE", "sObject type '\(c[2])' is not supported."))
            }
            guard let keyField = schema.field(c[3]), keyField.canBeExternalIdKey else {
                return .error(APIError(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: \(c[3])"))
            }
            var seen: [String: Int] = [:]
            let results = runBatch(allOrNone: allOrNone, count: list.count) { org, i in
                guard var fields = list[i].objectValue else { return .failed(APIError(400, "JSON_PARSER_ERROR", "a record must be an object"), id: nil) }
                if let type = typeOf(list[i]), org.catalog.object(type)?.name != schema.name {
                    return .failed(APIError(400, "INVALID_TYPE", "Each record must be of type \(schema.name) in this call"), id: nil)
                }
                guard let keyValue = fields.first(where: { $0.0.lowercased() == keyField.name.lowercased() })?.1,
                    let key = keyValue.stringValue ?? org.indexKey(keyValue), !key.isEmpty
                else {
                    return .failed(APIError(400, "MISSING_ARGUMENT", "\(keyField.name) not specified", fields: [keyField.name]), id: nil)
                }
                if seen[key.lowercased()] != nil {
                    return .failed(APIError(400, "DUPLICATE_EXTERNAL_ID",
                                            "A user-specified external ID matches more than one record in this request", fields: [keyField.name]), id: nil)
                }
                seen[key.lowercased()] = i
                let matches = org.lookup(object: schema.name, field: keyField.name, value: key)
                if matches.count > 1 {
                    return .failed(APIError(300, "DUPLICATE_EXTERNAL_ID",
                                            "\(keyField.name): more than one record found for external id field: \(matches.joined(separator: ", "))",
                                            fields: [keyField.name]), id: nil)
                }
                switch org.upsertOne(object: schema.name, keyField: keyField, key: key, fields: &fields, existing: matches.first,
                                     stamp: stamp, userId: userId, changes: &changes) {
                case .success(let (r, created)): return .ok(id: r.id, created: created)
                case .failure(let e): return .failed(e, id: matches.first)
                }
            }
            return Routed(status: 200, body: .array(results.map(OrgState.itemJSON)))
        default:
            return .error(.notFound())
        }
    }

    /// `POST /composite`: up to 25 subrequests (at most 5 collections or queries), `@{ref.path}` references,
    /// optional allOrNone; one API call.
    mutating func composite(parseBody: () -> Result<JSON, APIError>, userId: String, now: Int64, batchSize: Int) -> Routed {
        let body: JSON
        switch parseBody() { case .success(let b): body = b; case .failure(let e): return .error(e) }
        guard let subs = body["compositeRequest"]?.arrayValue else {
            return .error(APIError(400, "JSON_PARSER_ERROR", "compositeRequest is required"))
        }
        if subs.count > 25 {
            return .error(APIError(400, "LIMIT_EXCEEDED", "Limit exceeded: a composite request can have at most 25 subrequests"))
        }
        var heavy = 0
        for s in subs {
            let url = s["url"]?.stringValue ?? ""
            if url.contains("/composite/sobjects") || url.contains("/query") { heavy += 1 }
        }
        if heavy > 5 {
            return .error(APIError(400, "LIMIT_EXCEEDED", "Limit exceeded: at most 5 subrequests can be sObject Collections or queries"))
        }
        let allOrNone = body["allOrNone"]?.boolValue ?? false
        let saved = allOrNone ? self : nil
        var results: [(String, JSON)] = []  // referenceId -> body
        var out: [JSON] = []
        var failed = false
        for s in subs {
            let ref = s["referenceId"]?.stringValue ?? ""
            let method = (s["method"]?.stringValue ?? "GET").uppercased()
            guard var url = s["url"]?.stringValue else {
                out.append(.object([("body", .array([APIError(400, "INVALID_INPUT", "url is required").restJSON])), ("httpHeaders", .object([])),
                                    ("httpStatusCode", 400), ("referenceId", .string(ref))]))
                failed = true
                continue
            }
            var resolveError: String? = nil
            url = OrgState.substitute(url, results: results, error: &resolveError)
            var subBody = s["body"]
            if let b = subBody { subBody = OrgState.substituteAll(b, results: results, error: &resolveError) }
            if failed && allOrNone || resolveError != nil {
                let e = resolveError.map { APIError(400, "PROCESSING_HALTED", "Invalid reference specified. \($0)") }
                    ?? APIError(400, "PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.")
                out.append(.object([("body", .array([e.restJSON])), ("httpHeaders", .object([])), ("httpStatusCode", 400),
                                    ("referenceId", .string(ref))]))
                failed = true
                continue
            }
            // Split path and query.
            var query: [String: String] = [:]
            var path = url
            if let q = url.firstIndex(of: "?") {
                path = String(url[..<q])
                for pair in url[url.index(after: q)...].split(separator: "&") {
                    let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                    let key = kv[0].removingPercentEncoding ?? kv[0]
                    let value = kv.count > 1 ? (kv[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? kv[1]) : ""
                    query[key] = value
                }
            }
            let all = path.split(separator: "/").map(String.init)
            guard all.count >= 3, all[0] == "services", all[1] == "data" else {
                out.append(.object([("body", .array([APIError.notFound().restJSON])), ("httpHeaders", .object([])),
                                    ("httpStatusCode", 404), ("referenceId", .string(ref))]))
                failed = true
                continue
            }
            let routed = route(method: method, components: Array(all.dropFirst(3)), query: query,
                               body: subBody?.serializedBytes() ?? [], userId: userId, now: now, batchSize: batchSize, topLevel: false)
            if routed.status >= 400 { failed = true }
            if let b = routed.body { results.append((ref, b)) }
            out.append(.object([("body", routed.body ?? .null),
                                ("httpHeaders", .object(routed.headers.map { ($0.0, .string($0.1)) })),
                                ("httpStatusCode", .int(routed.status)), ("referenceId", .string(ref))]))
        }
        if allOrNone, failed, let saved {
            let keepCalls = calls, keepCounted = countedTimes, keepCounter = idCounter
            self = saved
            calls = keepCalls; countedTimes = keepCounted; idCounter = keepCounter
            out = out.map { item in
                guard let status = item["httpStatusCode"]?.intValue, status < 400 else { return item }
                let e = APIError(400, "PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.")
                return .object([("body", .array([e.restJSON])), ("httpHeaders", .object([])), ("httpStatusCode", 400),
                                ("referenceId", item["referenceId"] ?? .null)])
            }
        }
        return Routed(status: 200, body: .object([("compositeResponse", .array(out))]))
    }

    /// Replaces `@{ref.path}` in a string with values from earlier subresponses.
    static func substitute(_ text: String, results: [(String, JSON)], error: inout String?) -> String {
        guard text.contains("@{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "@{") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else { out += rest[start.lowerBound...]; return out }
            let expr = String(rest[start.upperBound..<end])
            if let v = resolveReference(expr, results: results) {
                switch v {
                case .string(let s): out += s
                default: out += v.serialized()
                }
            } else {
                error = "No value for \(expr) found in the earlier subrequests"
            }
            rest = rest[rest.index(after: end)...]
        }
        out += rest
        return out
    }

    static func substituteAll(_ json: JSON, results: [(String, JSON)], error: inout String?) -> JSON {
        switch json {
        case .string(let s): return .string(substitute(s, results: results, error: &error))
        case .array(let a): return .array(a.map { substituteAll($0, results: results, error: &error) })
        case .object(let o): return .object(o.map { ($0.0, substituteAll($0.1, results: results, error: &error)) })
        default: return json
        }
    }

    static func resolveReference(_ expr: String, results: [(String, JSON)]) -> JSON? {
        var parts: [String] = []
        for piece in expr.split(separator: ".") {
            var p = Substring(piece)
            while let open = p.firstIndex(of: "[") {
                if open > p.startIndex { parts.append(String(p[..<open])) }
                guard let close = p.firstIndex(of: "]") else { return nil }
                parts.append("#" + p[p.index(after: open)..<close])
                p = p[p.index(after: close)...]
            }
            if !p.isEmpty { parts.append(String(p)) }
        }
        guard let first = parts.first, var current = results.last(where: { $0.0 == first })?.1 else { return nil }
        for part in parts.dropFirst() {
            if part.hasPrefix("#"), let i = Int(part.dropFirst()), let a = current.arrayValue, i < a.count { current = a[i] }
            else if let v = current[part] { current = v }
            else { return nil }
        }
        return current
    }
}
