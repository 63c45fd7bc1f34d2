/// A model type with a tag-length-value encoding (see ``BinaryWriter``).
protocol BinaryCodable {
    /// Writes this value's fields (not a length prefix).
    func encode(to w: inout BinaryWriter)
    /// Reads a value from a reader scoped to exactly this value's fields.
    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> Self
}

extension BinaryReader {
    /// Reads a nested message as `T`.
    @inline(__always)
    mutating func readMessage<T: BinaryCodable>(_ type: T.Type, _ wire: WireType) throws(SyncDomainError) -> T {
        var sub = try readMessage(wire)
        return try T.decode(from: &sub)
    }

    /// Reads an enum stored as its raw string value, comparing bytes (no String is made).
    @inline(__always)
    mutating func readEnum<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ wire: WireType, _ name: StaticString)
        throws(SyncDomainError) -> T where T.RawValue == String
    {
        let bytes = try readBytesView(wire)
        for v in T.allCases {
            var raw = v.rawValue
            // The length first (stored in the string): most cases differ there, and reaching
            // the bytes of a small string copies them out.
            guard raw.utf8.count == bytes.count else { continue }
            if raw.withUTF8({ StringInterner.equal(UnsafeRawBufferPointer($0), bytes) }) { return v }
        }
        throw SyncDomainError(.invalidValue, "\(name): unknown value")
    }

    /// Reads a message holding repeated strings at field 1 (an optional list).
    mutating func readStringList(_ wire: WireType) throws(SyncDomainError) -> [String] {
        var sub = try readMessage(wire)
        var items: [String] = []
        while let f = try sub.nextField() {
            if f.number == 1 {
                items.append(try sub.readString(f.wire))
            } else {
                try sub.skip(f.wire)
            }
        }
        return items
    }
}

/// Decodes a large value (an ``Activity``, a ``Message``) in a slot of its own and moves it
/// out: `fill` writes each field straight into the slot, and the result is taken from it
/// with one memory copy. Decoding into a local `var` and returning it made the optimizer
/// copy the whole value on return (retaining every string and array in it) and then destroy
/// the local (releasing them all again).
///
/// The slot is stack memory that lives only for this call; it is initialised before `fill`
/// runs and is either moved out of (success) or deinitialised (error) before it is freed,
/// so nothing leaks and nothing points into it afterwards.
@inline(__always)
func decodeInPlace<T>(
    _ empty: @autoclosure () -> T, _ fill: (inout T) throws(SyncDomainError) -> Void
) throws(SyncDomainError) -> T {
    try withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { slot throws(SyncDomainError) -> T in
        let value = slot.baseAddress!
        value.initialize(to: empty())
        do throws(SyncDomainError) {
            try fill(&value.pointee)
        } catch {
            value.deinitialize(count: 1)
            throw error
        }
        return value.move()
    }
}

/// Appends, reserving `initial` slots on the first append: decoded lists are short, and
/// growing from empty would reallocate at 1, 2, 4 and 8 elements. `value` is consumed: a
/// borrowed one was copied into the list (retaining its strings) and the caller's destroyed.
@inline(__always)
func appendGrowing<T>(_ array: inout [T], _ value: consuming T, _ initial: Int) {
    if array.capacity == 0 { array.reserveCapacity(initial) }
    array.append(value)
}

@inline(__always)
func required<T>(_ value: T?, _ name: StaticString) throws(SyncDomainError) -> T {
    guard let value else { throw missingField(name) }
    return value
}

/// For a value decoded in place: throws as ``required(_:_:)`` does when field `name` was not seen.
@inline(__always)
func requireSeen(_ seen: Bool, _ name: StaticString) throws(SyncDomainError) {
    guard seen else { throw missingField(name) }
}

private func missingField(_ name: StaticString) -> SyncDomainError {
    SyncDomainError(.missingField, "\(name) is missing")
}

