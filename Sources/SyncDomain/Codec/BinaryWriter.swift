/// Protobuf-style wire types: how a field's value is laid out.
public enum WireType: UInt8, Sendable {
    /// Unsigned LEB128 varint (ints zig-zagged, bools, enums).
    case varint = 0
    /// 8 bytes little-endian (Double).
    case fixed64 = 1
    /// Varint length, then that many bytes (strings, bytes, nested messages).
    case lengthDelimited = 2
    /// 4 bytes little-endian (reserved; not written today).
    case fixed32 = 5
}

/// Appends tag-length-value fields to a byte buffer.
///
/// A field is `varint(fieldNumber << 3 | wireType)` followed by its value.
/// Nested messages are written in place: one length byte is reserved and the
/// body is shifted only when it turns out longer than 127 bytes.
public struct BinaryWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    @inline(__always)
    public mutating func writeTag(_ field: Int, _ wire: WireType) {
        writeVarint(UInt64(field) << 3 | UInt64(wire.rawValue))
    }

    public mutating func writeUInt(_ field: Int, _ value: UInt64) {
        writeTag(field, .varint)
        writeVarint(value)
    }

    /// Zig-zag encoded signed integer.
    public mutating func writeInt(_ field: Int, _ value: Int64) {
        writeTag(field, .varint)
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func writeInt(_ field: Int, _ value: Int) { writeInt(field, Int64(value)) }

    public mutating func writeInt(_ field: Int, _ value: Int?) {
        if let value { writeInt(field, Int64(value)) }
    }

    public mutating func writeBool(_ field: Int, _ value: Bool) {
        writeTag(field, .varint)
        bytes.append(value ? 1 : 0)
    }

    public mutating func writeBool(_ field: Int, _ value: Bool?) {
        if let value { writeBool(field, value) }
    }

    public mutating func writeDouble(_ field: Int, _ value: Double) {
        writeTag(field, .fixed64)
        let bits = value.bitPattern
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
    }

    public mutating func writeString(_ field: Int, _ value: String) {
        writeTag(field, .lengthDelimited)
        var s = value
        s.withUTF8 { buf in
            writeVarint(UInt64(buf.count))
            bytes.append(contentsOf: buf)
        }
    }

    public mutating func writeString(_ field: Int, _ value: String?) {
        if let value { writeString(field, value) }
    }

    public mutating func writeBytes(_ field: Int, _ value: [UInt8]) {
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func writeTimestamp(_ field: Int, _ value: Timestamp) {
        writeInt(field, value.millisecondsSinceEpoch)
    }

    public mutating func writeTimestamp(_ field: Int, _ value: Timestamp?) {
        if let value { writeInt(field, value.millisecondsSinceEpoch) }
    }

    /// Writes a nested message whose body is produced by `body`.
    public mutating func writeMessage(_ field: Int, _ body: (inout BinaryWriter) -> Void) {
        writeTag(field, .lengthDelimited)
        let lengthAt = bytes.count
        bytes.append(0)
        let start = bytes.count
        body(&self)
        let length = bytes.count - start
        if length < 0x80 {
            bytes[lengthAt] = UInt8(length)
            return
        }
        var prefix: [UInt8] = []
        var v = UInt64(length)
        while v >= 0x80 {
            prefix.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        prefix.append(UInt8(truncatingIfNeeded: v))
        bytes.replaceSubrange(lengthAt..<(lengthAt + 1), with: prefix)
    }

    /// Appends already-encoded fields (unknown fields being written back).
    public mutating func writeRaw(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    public mutating func writeUnknown(_ unknown: UnknownFields) {
        if !unknown.isEmpty { bytes.append(contentsOf: unknown.bytes) }
    }
}
