/// A JSON value with object members kept in the order they were read.
///
/// Used for Salesforce record fields (scalars only), for the JSON import and
/// export paths, and for the configuration diff. Numbers are `Double`
/// (integers are exact up to 2^53).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// One `name: value` member of an object.
    public struct Member: Sendable, Hashable {
        public var name: String
        public var value: JSONValue
        public init(_ name: String, _ value: JSONValue) {
            self.name = name
            self.value = value
        }
    }

    /// The first member named `name` of an object, else nil.
    public subscript(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for m in members where m.name == name { return m.value }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// The JSON type name used in error messages (`string`, `number`, ...).
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue {
    /// Compact JSON text (members in stored order).
    public var jsonString: String {
        var out: [UInt8] = []
        JSONWriter.write(self, into: &out, sortedKeys: false)
        return String(decoding: out, as: UTF8.self)
    }

    /// Compact JSON bytes; with `sortedKeys`, object members sorted by name (for snapshots and diffs).
    public func jsonBytes(sortedKeys: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(self, into: &out, sortedKeys: sortedKeys)
        return out
    }
}

/// Writes compact JSON.
enum JSONWriter {
    static func write(_ value: JSONValue, into out: inout [UInt8], sortedKeys: Bool) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let d): out.append(contentsOf: formatNumber(d).utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out, sortedKeys: sortedKeys)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let ordered = sortedKeys ? members.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) } : members
            for (i, m) in ordered.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(m.name, into: &out)
                out.append(UInt8(ascii: ":"))
                write(m.value, into: &out, sortedKeys: sortedKeys)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)  // shortest round-trip form, valid JSON (e.g. 1.5, 1e-05)
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