// JSONValue: 1 kind (0 null, 1 bool, 2 number, 3 string, 4 array, 5 object), 2 bool, 3 number,
// 4 string, 5 item (repeated JSONValue), 6 member (repeated {1 name, 2 value}). Closed: never grows.
extension JSONValue: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        switch self {
        case .null: w.writeUInt(1, 0)
        case .bool(let b):
            w.writeUInt(1, 1)
            w.writeBool(2, b)
        case .number(let d):
            w.writeUInt(1, 2)
            w.writeDouble(3, d)
        case .string(let s):
            w.writeUInt(1, 3)
            w.writeString(4, s)
        case .array(let items):
            w.writeUInt(1, 4)
            for item in items { w.writeMessage(5) { item.encode(to: &$0) } }
        case .object(let members):
            w.writeUInt(1, 5)
            for m in members {
                w.writeMessage(6) { inner in
                    inner.writeString(1, m.name)
                    inner.writeMessage(2) { m.value.encode(to: &$0) }
                }
            }
        }
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> JSONValue {
        try decode(from: &r, depth: 0)
    }

    static func decode(from r: inout BinaryReader, depth: Int) throws(SyncDomainError) -> JSONValue {
        guard depth < 64 else { throw SyncDomainError(.malformedBinary, "JSON value nested too deeply") }
        var kind: UInt64 = 0
        var bool = false
        var number = 0.0
        var string = ""
        var items: [JSONValue] = []
        var members: [Member] = []
        while let f = try r.nextField() {
            switch f.number {
            case 1: kind = try r.readUInt(f.wire)
            case 2: bool = try r.readBool(f.wire)
            case 3: number = try r.readDouble(f.wire)
            case 4: string = try r.readString(f.wire)
            case 5:
                var sub = try r.readMessage(f.wire)
                items.append(try decode(from: &sub, depth: depth + 1))
            case 6:
                var sub = try r.readMessage(f.wire)
                var name = ""
                var value = JSONValue.null
                while let g = try sub.nextField() {
                    switch g.number {
                    case 1: name = try sub.readString(g.wire)
                    case 2:
                        var v = try sub.readMessage(g.wire)
                        value = try decode(from: &v, depth: depth + 1)
                    default:
                        try sub.skip(g.wire)
                    }
                }
                members.append(Member(name, value))
            default:
                try r.skip(f.wire)
            }
        }
        switch kind {
        case 0: return .null
        case 1: return .bool(bool)
        case 2: return .number(number)
        case 3: return .string(string)
        case 4: return .array(items)
        case 5: return .object(members)
        default: throw SyncDomainError(.invalidValue, "JSONValue.kind: unknown value")
        }
    }
}

// A record field: 1 name, then the scalar value inline: 2 null, 3 bool, 4 number, 5 string,
// 6 any other JSON value (nested JSONValue). Closed.
extension SalesforceRecord.Field: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        w.writeString(1, name)
        switch value {
        case .null: w.writeBool(2, true)
        case .bool(let b): w.writeBool(3, b)
        case .number(let d): w.writeDouble(4, d)
        case .string(let s): w.writeString(5, s)
        case .array, .object: w.writeMessage(6) { value.encode(to: &$0) }
        }
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> SalesforceRecord.Field {
        var name: String? = nil
        var value = JSONValue.null
        while let f = try r.nextField() {
            switch f.number {
            case 1: name = try r.readString(f.wire)
            case 2: _ = try r.readBool(f.wire); value = .null
            case 3: value = .bool(try r.readBool(f.wire))
            case 4: value = .number(try r.readDouble(f.wire))
            case 5: value = .string(try r.readString(f.wire))
            case 6: value = try r.readMessage(JSONValue.self, f.wire)
            default:
                try r.skip(f.wire)
            }
        }
        return SalesforceRecord.Field(try required(name, "SalesforceRecord.Field.name"), value)
    }
}

// FieldValue: exactly one of 1 string, 2 date (days since epoch), 3 dateTime, 4 bool, 5 int,
// 6 idList ({1 id repeated}), 7 null. Closed: a new kind gets a new number.
extension FieldValue: BinaryCodable {
    func encode(to w: inout BinaryWriter) {
        switch self {
        case .string(let s): w.writeString(1, s)
        case .date(let d): w.writeInt(2, d.daysSinceEpoch)
        case .dateTime(let t): w.writeTimestamp(3, t)
        case .bool(let b): w.writeBool(4, b)
        case .int(let i): w.writeInt(5, i)
        case .idList(let ids): w.writeMessage(6) { inner in for id in ids { inner.writeString(1, id) } }
        case .null: w.writeBool(7, true)
        }
    }

    static func decode(from r: inout BinaryReader) throws(SyncDomainError) -> FieldValue {
        var value: FieldValue? = nil
        while let f = try r.nextField() {
            switch f.number {
            case 1: value = .string(try r.readString(f.wire))
            case 2: value = .date(LocalDate(daysSinceEpoch: try r.readInt(f.wire)))
            case 3: value = .dateTime(try r.readTimestamp(f.wire))
            case 4: value = .bool(try r.readBool(f.wire))
            case 5: value = .int(try r.readInt64(f.wire))
            case 6: value = .idList(try r.readStringList(f.wire))
            case 7:
                _ = try r.readBool(f.wire)
                value = .null
            default:
                try r.skip(f.wire)
            }
        }
        return try required(value, "FieldValue")
    }
}
