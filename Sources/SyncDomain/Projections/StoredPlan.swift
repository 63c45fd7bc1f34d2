/// A plan kept in the state as compact bytes (one exactly-sized allocation instead of
/// hundreds of small strings), decoded only when `explain` or the activity log asks.
/// Keeps the audit in memory at a few hundred bytes per activity.
///
/// The bytes are this projection's own format, not the log's (see ``PlanBytes``): field names
/// and reason keys the planner uses are one byte, a sync-key field equal to its write's key is
/// one byte, and the buffer has no spare capacity. Snapshots written with the log's encoding
/// of the plan (before this format) are converted when they are read.
public struct StoredPlan: Sendable, Hashable, Codable {
    public var bytes: [UInt8]

    public init(_ plan: ActivityPlanned) {
        bytes = PlanBytes.encode(plan)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let b = Base64.decode(try c.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "stored plan: not base64")
        }
        if b.first == PlanBytes.magic {
            bytes = b
        } else {
            // A snapshot from before the compact format: the log's encoding of the plan.
            guard
                let plan = b.withUnsafeBytes({ raw -> ActivityPlanned? in
                    var r = BinaryReader(raw)
                    return try? ActivityPlanned.decode(from: &r)
                })
            else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "stored plan: not a plan")
            }
            bytes = PlanBytes.encode(plan)
        }
    }

    /// Encoded as one base64 string (a snapshot stays compact in JSON).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Base64.encode(bytes))
    }

    /// The plan (nil only if the bytes were damaged, which the state never does).
    public var plan: ActivityPlanned? { PlanBytes.decode(bytes) }
}

/// The compact format of a ``StoredPlan``:
///
/// ```
/// magic 0x00, activityId, varint activityPosition, status code, unknown fields,
/// varint writes count, each: syncKey, object code, operation code, unknown fields,
///     varint fields count, each: name, value (kind byte + payload),
/// varint reasons count, each: rule, text, unknown fields, varint data count, each: key, value
/// ```
///
/// Strings are a varint length and UTF-8; a name is a varint `n`: `n > 0` is `names[n - 1]`,
/// `0` is followed by the string. Ints are zig-zag varints.
enum PlanBytes {
    static let magic: UInt8 = 0x00

    /// Field names and reason-data keys the planner writes (append only: codes are stored).
    static let names: [String] = [
        "Subject", "Description", "WhoId", "WhatId", "OwnerId", "Type", "TaskSubtype", "Status", "ActivityDate",
        "CallDurationInSeconds", "CallDisposition", "MixmaxActivityDateTime__c", "Synclog_Key__c", "Id",
        "IsAllDayEvent", "TaskWhoIds", "StartDateTime", "EndDateTime", "DurationInMinutes", "Location",
        "address", "user", "record", "lead", "contact", "opportunity", "syncKey", "role", "account", "series", "object",
        "merged", "master", "first", "field", "error", "domain", "who", "waiting", "trigger", "timeZone", "template",
        "task", "setting", "primary", "owner", "message", "lost", "contacts", "client", "chosen", "calendar", "batch",
    ]
    static let statuses: [ActivityStatus] = [.synced, .notSynced, .error, .pending]

    /// The index of `status` in ``statuses`` (a switch: no array search per plan).
    @inline(__always)
    static func statusCode(_ status: ActivityStatus) -> UInt8 {
        switch status {
        case .synced: 0
        case .notSynced: 1
        case .error: 2
        case .pending: 3
        }
    }

    // MARK: encode

    /// Stack scratch for one plan: most plans fit; a larger one is written a second time into an
    /// array of the size the first pass counted. At most 1 KB: above that the runtime may take
    /// the scratch from the heap (a malloc and a free per plan).
    static let scratchCapacity = 1024

