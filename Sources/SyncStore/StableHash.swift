import SyncDomain

/// FNV-1a, 64 bits: a hash that is the same on every run and every machine (Swift's `Hasher`
/// is seeded per process), used for content-derived event ids. Not for security.
struct StableHash {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            state ^= UInt64(byte)
            state &*= 0x0000_0100_0000_01b3
        }
        add(separator: 0xff)
    }

    mutating func add(_ text: String) { add(text.utf8) }

    mutating func add(_ value: JSONValue) {
        switch value {
        case .null: add("n")
        case .bool(let flag): add(flag ? "t" : "f")
        case .number(let number): add("d\(number)")
        case .string(let text): add("s"); add(text)
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

    private mutating func add(separator: UInt8) {
        state ^= UInt64(separator)
        state &*= 0x0000_0100_0000_01b3
    }

    /// 16 lowercase hex digits.
    var hex: String {
        let digits = String(state, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
