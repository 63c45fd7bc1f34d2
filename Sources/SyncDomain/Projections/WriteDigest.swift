/// A stable 64-bit digest (``WordDigest``) of a write's fields other than the create-only
/// `TaskSubtype`, to recognise an identical re-plan after the fields were compacted away.
///
/// Stored in the outbox's snapshot: a change of the function changes ``version``, and a
/// snapshot of another version is not restored (the state is replayed from the log instead,
/// which computes every digest again).
enum WriteDigest {
    /// 1: FNV-1a a byte at a time; 2: ``WordDigest`` eight bytes a multiply; 3: sixteen.
    static let version = 3

    @inline(__always)
    static func isTaskSubtype(_ name: String) -> Bool { name.utf8.count == 11 && name == "TaskSubtype" }

    static func of(_ w: PlannedWrite) -> UInt64 {
        var f = WordDigest()
        f.word(w.object == .task ? 1 : 2)
        f.word(w.operation == .upsert ? 1 : 2)
        // Fields read in place through the buffer (a `for field in` copies each one out:
        // a retain and a release of its name and its value per field).
        w.fields.withUnsafeBufferPointer { fields in
            // The length first: nearly every name differs from `TaskSubtype` in it, and a
            // `String` comparison of a long name with the literal takes the slow path.
            for i in fields.indices where !Self.isTaskSubtype(fields[i].name) {
                f.string(fields[i].name)
                switch fields[i].value {
                case .string(let s): f.word(1); f.string(s)
                case .date(let d): f.word(2); f.int(Int64(d.daysSinceEpoch))
                case .dateTime(let t): f.word(3); f.int(t.millisecondsSinceEpoch)
                case .bool(let b): f.word(b ? 5 : 4)
                case .int(let i): f.word(6); f.int(i)
                case .idList(let ids): f.word(7); f.int(Int64(ids.count)); for id in ids { f.string(id) }
                case .null: f.word(8)
                }
            }
        }
        return f.value
    }
}