    static func encode(_ plan: ActivityPlanned) -> [UInt8] {
        let names = NameTable.shared
        // One pass into scratch, then one exactly-sized allocation and a copy: cheaper than
        // counting the size in a pass of its own (which looked every name up twice).
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: scratchCapacity) { scratch in
            var w = Writer(out: scratch.baseAddress!, capacity: scratch.count, names: names)
            write(plan, to: &w)
            let n = w.count
            return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
                if n <= scratch.count {
                    if n > 0 { buffer.baseAddress!.initialize(from: scratch.baseAddress!, count: n) }
                } else {
                    var again = Writer(out: buffer.baseAddress!, capacity: n, names: names)
                    write(plan, to: &again)
                    precondition(again.count == n, "PlanBytes: two writes of one plan disagree")
                }
                count = n
            }
        }
    }

    static func write(_ plan: ActivityPlanned, to w: inout Writer) {
        w.byte(magic)
        w.string(plan.activityId)
        w.varint(plan.activityPosition)
        w.byte(statusCode(plan.status))
        w.blob(plan.unknownFields.bytes)
        w.varint(UInt64(plan.writes.count))
        // Elements read in place through their buffers: a `for x in array` copies each element
        // out (a retain and a release of every string and array in it).
        plan.writes.withUnsafeBufferPointer { writes in
            for write in pointers(writes) {
                w.string(write.pointee.syncKey)
                w.byte(write.pointee.object == .task ? 0 : 1)
                w.byte(write.pointee.operation == .upsert ? 0 : 1)
                w.blob(write.pointee.unknownFields.bytes)
                w.varint(UInt64(write.pointee.fields.count))
                let keyLength = write.pointee.syncKey.utf8.count
                write.pointee.fields.withUnsafeBufferPointer { fields in
                    for f in pointers(fields) {
                        w.name(f.pointee.name)
                        switch f.pointee.value {
                        case .string(let s):
                            if s.utf8.count == keyLength && s == write.pointee.syncKey {
                                w.byte(8)
                            } else {
                                w.byte(0)
                                w.string(s)
                            }
                        case .date(let d): w.byte(1); w.int(Int64(d.daysSinceEpoch))
                        case .dateTime(let t): w.byte(2); w.int(t.millisecondsSinceEpoch)
                        case .bool(let b): w.byte(b ? 4 : 3)
                        case .int(let i): w.byte(5); w.int(i)
                        case .idList(let ids):
                            w.byte(6)
                            w.varint(UInt64(ids.count))
                            for id in ids { w.string(id) }
                        case .null: w.byte(7)
                        }
                    }
                }
            }
        }
        w.varint(UInt64(plan.reasons.count))
        plan.reasons.withUnsafeBufferPointer { reasons in
            for r in pointers(reasons) {
                w.string(r.pointee.rule)
                w.string(r.pointee.text)
                w.blob(r.pointee.unknownFields.bytes)
                w.varint(UInt64(r.pointee.data.count))
                r.pointee.data.withUnsafeBufferPointer { data in
                    for d in pointers(data) {
                        w.name(d.pointee.key)
                        w.string(d.pointee.value)
                    }
                }
            }
        }
    }

    /// Pointers to the elements of `buffer`, to read each in place.
    @inline(__always)
    static func pointers<T>(_ buffer: UnsafeBufferPointer<T>) -> LazyMapSequence<Range<Int>, UnsafePointer<T>> {
        let base = buffer.baseAddress
        return buffer.indices.lazy.map { base! + $0 }
    }

    /// Writes into `capacity` bytes at `out` and counts every byte, also those past the end
    /// (which it drops): `count` is the encoded size whether or not it fitted.
    struct Writer {
        let out: UnsafeMutablePointer<UInt8>
        let capacity: Int
        let names: NameTable
        var count = 0

        @inline(__always) mutating func byte(_ b: UInt8) {
            if count < capacity { out[count] = b }
            count += 1
        }

        @inline(__always) mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                byte(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            byte(UInt8(truncatingIfNeeded: v))
        }

        @inline(__always) mutating func int(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

        @inline(__always) mutating func raw(_ u: UnsafeBufferPointer<UInt8>) {
            varint(UInt64(u.count))
            if let base = u.baseAddress, u.count > 0, count + u.count <= capacity {
                (out + count).initialize(from: base, count: u.count)
            }
            count += u.count
        }

        @inline(__always) mutating func string(_ s: String) {
            // Read in place (no copy of the string to make it mutable, no retain and release).
            if s.utf8.withContiguousStorageIfAvailable({ raw($0) }) != nil { return }
            var s = s
            s.withUTF8 { raw($0) }
        }

        @inline(__always) mutating func blob(_ b: [UInt8]) {
            if b.isEmpty { byte(0) } else { b.withUnsafeBufferPointer { raw($0) } }
        }

        /// A name's code, or 0 and the name; the UTF-8 is read once, for the lookup and the copy.
        @inline(__always) mutating func name(_ s: String) {
            if s.utf8.withContiguousStorageIfAvailable({ name(utf8: $0) }) != nil { return }
            var s = s
            s.withUTF8 { name(utf8: $0) }
        }

        @inline(__always) mutating func name(utf8 u: UnsafeBufferPointer<UInt8>) {
            if let code = names.code(utf8: u) {
                varint(UInt64(code))
            } else {
                byte(0)
                raw(u)
            }
        }
    }

    /// ``names`` laid out for lookups without `Hasher` or allocation: an open-addressed table
    /// from a cheap hash of a name's length and three of its bytes to `index + 1`.
    final class NameTable: Sendable {
        static let shared = NameTable()

        /// The names' UTF-8, one after another; name `i` is `utf8[starts[i]..<starts[i + 1]]`.
        let utf8: [UInt8]
        let starts: [Int]
        let slots: [Int]

        init() {
            var slots = [Int](repeating: 0, count: 256)
            var utf8: [UInt8] = []
            var starts: [Int] = []
            for (i, n) in PlanBytes.names.enumerated() {
                let u = Array(n.utf8)
                starts.append(utf8.count)
                utf8 += u
                var h = Self.slot(u.count, u[0], u[u.count - 1], u[u.count / 2])
                while slots[h] != 0 { h = (h + 1) & 255 }
                slots[h] = i + 1
            }
            starts.append(utf8.count)
            self.utf8 = utf8
            self.starts = starts
            self.slots = slots
        }

        @inline(__always)
        static func slot(_ count: Int, _ first: UInt8, _ last: UInt8, _ middle: UInt8) -> Int {
            (count &* 31 &+ Int(first) &* 7 &+ Int(last) &* 3 &+ Int(middle)) & 255
        }

        /// The code of `name` (1-based), or nil when it is not in ``PlanBytes/names``.
        func code(of name: String) -> Int? {
            if let c = name.utf8.withContiguousStorageIfAvailable({ code(utf8: $0) }) { return c }
            var name = name
            return name.withUTF8 { code(utf8: $0) }
        }

        /// The code of the name spelt `u` in UTF-8, or nil.
        ///
        /// Compares bytes, not strings (a `String` comparison of two equal long strings with
        /// different storage takes the slow path). Same result as comparing strings: the names
        /// are ASCII, and a string canonically equal to an ASCII one but spelt otherwise
        /// (U+212A for `K`) is longer in UTF-8, which the length check refuses.
        @inline(__always)
        func code(utf8 u: UnsafeBufferPointer<UInt8>) -> Int? {
            guard !u.isEmpty else { return nil }
            let n = u.count
            var h = Self.slot(n, u[0], u[n - 1], u[n / 2])
            return utf8.withUnsafeBufferPointer { table -> Int? in
                starts.withUnsafeBufferPointer { starts -> Int? in
                    slots.withUnsafeBufferPointer { slots -> Int? in
                        while true {
                            let c = slots[h]
                            if c == 0 { return nil }
                            let start = starts[c - 1]
                            if starts[c] - start == n
                                && KeyHash.sameBytes(UnsafeBufferPointer(rebasing: table[start..<(start + n)]), u)
                            {
                                return c
                            }
                            h = (h + 1) & 255
                        }
                    }
                }
            }
        }
    }

    // MARK: decode

    static func decode(_ bytes: [UInt8]) -> ActivityPlanned? {
        bytes.withUnsafeBufferPointer { buffer -> ActivityPlanned? in
            var r = Reader(bytes: buffer)
            guard r.byte() == magic, let activityId = r.string(), let position = r.varint(), let s = r.byte(),
                Int(s) < statuses.count, let planUnknown = r.blob(), let writeCount = r.varint()
            else { return nil }
            var writes: [PlannedWrite] = []
            writes.reserveCapacity(Int(writeCount))
            for _ in 0..<writeCount {
                guard let key = r.string(), let o = r.byte(), let op = r.byte(), let unknown = r.blob(),
                    let fieldCount = r.varint()
                else { return nil }
                var fields: [WriteField] = []
                fields.reserveCapacity(Int(fieldCount))
                for _ in 0..<fieldCount {
                    guard let name = r.name(), let kind = r.byte() else { return nil }
                    let value: FieldValue
                    switch kind {
                    case 0: guard let s = r.string() else { return nil }; value = .string(s)
                    case 1: guard let d = r.int() else { return nil }; value = .date(LocalDate(daysSinceEpoch: Int(d)))
                    case 2:
                        guard let t = r.int() else { return nil };
                        value = .dateTime(Timestamp(millisecondsSinceEpoch: t))
                    case 3: value = .bool(false)
                    case 4: value = .bool(true)
                    case 5: guard let i = r.int() else { return nil }; value = .int(i)
                    case 6:
                        guard let n = r.varint() else { return nil }
                        var ids: [String] = []
                        for _ in 0..<n {
                            guard let id = r.string() else { return nil }
                            ids.append(id)
                        }
                        value = .idList(ids)
                    case 7: value = .null
                    case 8: value = .string(key)
                    default: return nil
                    }
                    fields.append(WriteField(name, value))
                }
                var write = PlannedWrite(
                    syncKey: key, object: o == 0 ? .task : .event, operation: op == 0 ? .upsert : .delete,
                    fields: fields)
                write.unknownFields = UnknownFields(bytes: unknown)
                writes.append(write)
            }
            guard let reasonCount = r.varint() else { return nil }
            var reasons: [Reason] = []
            reasons.reserveCapacity(Int(reasonCount))
            for _ in 0..<reasonCount {
                guard let rule = r.string(), let text = r.string(), let unknown = r.blob(), let dataCount = r.varint()
                else {
                    return nil
                }
                var data: [Reason.Datum] = []
                data.reserveCapacity(Int(dataCount))
                for _ in 0..<dataCount {
                    guard let key = r.name(), let value = r.string() else { return nil }
                    data.append(Reason.Datum(key, value))
                }
                var reason = Reason(rule: rule, text: text, data: data)
                reason.unknownFields = UnknownFields(bytes: unknown)
                reasons.append(reason)
            }
            var plan = ActivityPlanned(
                activityId: activityId, activityPosition: position, writes: writes, reasons: reasons,
                status: statuses[Int(s)])
            plan.unknownFields = UnknownFields(bytes: planUnknown)
            return plan
        }
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func byte() -> UInt8? {
            guard i < bytes.count else { return nil }
            defer { i += 1 }
            return bytes[i]
        }

        mutating func varint() -> UInt64? {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while let b = byte() {
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
                if shift > 63 { return nil }
            }
            return nil
        }

        mutating func int() -> Int64? {
            guard let u = varint() else { return nil }
            return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
        }

        mutating func string() -> String? {
            guard let n = varint(), Int(n) <= bytes.count - i else { return nil }
            defer { i += Int(n) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + Int(n))]), as: UTF8.self)
        }

        mutating func blob() -> [UInt8]? {
            guard let n = varint(), Int(n) <= bytes.count - i else { return nil }
            defer { i += Int(n) }
            return Array(bytes[i..<(i + Int(n))])
        }

        mutating func name() -> String? {
            guard let code = varint() else { return nil }
            if code == 0 { return string() }
            guard Int(code) <= PlanBytes.names.count else { return nil }
            return PlanBytes.names[Int(code) - 1]
        }
    }
}

