/// Why an input line (an activity, a change, a configuration) was refused:
/// the JSON path of the offending field and the problem.
///
/// Never contains the offending value (it may be personal data); only enum
/// values and field names are quoted. Examples:
/// `message.to[0].email: not an email address`,
/// `occurredAt: not an RFC 3339 date-time`,
/// `type: unknown activity type "email.foo"`, `missing field message`.
public struct InputRejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON path of the field (`message.to[0].email`); empty for the whole input.
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
}

/// Limits for one input line.
public enum InputLimits {
    /// The largest activity or change line accepted (1 MiB).
    public static let maxLineBytes = 1 << 20
    /// The largest configuration file accepted (4 MiB).
    public static let maxConfigurationBytes = 4 << 20
    /// The deepest JSON nesting accepted.
    public static let maxDepth = 32
}

/// Field access with paths, for the validators.
struct JSONFields {
    let members: [JSONValue.Member]
    let path: String

    init(_ members: [JSONValue.Member], path: String) {
        self.members = members
        self.path = path
    }

    /// Parses `bytes` and requires a JSON object at the top.
    static func parseObject(_ bytes: UnsafeRawBufferPointer, maxBytes: Int, what: String) throws(InputRejection) -> JSONFields {
        guard bytes.count <= maxBytes else {
            throw InputRejection(path: "", problem: "\(what) is \(bytes.count) bytes; the limit is \(maxBytes)")
        }
        let value: JSONValue
        do throws(JSONParser.Failure) {
            value = try JSONParser.parse(bytes, limits: .init(maxDepth: InputLimits.maxDepth, maxBytes: maxBytes))
        } catch {
            throw InputRejection(path: "", problem: error.description)
        }
        guard case .object(let members) = value else {
            throw InputRejection(path: "", problem: "\(what) must be a JSON object, not \(article(value.kindName))")
        }
        return JSONFields(members, path: "")
    }

    func sub(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    func reject(_ name: String, _ problem: String) -> InputRejection {
        InputRejection(path: sub(name), problem: problem)
    }

    func missing(_ name: String) -> InputRejection {
        InputRejection(path: path, problem: "missing field \(name)")
    }

    /// The raw value, nil when absent. `null` is returned as `.null`.
    subscript(_ name: String) -> JSONValue? {
        for m in members where m.name == name { return m.value }
        return nil
    }

    /// Present and not null.
    func has(_ name: String) -> Bool {
        if let v = self[name], v != .null { return true }
        return false
    }

    func requiredValue(_ name: String) throws(InputRejection) -> JSONValue {
        guard let v = self[name] else { throw missing(name) }
        return v
    }

    func typeError(_ name: String, _ expected: String, _ v: JSONValue) -> InputRejection {
        reject(name, "must be \(expected), not \(article(v.kindName))")
    }

    /// A required string within the given length (in Unicode scalars, as JSON Schema counts).
    func string(_ name: String, min: Int = 0, max: Int = .max) throws(InputRejection) -> String {
        let v = try requiredValue(name)
        return try checkString(name, v, min: min, max: max)
    }

    /// An optional string: absent or null -> nil.
    func optionalString(_ name: String, min: Int = 0, max: Int = .max) throws(InputRejection) -> String? {
        guard let v = self[name], v != .null else { return nil }
        return try checkString(name, v, min: min, max: max)
    }

    func checkString(_ name: String, _ v: JSONValue, min: Int, max: Int) throws(InputRejection) -> String {
        guard case .string(let s) = v else { throw typeError(name, "a string", v) }
        let n = s.unicodeScalars.count
        if n < min { throw reject(name, min == 1 ? "must not be empty" : "shorter than \(min) characters") }
        if n > max { throw reject(name, "longer than \(max) characters") }
        return s
    }

    func bool(_ name: String) throws(InputRejection) -> Bool {
        let v = try requiredValue(name)
        guard case .bool(let b) = v else { throw typeError(name, "true or false", v) }
        return b
    }

    func optionalBool(_ name: String) throws(InputRejection) -> Bool? {
        guard let v = self[name], v != .null else { return nil }
        guard case .bool(let b) = v else { throw typeError(name, "true or false", v) }
        return b
    }

    func optionalInt(_ name: String, min: Int = Int(Int32.min), max: Int = Int(Int32.max)) throws(InputRejection) -> Int? {
        guard let v = self[name], v != .null else { return nil }
        guard case .number(let d) = v, d == d.rounded() else { throw typeError(name, "an integer", v) }
        guard d >= Double(min), d <= Double(max) else {
            throw reject(name, max == Int(Int32.max) ? "must be at least \(min)" : "must be between \(min) and \(max)")
        }
        return Int(d)
    }

    func int(_ name: String, min: Int = Int(Int32.min), max: Int = Int(Int32.max)) throws(InputRejection) -> Int {
        guard self[name] != nil else { throw missing(name) }
        guard let i = try optionalInt(name, min: min, max: max) else { throw typeError(name, "an integer", .null) }
        return i
    }

    func dateTime(_ name: String) throws(InputRejection) -> (Timestamp, Int) {
        let v = try requiredValue(name)
        guard let t = try checkDateTime(name, v) else { throw typeError(name, "an RFC 3339 date-time string", v) }
        return t
    }

    func optionalDateTime(_ name: String) throws(InputRejection) -> Timestamp? {
        guard let v = self[name], v != .null else { return nil }
        return try checkDateTime(name, v)?.0
    }

    private func checkDateTime(_ name: String, _ v: JSONValue) throws(InputRejection) -> (Timestamp, Int)? {
        guard case .string(let s) = v else { throw typeError(name, "an RFC 3339 date-time string", v) }
        guard let p = RFC3339.parseDateTime(Array(s.utf8), allowCompactOffset: false) else {
            throw reject(name, "not an RFC 3339 date-time (e.g. 2026-11-20T15:04:05Z)")
        }
        return (p.instant, p.offsetMinutes)
    }

    func optionalDate(_ name: String) throws(InputRejection) -> LocalDate? {
        guard let v = self[name], v != .null else { return nil }
        guard case .string(let s) = v else { throw typeError(name, "a date string", v) }
        guard let d = LocalDate(iso: s) else { throw reject(name, "not a date (YYYY-MM-DD)") }
        return d
    }

    func email(_ name: String) throws(InputRejection) -> String {
        let s = try string(name)
        guard EmailAddress.isValid(s) else { throw reject(name, "not an email address") }
        return s
    }

    func object(_ name: String) throws(InputRejection) -> JSONFields {
        let v = try requiredValue(name)
        guard case .object(let m) = v else { throw typeError(name, "an object", v) }
        return JSONFields(m, path: sub(name))
    }

    func optionalObject(_ name: String) throws(InputRejection) -> JSONFields? {
        guard let v = self[name], v != .null else { return nil }
        guard case .object(let m) = v else { throw typeError(name, "an object", v) }
        return JSONFields(m, path: sub(name))
    }

    /// A required array; `element` gets the element and its path.
    func array<T>(_ name: String, _ element: (JSONValue, String) throws(InputRejection) -> T) throws(InputRejection) -> [T] {
        let v = try requiredValue(name)
        return try checkArray(name, v, element)
    }

    func optionalArray<T>(_ name: String, _ element: (JSONValue, String) throws(InputRejection) -> T) throws(InputRejection) -> [T]? {
        guard let v = self[name], v != .null else { return nil }
        return try checkArray(name, v, element)
    }

    private func checkArray<T>(_ name: String, _ v: JSONValue, _ element: (JSONValue, String) throws(InputRejection) -> T)
        throws(InputRejection) -> [T]
    {
        guard case .array(let items) = v else { throw typeError(name, "an array", v) }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            out.append(try element(item, "\(sub(name))[\(i)]"))
        }
        return out
    }

