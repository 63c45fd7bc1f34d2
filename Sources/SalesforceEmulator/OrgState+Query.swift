/// Query execution: SOQL over the records, pages and cursors.
extension OrgState {
    /// A field path resolved against the schema.
    struct ResolvedPath {
        var relationshipField: FieldInfo?  // the reference field on the queried object
        var relationshipName: String?  // canonical
        var field: String  // canonical on the (target) object
        var type: String
    }

    func resolve(_ p: SOQLQuery.FieldPath, on schema: ObjectSchema, query: String) -> Result<ResolvedPath, APIError> {
        func noColumn(_ name: String, _ entity: String) -> APIError {
            APIError(400, "INVALID_FIELD",
                     "No such column '\(name)' on entity '\(entity)'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")
        }
        guard let relName = p.relationship else {
            guard let f = schema.field(p.field), f.type != "junctionidlist" else { return .failure(noColumn(p.field, schema.name)) }
            return .success(ResolvedPath(relationshipField: nil, relationshipName: nil, field: f.name, type: f.type))
        }
        // `Contact.Name` written with the object's own name is just the field.
        if relName.lowercased() == schema.name.lowercased(), let f = schema.field(p.field) {
            return .success(ResolvedPath(relationshipField: nil, relationshipName: nil, field: f.name, type: f.type))
        }
        guard let ref = schema.relationshipField(relName) else {
            return .failure(APIError(400, "INVALID_FIELD",
                                     "Didn't understand relationship '\(relName)' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."))
        }
        let targets = ref.referenceTo.compactMap { catalog.object($0) }
        if ref.referenceTo.count == 1, let target = targets.first {
            guard let f = target.field(p.field) else { return .failure(noColumn(p.field, target.name)) }
            return .success(ResolvedPath(relationshipField: ref, relationshipName: ref.relationshipName, field: f.name, type: f.type))
        }
        // Polymorphic (Who, What, Owner): the field must exist on one of the targets.
        guard let f = targets.compactMap({ $0.field(p.field) }).first else { return .failure(noColumn(p.field, "Name")) }
        return .success(ResolvedPath(relationshipField: ref, relationshipName: ref.relationshipName, field: f.name, type: f.type))
    }

    func value(of path: ResolvedPath, in r: StoredRecord) -> JSON {
        guard let ref = path.relationshipField else {
            if path.field == "IsDeleted" { return .bool(r.isDeleted) }
            return r.fields[path.field] ?? .null
        }
        guard let id = r.fields[ref.name]?.stringValue, let target = record(id: id) else { return .null }
        return target.fields[path.field] ?? .null
    }

    enum Comparable2 { case text(String), number(Double), bool(Bool), null }