/// A stable 64-bit digest (FNV-1a) of a write's fields other than the create-only
/// `TaskSubtype`, to recognise an identical re-plan after the fields were compacted away.
enum WriteDigest {
    @inline(__always)
    static func isTaskSubtype(_ name: String) -> Bool { name.utf8.count == 11 && name == "TaskSubtype" }

    static func of(_ w: PlannedWrite) -> UInt64 {
        var f = FNV1a()
        f.string(w.object.rawValue)
        f.string(w.operation.rawValue)
        // Fields read in place through the buffer (a `for field in` copies each one out:
        // a retain and a release of its name and its value per field).
        w.fields.withUnsafeBufferPointer { fields in
            // The length first: nearly every name differs from `TaskSubtype` in it, and a
            // `String` comparison of a long name with the literal takes the slow path.
            for i in fields.indices where !Self.isTaskSubtype(fields[i].name) {
                f.string(fields[i].name)
                switch fields[i].value {
                case .string(let s): f.byte(1); f.string(s)
                case .date(let d): f.byte(2); f.int(Int64(d.daysSinceEpoch))
                case .dateTime(let t): f.byte(3); f.int(t.millisecondsSinceEpoch)
                case .bool(let b): f.byte(4); f.byte(b ? 1 : 0)
                case .int(let i): f.byte(5); f.int(i)
                case .idList(let ids): f.byte(6); f.int(Int64(ids.count)); for id in ids { f.string(id) }
                case .null: f.byte(7)
                }
            }
        }
        return f.value
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