    /// An enum value; an unknown one is quoted only when it is short printable ASCII.
    func enumValue<T: RawRepresentable>(_ name: String, _ type: T.Type, what: String) throws(InputRejection) -> T
    where T.RawValue == String {
        let s = try string(name)
        guard let v = T(rawValue: s) else { throw reject(name, "unknown \(what) \(quoteIfSafe(s))") }
        return v
    }

    func optionalEnum<T: RawRepresentable>(_ name: String, _ type: T.Type, what: String) throws(InputRejection) -> T?
    where T.RawValue == String {
        guard has(name) else { return nil }
        return try enumValue(name, type, what: what)
    }

    /// Rejects members not in `known` (closed objects such as the configuration).
    func rejectUnknown(_ known: Set<String>, secrets: Set<String> = []) throws(InputRejection) {
        for m in members where !known.contains(m.name) {
            if secrets.contains(m.name) {
                throw reject(
                    m.name,
                    "secrets are not accepted in the configuration; name a file (\(m.name)File) or an environment variable (\(m.name)Env)"
                )
            }
            throw InputRejection(path: path, problem: "unknown field \(quoteIfSafe(m.name))")
        }
    }
}

/// Element helpers for arrays.
enum JSONElement {
    static func object(_ v: JSONValue, _ path: String) throws(InputRejection) -> JSONFields {
        guard case .object(let m) = v else {
            throw InputRejection(path: path, problem: "must be an object, not \(article(v.kindName))")
        }
        return JSONFields(m, path: path)
    }

    static func string(_ v: JSONValue, _ path: String, min: Int = 0, max: Int = .max) throws(InputRejection) -> String {
        guard case .string(let s) = v else {
            throw InputRejection(path: path, problem: "must be a string, not \(article(v.kindName))")
        }
        let n = s.unicodeScalars.count
        if n < min { throw InputRejection(path: path, problem: "must not be empty") }
        if n > max { throw InputRejection(path: path, problem: "longer than \(max) characters") }
        return s
    }

    static func email(_ v: JSONValue, _ path: String) throws(InputRejection) -> String {
        let s = try string(v, path)
        guard EmailAddress.isValid(s) else { throw InputRejection(path: path, problem: "not an email address") }
        return s
    }

    static func person(_ v: JSONValue, _ path: String) throws(InputRejection) -> Person {
        try JSONDecoding.person(object(v, path))
    }
}

func article(_ kind: String) -> String {
    kind == "array" || kind == "object" ? "an \(kind)" : kind == "null" ? "null" : "a \(kind)"
}

/// Quotes `s` when it is short printable ASCII (an enum value or a field name); otherwise says nothing of it.
func quoteIfSafe(_ s: String) -> String {
    let ok = s.utf8.count <= 40 && s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }
    return ok ? "\"\(s)\"" : "(not shown)"
}
