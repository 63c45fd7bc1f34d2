/// Salesforce record changes as JSON (contract section 3): the validator for
/// `POST /salesforce/changes` and `synclog ingest --changes`.
///
/// ```swift
/// let change = try SalesforceChangeJSON.decode(Array(line.utf8)).get()
/// ```
public enum SalesforceChangeJSON {
    /// Decodes one change object.
    public static func decode(_ bytes: [UInt8]) -> Result<SalesforceRecordChange, InputRejection> {
        bytes.withUnsafeBytes { buf in
            Result { () throws(InputRejection) -> SalesforceRecordChange in
                try JSONDecoding.change(
                    JSONFields.parseObject(trimWhitespace(buf), maxBytes: InputLimits.maxLineBytes, what: "the change"))
            }
        }
    }

    public static func decode(_ text: String) -> Result<SalesforceRecordChange, InputRejection> {
        decode(Array(text.utf8))
    }

    /// Decodes one change object or an array of them (the real-time endpoint's body).
    /// Paths of array elements start with their index: `[3].record.Id`.
    public static func decodeOneOrMany(_ bytes: [UInt8], maxBytes: Int = 16 << 20) -> Result<[SalesforceRecordChange], InputRejection> {
        bytes.withUnsafeBytes { buf in
            Result { () throws(InputRejection) -> [SalesforceRecordChange] in
                let body = trimWhitespace(buf)
                guard body.count <= maxBytes else {
                    throw InputRejection(path: "", problem: "the body is \(body.count) bytes; the limit is \(maxBytes)")
                }
                let value: JSONValue
                do throws(JSONParser.Failure) {
                    value = try JSONParser.parse(body, limits: .init(maxDepth: InputLimits.maxDepth, maxBytes: maxBytes))
                } catch {
                    throw InputRejection(path: "", problem: error.description)
                }
                switch value {
                case .object(let m): return [try JSONDecoding.change(JSONFields(m, path: ""))]
                case .array(let items):
                    var out: [SalesforceRecordChange] = []
                    for (i, item) in items.enumerated() {
                        out.append(try JSONDecoding.change(JSONElement.object(item, "[\(i)]")))
                    }
                    return out
                default:
                    throw InputRejection(path: "", problem: "must be a change object or an array of them, not \(article(value.kindName))")
                }
            }
        }
    }

    /// The change as contract JSON.
    public static func jsonValue(_ c: SalesforceRecordChange) -> JSONValue {
        var m: [JSONValue.Member] = [
            .init("object", .string(c.object)), .init("changeType", .string(c.changeType.rawValue)),
            .init("record", .object(c.record.fields.map { .init($0.name, $0.value) })),
            .init("source", .string(c.source.rawValue)),
        ]
        if let t = c.commitTimestamp { m.append(.init("commitTimestamp", .string(t.rfc3339String))) }
        return .object(m)
    }

    public static func encode(_ c: SalesforceRecordChange) -> [UInt8] { jsonValue(c).jsonBytes() }
}

extension JSONDecoding {
    /// A Salesforce record id: 15 or 18 letters and digits.
    static func isSalesforceId(_ s: String) -> Bool {
        let b = s.utf8
        guard b.count == 15 || b.count == 18 else { return false }
        return b.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// An sObject or field API name: a letter, then letters, digits and `_`, at most 80.
    static func isApiName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard (1...80).contains(b.count), (65...90).contains(b[0]) || (97...122).contains(b[0]) else { return false }
        return b.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95 }
    }

    static func change(_ o: JSONFields) throws(InputRejection) -> SalesforceRecordChange {
        let object = try o.string("object", min: 1, max: 80)
        guard isApiName(object) else { throw o.reject("object", "not an sObject API name") }
        let changeType = try o.enumValue("changeType", ChangeType.self, what: "change type")
        let r = try o.object("record")
        var fields: [SalesforceRecord.Field] = []
        fields.reserveCapacity(r.members.count)
        for m in r.members {
            guard isApiName(m.name) else {
                throw InputRejection(path: r.path, problem: "field names must be API names (letters, digits, _)")
            }
            guard m.value.isScalar else {
                throw r.reject(m.name, "must be a string, number, boolean or null, not \(article(m.value.kindName))")
            }
            fields.append(.init(m.name, m.value))
        }
        let id = try r.string("Id")
        guard isSalesforceId(id) else { throw r.reject("Id", "not a Salesforce id (15 or 18 letters and digits)") }
        let source = try o.enumValue("source", ChangeSource.self, what: "change source")
        let commit = try o.optionalDateTime("commitTimestamp")
        return SalesforceRecordChange(
            object: object, changeType: changeType, record: SalesforceRecord(fields: fields), source: source,
            commitTimestamp: commit)
    }
}
