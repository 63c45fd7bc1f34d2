// Codable for the model values the projections keep, so that a `SyncState`
// can be stored as a snapshot (snapshot + tail == full replay). Written by
// hand because synthesis only works in the declaring file.

extension ActivityType: Codable {}
extension ActivityStatus: Codable {}
extension WriteObject: Codable {}
extension WriteOperation: Codable {}
extension FailureClass: Codable {}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(millisecondsSinceEpoch: try decoder.singleValueContainer().decode(Int64.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(millisecondsSinceEpoch)
    }
}

extension LocalDate: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let d = LocalDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM-DD date")
        }
        self = d
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(isoString)
    }
}

extension FieldValue: Codable {
    private enum Keys: String, CodingKey { case kind, value }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "string": self = .string(try c.decode(String.self, forKey: .value))
        case "date": self = .date(try c.decode(LocalDate.self, forKey: .value))
        case "dateTime": self = .dateTime(try c.decode(Timestamp.self, forKey: .value))
        case "bool": self = .bool(try c.decode(Bool.self, forKey: .value))
        case "int": self = .int(try c.decode(Int64.self, forKey: .value))
        case "idList": self = .idList(try c.decode([String].self, forKey: .value))
        case "null": self = .null
        default: throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown field value kind")
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .string(let s): try c.encode("string", forKey: .kind); try c.encode(s, forKey: .value)
        case .date(let d): try c.encode("date", forKey: .kind); try c.encode(d, forKey: .value)
        case .dateTime(let t): try c.encode("dateTime", forKey: .kind); try c.encode(t, forKey: .value)
        case .bool(let b): try c.encode("bool", forKey: .kind); try c.encode(b, forKey: .value)
        case .int(let i): try c.encode("int", forKey: .kind); try c.encode(i, forKey: .value)
        case .idList(let l): try c.encode("idList", forKey: .kind); try c.encode(l, forKey: .value)
        case .null: try c.encode("null", forKey: .kind)
        }
    }
}

extension WriteField: Codable {
    private enum Keys: String, CodingKey { case name, value }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(try c.decode(String.self, forKey: .name), try c.decode(FieldValue.self, forKey: .value))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(value, forKey: .value)
    }
}

extension PlannedWrite: Codable {
    private enum Keys: String, CodingKey { case syncKey, object, operation, fields }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            syncKey: try c.decode(String.self, forKey: .syncKey), object: try c.decode(WriteObject.self, forKey: .object),
            operation: try c.decode(WriteOperation.self, forKey: .operation),
            fields: try c.decode([WriteField].self, forKey: .fields))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(syncKey, forKey: .syncKey)
        try c.encode(object, forKey: .object)
        try c.encode(operation, forKey: .operation)
        try c.encode(fields, forKey: .fields)
    }
}

extension Reason.Datum: Codable {
    private enum Keys: String, CodingKey { case key, value }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(try c.decode(String.self, forKey: .key), try c.decode(String.self, forKey: .value))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(key, forKey: .key)
        try c.encode(value, forKey: .value)
    }
}

extension Reason: Codable {
    private enum Keys: String, CodingKey { case rule, text, data }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            rule: try c.decode(String.self, forKey: .rule), text: try c.decode(String.self, forKey: .text),
            data: try c.decode([Datum].self, forKey: .data))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(text, forKey: .text)
        try c.encode(data, forKey: .data)
    }
}
