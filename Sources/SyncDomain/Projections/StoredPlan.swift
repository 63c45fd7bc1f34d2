/// A plan kept in the state as bytes (one exactly-sized allocation instead of hundreds of
/// small strings), decoded only when `explain` or the activity log asks.
///
/// The bytes are the log's own encoding of the plan: a plan read from the log keeps the bytes
/// it was read from (``ActivityPlanned/encoded``), so folding it costs a copy, not a pass over
/// every field; a plan the planner just made is encoded once. Measured in callgrind over a
/// generated log of 200k events: encoding each plan into a format of this projection's own
/// (one-byte field names, ~475 bytes a plan against the log's ~740) took ~6,900 instructions
/// a plan, 29% of the whole fold; the kept copy is ~265 bytes larger per activity.
///
/// Snapshots hold the bytes as base64. A snapshot from before (the compact format) is not read:
/// its outbox's digest version is refused first, and the state is replayed from the log.
public struct StoredPlan: Sendable, Hashable, Codable {
    public var bytes: [UInt8]

    public init(_ plan: ActivityPlanned) {
        bytes = plan.logEncoding
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let b = Base64.decode(try c.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "stored plan: not base64")
        }
        guard Self.decode(b) != nil else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "stored plan: not a plan")
        }
        bytes = b
    }

    /// Encoded as one base64 string (a snapshot stays compact in JSON).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Base64.encode(bytes))
    }

    /// The plan (nil only if the bytes were damaged, which the state never does).
    public var plan: ActivityPlanned? { Self.decode(bytes) }

    static func decode(_ bytes: [UInt8]) -> ActivityPlanned? {
        bytes.withUnsafeBytes { raw -> ActivityPlanned? in
            var r = BinaryReader(raw)
            return try? ActivityPlanned.decode(from: &r)
        }
    }
}

/// Standard base64 (RFC 4648, with padding), for snapshots.
enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [
                alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)],
                alphabet[Int(n & 63)],
            ]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], 61, 61]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 61]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        var padding = 0
        for c in text.utf8 {
            switch c {
            case 65...90: values.append(c - 65)
            case 97...122: values.append(c - 71)
            case 48...57: values.append(c + 4)
            case 43: values.append(62)
            case 47: values.append(63)
            case 61: padding += 1; values.append(0)
            default: return nil
            }
        }
        guard values.count % 4 == 0, padding <= 2 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count / 4 * 3)
        var i = 0
        while i < values.count {
            let n =
                UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6
                | UInt32(values[i + 3])
            out += [UInt8(n >> 16 & 255), UInt8(n >> 8 & 255), UInt8(n & 255)]
            i += 4
        }
        out.removeLast(padding)
        return out
    }
}