    func comparable(_ v: JSON, type: String) -> Comparable2 {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .double(let d): return .number(d)
        case .string(let s):
            if type == "reference" || type == "id" { return .text(s) }
            return .text(s.lowercased())
        default: return .text(v.serialized())
        }
    }

    func comparable(_ l: SOQLQuery.Literal, type: String) -> Result<Comparable2, APIError> {
        switch l {
        case .null: return .success(.null)
        case .bool(let b): return .success(.bool(b))
        case .number(let d):
            if ["string", "textarea", "picklist", "email", "phone", "url", "combobox", "id", "reference"].contains(type) {
                return .failure(.malformedQuery("value of filter criterion for a \(type) field must be of type \(type) and should be enclosed in quotes"))
            }
            return .success(.number(d))
        case .string(let s):
            if type == "reference" || type == "id" { return .success(.text(SalesforceId.normalized(s) ?? s)) }
            if type == "datetime" || type == "date" {
                return .failure(.malformedQuery("value of filter criterion for a \(type) field must be of type \(type) and should not be enclosed in quotes"))
            }
            if ["int", "double", "currency", "percent"].contains(type) {
                return .failure(.malformedQuery("value of filter criterion for a \(type) field must be of type \(type) and should not be enclosed in quotes"))
            }
            return .success(.text(s.lowercased()))
        case .dateTime(let ms):
            if type == "date" { return .success(.text(Timestamp.formatDate(ms))) }
            guard type == "datetime" else { return .failure(.malformedQuery("a date/time literal cannot be compared with a \(type) field")) }
            return .success(.text(Timestamp.format(ms).lowercased()))
        case .date(let d):
            if type == "datetime" {
                return .failure(.malformedQuery("value of filter criterion for a datetime field must be a date/time (YYYY-MM-DDThh:mm:ssZ), not a date"))
            }
            guard type == "date" else { return .failure(.malformedQuery("a date literal cannot be compared with a \(type) field")) }
            return .success(.text(d))
        }
    }

    static func order(_ a: Comparable2, _ b: Comparable2) -> Int? {
        switch (a, b) {
        case let (.text(x), .text(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.number(x), .number(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.null, .null): return 0
        default: return nil
        }
    }

    static func like(_ text: String, _ pattern: String) -> Bool {
        let t = Array(text.lowercased()), p = Array(pattern.lowercased())
        var memo: [Int: Bool] = [:]
        func match(_ i: Int, _ j: Int) -> Bool {
            let key = i * (p.count + 1) + j
            if let m = memo[key] { return m }
            let result: Bool
            if j == p.count { result = i == t.count }
            else if p[j] == "%" { result = match(i, j + 1) || (i < t.count && match(i + 1, j)) }
            else if i < t.count, p[j] == "_" || p[j] == t[i] { result = match(i + 1, j + 1) }
            else { result = false }
            memo[key] = result
            return result
        }
        return match(0, 0)
    }

    /// A compiled WHERE clause.
    indirect enum Predicate {
        case compare(ResolvedPath, String, Comparable2, String)  // path, op, literal, raw LIKE pattern
        case isIn(ResolvedPath, [Comparable2], Bool)
        case and(Predicate, Predicate)
        case or(Predicate, Predicate)
        case not(Predicate)
    }

    func compile(_ c: SOQLQuery.Condition, schema: ObjectSchema, q: String) -> Result<Predicate, APIError> {
        switch c {
        case let .compare(p, op, lit):
            switch resolve(p, on: schema, query: q) {
            case .failure(let e): return .failure(e)
            case .success(let rp):
                if op == "LIKE", case .string(let pattern) = lit { return .success(.compare(rp, op, .null, pattern)) }
                switch comparable(lit, type: rp.type) {
                case .failure(let e): return .failure(e)
                case .success(let v): return .success(.compare(rp, op, v, ""))
                }
            }
        case let .isIn(p, lits, negated):
            switch resolve(p, on: schema, query: q) {
            case .failure(let e): return .failure(e)
            case .success(let rp):
                var values: [Comparable2] = []
                for l in lits {
                    switch comparable(l, type: rp.type) {
                    case .failure(let e): return .failure(e)
                    case .success(let v): values.append(v)
                    }
                }
                return .success(.isIn(rp, values, negated))
            }
        case let .and(a, b):
            return compile(a, schema: schema, q: q).flatMap { x in compile(b, schema: schema, q: q).map { .and(x, $0) } }
        case let .or(a, b):
            return compile(a, schema: schema, q: q).flatMap { x in compile(b, schema: schema, q: q).map { .or(x, $0) } }
        case let .not(a):
            return compile(a, schema: schema, q: q).map { .not($0) }
        }
    }

    func evaluate(_ p: Predicate, _ r: StoredRecord) -> Bool {
        switch p {
        case let .compare(path, op, lit, pattern):
            let v = comparable(value(of: path, in: r), type: path.type)
            if op == "LIKE" {
                guard case .text(let s) = v else { return false }
                return OrgState.like(s, pattern)
            }
            if case .null = lit {
                let isNull: Bool
                if case .null = v { isNull = true } else { isNull = false }
                return op == "=" ? isNull : (op == "!=" ? !isNull : false)
            }
            if case .null = v { return op == "!=" }
            guard let c = OrgState.order(v, lit) else { return op == "!=" }
            switch op {
            case "=": return c == 0
            case "!=": return c != 0
            case "<": return c < 0
            case "<=": return c <= 0
            case ">": return c > 0
            case ">=": return c >= 0
            default: return false
            }
        case let .isIn(path, values, negated):
            let v = comparable(value(of: path, in: r), type: path.type)
            let found = values.contains { OrgState.order(v, $0) == 0 }
            return negated ? !found : found
        case let .and(a, b): return evaluate(a, r) && evaluate(b, r)
        case let .or(a, b): return evaluate(a, r) || evaluate(b, r)
        case let .not(a): return !evaluate(a, r)
        }
    }

    static func attributes(_ object: String, _ id: String) -> JSON {
        .object([("type", .string(object)), ("url", .string("/services/data/v62.0/sobjects/\(object)/\(id)"))])
    }

    /// Runs a query; the result rows are the whole answer (pages are cut by the caller).
    func runQuery(_ q: String, includeDeleted: Bool, now: Int64) -> Result<(rows: [JSON], count: Int, isCount: Bool), APIError> {
        let parsed: SOQLQuery
        switch SOQLParser.parse(q) {
        case .failure(let e): return .failure(e)
        case .success(let p): parsed = p
        }
        guard let schema = catalog.object(parsed.object) else {
            return .failure(APIError(400, "INVALID_TYPE",
                                     "sObject type '\(parsed.object)' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."))
        }
        var selected: [ResolvedPath] = []
        for f in parsed.fields {
            switch resolve(f, on: schema, query: q) {
            case .failure(let e): return .failure(e)
            case .success(let rp): selected.append(rp)
            }
        }
        var predicate: Predicate? = nil
        if let c = parsed.condition {
            switch compile(c, schema: schema, q: q) {
            case .failure(let e): return .failure(e)
            case .success(let p): predicate = p
            }
        }
        var orders: [(ResolvedPath, Bool, Bool)] = []
        for o in parsed.orderBy {
            switch resolve(o.path, on: schema, query: q) {
            case .failure(let e): return .failure(e)
            case .success(let rp): orders.append((rp, o.descending, o.nullsLast))
            }
        }
        let binCutoff = now - 15 * 86_400_000
        var matched: [StoredRecord] = []
        for id in order[schema.name] ?? [] {
            guard let r = records[schema.name]?[id] else { continue }
            if r.isDeleted && (!includeDeleted || (r.deletedAt ?? 0) < binCutoff) { continue }
            if let predicate, !evaluate(predicate, r) { continue }
            matched.append(r)
        }
        if !orders.isEmpty {
            let keyed = matched.map { r in (r, orders.map { comparable(value(of: $0.0, in: r), type: $0.0.type) }) }
            let sorted = keyed.sorted { a, b in
                for (i, o) in orders.enumerated() {
                    let x = a.1[i], y = b.1[i]
                    let xNull: Bool, yNull: Bool
                    if case .null = x { xNull = true } else { xNull = false }
                    if case .null = y { yNull = true } else { yNull = false }
                    if xNull != yNull { return o.2 ? yNull : xNull }
                    guard let c = OrgState.order(x, y), c != 0 else { continue }
                    return o.1 ? c > 0 : c < 0
                }
                return false
            }
            matched = sorted.map(\.0)
        }
        if let offset = parsed.offset { matched = Array(matched.dropFirst(offset)) }
        if let limit = parsed.limit { matched = Array(matched.prefix(limit)) }
        if parsed.isCount { return .success(([], matched.count, true)) }
        let rows = matched.map { r -> JSON in
            var pairs: [(String, JSON)] = [("attributes", OrgState.attributes(r.object, r.id))]
            var nested: [String: Int] = [:]
            for s in selected {
                if let ref = s.relationshipField, let rel = s.relationshipName {
                    if let at = nested[rel] {
                        if case .object(var inner) = pairs[at].1 {
                            if !inner.contains(where: { $0.0 == s.field }) { inner.append((s.field, value(of: s, in: r))) }
                            pairs[at].1 = .object(inner)
                        }
                        continue
                    }
                    guard let id = r.fields[ref.name]?.stringValue, let target = record(id: id) else {
                        if !pairs.contains(where: { $0.0 == rel }) { pairs.append((rel, .null)) }
                        continue
                    }
                    nested[rel] = pairs.count
                    pairs.append((rel, .object([("attributes", OrgState.attributes(target.object, target.id)),
                                                (s.field, target.fields[s.field] ?? .null)])))
                } else {
                    if !pairs.contains(where: { $0.0 == s.field }) { pairs.append((s.field, value(of: s, in: r))) }
                }
            }
            return .object(pairs)
        }
        return .success((rows, rows.count, false))
    }

    /// The first page of a query, opening a cursor when there is more.
    mutating func query(_ q: String, includeDeleted: Bool, batchSize: Int, userId: String, now: Int64) -> Result<JSON, APIError> {
        switch runQuery(q, includeDeleted: includeDeleted, now: now) {
        case .failure(let e): return .failure(e)
        case .success(let result):
            if result.isCount {
                return .success(.object([("totalSize", .int(result.count)), ("done", true), ("records", .array([]))]))
            }
            return .success(page(rows: result.rows, from: 0, batchSize: batchSize, all: includeDeleted, userId: userId, locator: nil))
        }
    }

    mutating func page(rows: [JSON], from start: Int, batchSize: Int, all: Bool, userId: String, locator: String?) -> JSON {
        let end = min(rows.count, start + batchSize)
        let slice = Array(rows[start..<end])
        var pairs: [(String, JSON)] = [("totalSize", .int(rows.count)), ("done", .bool(end >= rows.count))]
        if end < rows.count {
            let base: String
            if let locator {
                base = locator
                cursors[base]?.position = end
            } else {
                base = SalesforceId.make(prefix: "01g", counter: cursorCounter)
                cursorCounter += 1
                cursors[base] = QueryCursor(userId: userId, rows: rows, position: end, batchSize: batchSize, all: all)
                cursorOrder.append(base)
                // At most 10 open cursors per user: the oldest is closed.
                let mine = cursorOrder.filter { cursors[$0]?.userId == userId }
                if mine.count > 10, let oldest = mine.first {
                    cursors[oldest] = nil
                    cursorOrder.removeAll { $0 == oldest }
                }
            }
            pairs.append(("nextRecordsUrl", .string("/services/data/v62.0/\(all ? "queryAll" : "query")/\(base)-\(end)")))
        } else if let locator {
            cursors[locator] = nil
            cursorOrder.removeAll { $0 == locator }
        }
        pairs.append(("records", .array(slice)))
        return .object(pairs)
    }

    /// A later page: `{locator}-{position}`.
    mutating func nextPage(_ locatorText: String, userId: String) -> Result<JSON, APIError> {
        let parts = locatorText.split(separator: "-", maxSplits: 1).map(String.init)
        guard parts.count == 2, let position = Int(parts[1]), let cursor = cursors[parts[0]], cursor.userId == userId,
            position == cursor.position || (position < cursor.rows.count && position >= 0)
        else {
            return .failure(APIError(400, "INVALID_QUERY_LOCATOR", "invalid query locator"))
        }
        return .success(page(rows: cursor.rows, from: position, batchSize: cursor.batchSize, all: cursor.all, userId: userId,
                             locator: parts[0]))
    }
}
