/// A plan kept in the state as its binary encoding (one allocation instead of
/// hundreds of small strings), decoded only when `explain` or the activity log
/// asks. Keeps the audit in memory at a few hundred bytes per activity.
public struct StoredPlan: Sendable, Hashable, Codable {
    public var bytes: [UInt8]

    public init(_ plan: ActivityPlanned) {
        var w = BinaryWriter(capacity: 512)
        plan.encode(to: &w)
        bytes = w.bytes
    }

    /// The plan (nil only if the bytes were damaged, which the state never does).
    public var plan: ActivityPlanned? {
        bytes.withUnsafeBytes { raw -> ActivityPlanned? in
            var r = BinaryReader(raw)
            return try? ActivityPlanned.decode(from: &r)
        }
    }
}

/// A stable 64-bit digest (FNV-1a) of a write's fields other than the create-only
/// `TaskSubtype`, to recognise an identical re-plan after the fields were compacted away.
enum WriteDigest {
    static func of(_ w: PlannedWrite) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        func mix(_ s: String) { for b in s.utf8 { mix(b) }; mix(0x1F) }
        mix(w.object.rawValue)
        mix(w.operation.rawValue)
        for f in w.fields where f.name != "TaskSubtype" {
            mix(f.name)
            switch f.value {
            case .string(let s): mix(1); mix(s)
            case .date(let d): mix(2); mix(d.isoString)
            case .dateTime(let t): mix(3); mix(String(t.millisecondsSinceEpoch))
            case .bool(let b): mix(4); mix(b ? 1 : 0)
            case .int(let i): mix(5); mix(String(i))
            case .idList(let ids): mix(6); for id in ids { mix(id) }
            case .null: mix(7)
            }
        }
        return h
    }
}
