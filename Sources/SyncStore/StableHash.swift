import SyncDomain

/// The content digest of Salesforce changes and redelivered bodies, for their event ids: the
/// domain's ``FNV1a`` over the values, with a tag per JSON kind so `"1"` and `1` differ.
struct StableHash {
    private var fnv = FNV1a()

    mutating func add(_ bytes: some Sequence<UInt8>) { fnv.bytes(bytes) }

    mutating func add(_ text: String) { fnv.string(text) }

    mutating func add(_ value: JSONValue) {
        switch value {
        case .null: add("n")
        case .bool(let flag): add(flag ? "t" : "f")
        case .number(let number): add("d\(number)")
        case .string(let text):
            add("s")
            add(text)
        case .array(let items):
            add("[")
            for item in items { add(item) }
            add("]")
        case .object(let members):
            add("{")
            for member in members {
                add(member.name)
                add(member.value)
            }
            add("}")
        }
    }

    /// 16 lowercase hex digits.
    var hex: String { fnv.hex }
}
