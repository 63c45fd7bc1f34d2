/// Reads tag-length-value fields from borrowed bytes.
///
/// - Warning: A reader borrows its bytes: it must not outlive the buffer it
///   was made from (e.g. the log's read transaction). Strings and byte arrays
///   it returns are copies and may be kept.
public struct BinaryReader {
    let base: UnsafeRawBufferPointer
    public private(set) var offset: Int
    let end: Int
    /// Where the tag of the field last returned by ``nextField()`` starts.
    var fieldStart: Int = 0
    /// The decoder's string cache, if any (see ``EventDecoder``). Unmanaged: the decoder that
    /// lends it outlives every reader made for one record, and using it costs no retain.
    let interner: Unmanaged<StringInterner>?

    public init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes
        offset = 0
        end = bytes.count
        interner = nil
    }

    init(_ bytes: UnsafeRawBufferPointer, interner: borrowing StringInterner?) {
        base = bytes
        offset = 0
        end = bytes.count
        switch interner {
        case .some(let cache): self.interner = Unmanaged.passUnretained(cache)
        case .none: self.interner = nil
        }
    }

    init(base: UnsafeRawBufferPointer, offset: Int, end: Int, interner: Unmanaged<StringInterner>?) {
        self.base = base
        self.offset = offset
        self.end = end
        self.interner = interner
    }

    public var isAtEnd: Bool { offset >= end }

    static func malformed(_ what: String) -> SyncDomainError {
        SyncDomainError(.malformedBinary, what)
    }

    @inline(__always)
    public mutating func readVarint() throws(SyncDomainError) -> UInt64 {
        // Fast path: one byte (tags, lengths under 128, bools, small ints).
        if offset < end {
            let b = base[offset]
            if b < 0x80 {
                offset += 1
                return UInt64(b)
            }
        }
        return try readVarintSlow()
    }

    @inline(never)
    mutating func readVarintSlow() throws(SyncDomainError) -> UInt64 {
        // Multi-byte varints (timestamps take six bytes, lengths over 127 two): with ten bytes
        // left, the longest varint cannot run past the end, so the bytes are read without a
        // bounds test each; the tenth may only be 0 or 1, as below.
        if end - offset >= 10 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            for i in 0..<9 {
                let b = base[offset &+ i]
                result |= UInt64(b & 0x7F) &<< shift
                if b < 0x80 {
                    offset &+= i &+ 1
                    return result
                }
                shift &+= 7
            }
            let last = base[offset &+ 9]
            guard last <= 1 else { throw Self.malformed("varint overflows 64 bits") }
            offset &+= 10
            return result | (UInt64(last) &<< 63)
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw Self.malformed("truncated varint") }
            let b = base[offset]
            offset += 1
            if shift == 63 && b > 1 { throw Self.malformed("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw Self.malformed("varint too long") }
        }
    }

    /// The next field's number and wire type, or nil at the end of this message.
    @inline(__always)
    public mutating func nextField() throws(SyncDomainError) -> (number: Int, wire: WireType)? {
        guard offset < end else { return nil }
        fieldStart = offset
        let key = try readVarint()
        let number = key >> 3
        guard number > 0, number < (1 << 29) else { throw Self.malformed("invalid field number") }
        guard let wire = WireType(rawValue: UInt8(key & 7)) else { throw Self.malformed("invalid wire type") }
        return (Int(number), wire)
    }

    @inline(__always)
    mutating func expect(_ wire: WireType, _ actual: WireType) throws(SyncDomainError) {
        guard wire == actual else { throw Self.malformed("unexpected wire type") }
    }

    @inline(__always)
    public mutating func readUInt(_ wire: WireType) throws(SyncDomainError) -> UInt64 {
        try expect(.varint, wire)
        return try readVarint()
    }

    @inline(__always)
    public mutating func readInt64(_ wire: WireType) throws(SyncDomainError) -> Int64 {
        try expect(.varint, wire)
        let v = try readVarint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    public mutating func readInt(_ wire: WireType) throws(SyncDomainError) -> Int {
        Int(try readInt64(wire))
    }

    public mutating func readBool(_ wire: WireType) throws(SyncDomainError) -> Bool {
        try readUInt(wire) != 0
    }

    public mutating func readTimestamp(_ wire: WireType) throws(SyncDomainError) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: try readInt64(wire))
    }

    public mutating func readDouble(_ wire: WireType) throws(SyncDomainError) -> Double {
        try expect(.fixed64, wire)
        guard end - offset >= 8 else { throw Self.malformed("truncated fixed64") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(base[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return Double(bitPattern: bits)
    }

    @inline(__always)
    mutating func readLength() throws(SyncDomainError) -> Int {
        let n: UInt64
        // Most lengths take one byte; those of 128 to 16,383 bytes (an activity's payload,
        // its message) take two: both read here rather than in the out-of-line loop for
        // long varints.
        let left = end - offset
        if left >= 1, case let b0 = base[offset], b0 < 0x80 {
            offset &+= 1
            n = UInt64(b0)
        } else if left >= 2, case let b1 = base[offset &+ 1], b1 < 0x80 {
            n = UInt64(base[offset] & 0x7F) | (UInt64(b1) &<< 7)
            offset &+= 2
        } else {
            n = try readVarintSlow()
        }
        guard n <= UInt64(end - offset) else { throw Self.malformed("length past the end of the message") }
        return Int(n)
    }

    /// A string that is likely to repeat across records (an email, a subject, a field value):
    /// with an interner, strings too long to be stored inline are shared rather than allocated again.
    @inline(__always)
    public mutating func readString(_ wire: WireType) throws(SyncDomainError) -> String {
        try expect(.lengthDelimited, wire)
        let n = try readLength()
        let bytes = UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)])
        offset += n
        if let interner, n > 0 {
            return interner._withUnsafeGuaranteedRef { cache in
                n > StringInterner.inlineCapacity ? cache.string(bytes) : cache.smallString(bytes, Self.makeString)
            }
        }
        return Self.makeString(bytes)
    }

    /// A string that is unique to its record (an event id, a sync key): never interned,
    /// so it does not push shared strings out of the cache.
    @inline(__always)
    public mutating func readUniqueString(_ wire: WireType) throws(SyncDomainError) -> String {
        try expect(.lengthDelimited, wire)
        let n = try readLength()
        let bytes = UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)])
        offset += n
        return Self.makeString(bytes)
    }

    /// Invalid UTF-8 is repaired (U+FFFD), as `String(decoding:as:)` does.
    @inline(__always)
    static func makeString(_ bytes: UnsafeRawBufferPointer) -> String {
        let n = bytes.count
        guard n <= StringInterner.inlineCapacity else { return String(decoding: bytes, as: UTF8.self) }
        guard n > 0 else { return "" }
        // A string stored inline: this initialiser checks a small ASCII string with one mask
        // instead of the general validation (about a tenth of the instructions); anything
        // else is validated and repaired as `String(decoding:as:)` would.
        return String(unsafeUninitializedCapacity: n) { buffer in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: bytes)
            return n
        }
    }

    public mutating func readBytes(_ wire: WireType) throws(SyncDomainError) -> [UInt8] {
        try expect(.lengthDelimited, wire)
        let n = try readLength()
        let b = [UInt8](UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)]))
        offset += n
        return b
    }

    /// A reader over a nested message's body; this reader moves past it.
    @inline(__always)
    public mutating func readMessage(_ wire: WireType) throws(SyncDomainError) -> BinaryReader {
        try expect(.lengthDelimited, wire)
        let n = try readLength()
        let sub = BinaryReader(base: base, offset: offset, end: offset + n, interner: interner)
        offset += n
        return sub
    }

    /// Skips the field just announced by ``nextField()`` (a field this version drops on purpose).
    public mutating func skip(_ wire: WireType) throws(SyncDomainError) {
        switch wire {
        case .varint: _ = try readVarint()
        case .fixed64:
            guard end - offset >= 8 else { throw Self.malformed("truncated fixed64") }
            offset += 8
        case .fixed32:
            guard end - offset >= 4 else { throw Self.malformed("truncated fixed32") }
            offset += 4
        case .lengthDelimited:
            let n = try readLength()
            offset += n
        }
    }

    /// Skips the field just announced by ``nextField()`` and keeps its bytes in `unknown`.
    public mutating func skip(_ wire: WireType, into unknown: inout UnknownFields) throws(SyncDomainError) {
        try skip(wire)
        unknown.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: base[fieldStart..<offset]))
    }
}

extension BinaryReader {
    /// A length-delimited value's bytes, borrowed (valid only as long as the reader's buffer).
    @inline(__always)
    mutating func readBytesView(_ wire: WireType) throws(SyncDomainError) -> UnsafeRawBufferPointer {
        try expect(.lengthDelimited, wire)
        let n = try readLength()
        let view = UnsafeRawBufferPointer(rebasing: base[offset..<(offset + n)])
        offset += n
        return view
    }
}
