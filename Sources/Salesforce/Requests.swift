/// One REST call, as a value: built by ``SalesforceAPI`` without I/O, sent by ``SalesforceClient``.
public struct SalesforceRequest: Sendable, Hashable {
    public enum Method: String, Sendable, Hashable { case GET, POST, PATCH, DELETE }

    public var method: Method
    /// The path from the instance URL, starting `/services/...`.
    public var path: String
    /// Query parameters in order (percent-encoded when sent).
    public var query: [(String, String)]
    /// Extra headers (`Sforce-Query-Options`); auth and `Sforce-Call-Options` are added by the client.
    public var headers: [(String, String)]
    public var body: SalesforceJSON?

    public init(method: Method, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: SalesforceJSON? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    public static func == (a: SalesforceRequest, b: SalesforceRequest) -> Bool {
        a.method == b.method && a.path == b.path && a.query.elementsEqual(b.query, by: ==) && a.headers.elementsEqual(b.headers, by: ==)
            && a.body == b.body
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(path)
        for (k, v) in query { hasher.combine(k); hasher.combine(v) }
        hasher.combine(body)
    }

    /// The path with its percent-encoded query string.
    public var pathAndQuery: String {
        guard !query.isEmpty else { return path }
        return path + "?" + query.map { "\(Self.percentEncode($0.0))=\(Self.percentEncode($0.1))" }.joined(separator: "&")
    }

    /// A readable one-line form for snapshots: `PATCH /services/... {sorted body}`.
    public var snapshot: String {
        var text = "\(method.rawValue) \(pathAndQuery)"
        for (k, v) in headers { text += "\n\(k): \(v)" }
        if let body { text += "\n" + body.text(sortedKeys: true) }
        return text
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

/// A record to write: its sObject type and fields in order (Salesforce field names).
public struct SObjectRecord: Sendable, Hashable {
    public var type: String
    public var fields: [(String, SalesforceJSON)]

    public init(type: String, fields: [(String, SalesforceJSON)]) {
        self.type = type
        self.fields = fields
    }

    public subscript(field: String) -> SalesforceJSON? { fields.first { $0.0 == field }?.1 }

    public static func == (a: SObjectRecord, b: SObjectRecord) -> Bool {
        a.type == b.type && a.fields.elementsEqual(b.fields, by: { $0.0 == $1.0 && $0.1 == $1.1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(type)
        for (k, v) in fields { hasher.combine(k); hasher.combine(v) }
    }

    /// The fields as a JSON object, without `attributes`.
    public var fieldsJSON: SalesforceJSON { .object(fields) }

    /// The collection form: `{"attributes":{"type":"Task"}, ...fields}`.
    public var collectionJSON: SalesforceJSON { .object([("attributes", .object([("type", .string(type))]))] + fields) }
}

/// Pure builders for every call the sync makes (salesforce.md, "Writing", "Reading changes", "Limits").
///
/// ```swift
/// let api = SalesforceAPI(version: "62.0")
/// let request = try api.collectionsUpsert(object: "Task", externalIdField: "Synclog_Key__c", records: records)
/// ```
public struct SalesforceAPI: Sendable, Hashable {
    /// At most 200 records per sObject Collections call.
    public static let maxCollectionSize = 200

    public var version: String

    public init(version: String = "62.0") {
        self.version = version.hasPrefix("v") ? String(version.dropFirst()) : version
    }

    public var base: String { "/services/data/v\(version)" }

    func checkCollection(_ count: Int) throws(SalesforceError) {
        guard count > 0, count <= Self.maxCollectionSize else {
            throw SalesforceError(code: .configuration, message: "a collection call takes 1 to 200 records, not \(count)")
        }
    }

    // MARK: collections

    /// `POST /composite/sobjects`: creates up to 200 records (`allOrNone` false: one result per record).
    public func collectionsCreate(records: [SObjectRecord], allOrNone: Bool = false) throws(SalesforceError) -> SalesforceRequest {
        try checkCollection(records.count)
        return SalesforceRequest(method: .POST, path: "\(base)/composite/sobjects",
                                 body: .object([("allOrNone", .bool(allOrNone)), ("records", .array(records.map(\.collectionJSON)))]))
    }

    /// `PATCH /composite/sobjects/{Type}/{ExtField}`: upserts up to 200 records of one type by an external id.
    public func collectionsUpsert(object: String, externalIdField: String, records: [SObjectRecord], allOrNone: Bool = false)
        throws(SalesforceError) -> SalesforceRequest
    {
        try checkCollection(records.count)
        guard records.allSatisfy({ $0.type == object }) else {
            throw SalesforceError(code: .configuration, message: "a collections upsert takes records of one type (\(object))")
        }
        guard records.allSatisfy({ $0[externalIdField]?.stringValue?.isEmpty == false }) else {
            throw SalesforceError(code: .configuration, message: "every upserted record needs a value for \(externalIdField)")
        }
        return SalesforceRequest(method: .PATCH, path: "\(base)/composite/sobjects/\(object)/\(externalIdField)",
                                 body: .object([("allOrNone", .bool(allOrNone)), ("records", .array(records.map(\.collectionJSON)))]))
    }

    /// `PATCH /composite/sobjects`: updates up to 200 records by `Id` (each record carries its `Id`).
    public func collectionsUpdate(records: [SObjectRecord], allOrNone: Bool = false) throws(SalesforceError) -> SalesforceRequest {
        try checkCollection(records.count)
        guard records.allSatisfy({ $0["Id"]?.stringValue?.isEmpty == false }) else {
            throw SalesforceError(code: .configuration, message: "every updated record needs its Id")
        }
        return SalesforceRequest(method: .PATCH, path: "\(base)/composite/sobjects",
                                 body: .object([("allOrNone", .bool(allOrNone)), ("records", .array(records.map(\.collectionJSON)))]))
    }

    /// `DELETE /composite/sobjects?ids=a,b&allOrNone=false`.
    public func collectionsDelete(ids: [String], allOrNone: Bool = false) throws(SalesforceError) -> SalesforceRequest {
        try checkCollection(ids.count)
        return SalesforceRequest(method: .DELETE, path: "\(base)/composite/sobjects",
                                 query: [("ids", ids.joined(separator: ",")), ("allOrNone", allOrNone ? "true" : "false")])
    }

    // MARK: single records

    /// `POST /sobjects/{Type}/`: body must not contain `Id`.
    public func create(_ record: SObjectRecord) throws(SalesforceError) -> SalesforceRequest {
        guard record["Id"] == nil else { throw SalesforceError(code: .configuration, message: "a create must not carry an Id") }
        return SalesforceRequest(method: .POST, path: "\(base)/sobjects/\(record.type)/", body: record.fieldsJSON)
    }

    /// `PATCH /sobjects/{Type}/{id}` (204 on success). `Id` is not sent in the body.
    public func update(_ record: SObjectRecord, id: String) -> SalesforceRequest {
        SalesforceRequest(method: .PATCH, path: "\(base)/sobjects/\(record.type)/\(id)",
                          body: .object(record.fields.filter { $0.0 != "Id" }))
    }

    /// `PATCH /sobjects/{Type}/{ExtField}/{value}`: 201 created, 200 updated, 300 several matches.
    /// The external-id field itself is not repeated in the body.
    public func upsert(_ record: SObjectRecord, externalIdField: String, value: String) -> SalesforceRequest {
        SalesforceRequest(method: .PATCH,
                          path: "\(base)/sobjects/\(record.type)/\(externalIdField)/\(SalesforceRequest.percentEncode(value))",
                          body: .object(record.fields.filter { $0.0 != externalIdField && $0.0 != "Id" }))
    }

    /// `DELETE /sobjects/{Type}/{id}` (204).
    public func delete(object: String, id: String) -> SalesforceRequest {
        SalesforceRequest(method: .DELETE, path: "\(base)/sobjects/\(object)/\(id)")
    }

    // MARK: reading

    /// `GET /query?q=...` (or `queryAll`), asking for pages of `batchSize` (200...2,000) when given.
    public func query(_ soql: String, all: Bool = false, batchSize: Int? = nil) -> SalesforceRequest {
        var headers: [(String, String)] = []
        if let batchSize { headers.append(("Sforce-Query-Options", "batchSize=\(min(2000, max(200, batchSize)))")) }
        return SalesforceRequest(method: .GET, path: "\(base)/\(all ? "queryAll" : "query")", query: [("q", soql)], headers: headers)
    }

    /// The next page of a query: `nextRecordsUrl` as Salesforce gave it.
    public func queryMore(nextRecordsUrl: String, batchSize: Int? = nil) -> SalesforceRequest {
        var headers: [(String, String)] = []
        if let batchSize { headers.append(("Sforce-Query-Options", "batchSize=\(min(2000, max(200, batchSize)))")) }
        return SalesforceRequest(method: .GET, path: nextRecordsUrl, headers: headers)
    }

    /// `GET /sobjects/{Type}/updated/?start=&end=` (last 30 days, seconds ignored).
    public func updated(object: String, start: String, end: String) -> SalesforceRequest {
        SalesforceRequest(method: .GET, path: "\(base)/sobjects/\(object)/updated/", query: [("start", start), ("end", end)])
    }

    /// `GET /sobjects/{Type}/deleted/?start=&end=` (last 15 days).
    public func deleted(object: String, start: String, end: String) -> SalesforceRequest {
        SalesforceRequest(method: .GET, path: "\(base)/sobjects/\(object)/deleted/", query: [("start", start), ("end", end)])
    }

    /// `GET /sobjects/{Type}/describe`.
    public func describe(object: String) -> SalesforceRequest {
        SalesforceRequest(method: .GET, path: "\(base)/sobjects/\(object)/describe")
    }

    /// `GET /sobjects` (global describe).
    public func globalDescribe() -> SalesforceRequest { SalesforceRequest(method: .GET, path: "\(base)/sobjects") }

    /// `GET /limits`.
    public func limits() -> SalesforceRequest { SalesforceRequest(method: .GET, path: "\(base)/limits") }
}
