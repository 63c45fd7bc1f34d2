/// String-keyed values in insertion order, for the projections' large maps (an entry per
/// activity, a write per sync key, a known record per id). Append-only: an entry is added once and changed in place,
/// never removed, so its slot (its position in ``values``) is a stable integer id for it.
///
/// Why not `Dictionary<String, Value>`: with hundreds of thousands of keys of one length
/// (sync keys are 32 hex digits), each probe of a Dictionary compares whole keys, a cache miss
/// on each key's storage; each growth rehashes every key and moves every value. Here the
/// values sit in one array, and the index keeps each key's hash beside its slot: a probe
/// rejects other keys without reading them, and growth re-places the slots from the stored
/// hashes (no key is read, no value moves).
///
/// The hash is ``KeyHash``'s (seeded per process, consistent with `==` on canonically
/// equivalent strings): it decides only where a slot sits in the index, never an order anyone
/// sees. Iteration is in insertion order.
///
/// Equality and hashing ignore insertion order (a map is a map: a state restored from a
/// snapshot equals the replayed one). Encoded as a keyed container, the JSON object the
/// dictionary it replaces was encoded as.
///
/// ```swift
/// var writes = KeyedEntries<Int>()
/// let (slot, inserted) = writes.slot(of: "k1", insertingIfAbsent: { 7 })   // (0, true)
/// writes.values[slot] += 1
/// writes["k1"]   // 8
/// ```
public struct KeyedEntries<Value> {
    /// The keys, by slot.
    public private(set) var keys: [String] = []
    /// The values, by slot (changed in place by the projection that owns them).
    public internal(set) var values: [Value] = []
    /// Open-addressed (linear probing), a power of two long, at most half full: 0 is an empty
    /// bucket, else the key's 32-bit hash in the high half and `slot + 1` in the low half.
    private var index: [UInt64] = []

    public init() {}

    /// The values of `dictionary`, inserted in `order` (keys of the dictionary missing from
    /// `order` follow, in `fallback` order).
    init(_ dictionary: [String: Value], order: [String], fallback: (String, String) -> Bool = (<)) {
        reserveCapacity(dictionary.count)
        for key in order { if let v = dictionary[key], slot(of: key) == nil { append(v, forKey: key) } }
        if keys.count < dictionary.count {
            for key in dictionary.keys.sorted(by: fallback) where slot(of: key) == nil {
                append(dictionary[key]!, forKey: key)
            }
        }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`, if any. Setting one changes it in place, or adds it at a new slot;
    /// setting nil is refused (entries are never removed: mark them, as records are marked deleted).
    public subscript(key: String) -> Value? {
        get {
            guard let s = slot(of: key) else { return nil }
            return values[s]
        }
        set {
            guard let newValue else { preconditionFailure("KeyedEntries: an entry is never removed") }
            let h = Self.hash(key)
            if let s = slot(of: key, hash: h) { values[s] = newValue } else { append(newValue, forKey: key, hash: h) }
        }
    }

    /// The slot of `key`, if present.
    public func slot(of key: String) -> Int? { slot(of: key, hash: Self.hash(key)) }

    /// The slot of `key`, inserting `make()` at a new slot when it is absent.
    @inline(__always)
    mutating func slot(of key: String, insertingIfAbsent make: () -> Value) -> (slot: Int, inserted: Bool) {
        let h = Self.hash(key)
        if let s = slot(of: key, hash: h) { return (s, false) }
        return (append(make(), forKey: key, hash: h), true)
    }

    /// Adds `value` under `key`, which must be absent; returns its slot.
    @discardableResult
    mutating func append(_ value: consuming Value, forKey key: String) -> Int {
        append(value, forKey: key, hash: Self.hash(key))
    }

    mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
        if index.count < 2 * n { rebuildIndex(buckets: Self.buckets(for: n)) }
    }

    // MARK: the index

    @inline(__always)
    static func hash(_ key: String) -> UInt32 { KeyHash.of(key) }

    @inline(__always)
    private func slot(of key: String, hash: UInt32) -> Int? {
        guard !index.isEmpty else { return nil }
        let tag = UInt64(hash) << 32
        return index.withUnsafeBufferPointer { buckets -> Int? in
            let mask = buckets.count - 1
            var b = Int(hash) & mask
            while true {
                let e = buckets[b]
                if e == 0 { return nil }
                if e & 0xFFFF_FFFF_0000_0000 == tag {
                    let s = Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1
                    if KeyHash.equal(keys[s], key) { return s }
                }
                b = (b + 1) & mask
            }
        }
    }

    @inline(__always)
    /// `value` is consumed, moved into ``values``: a borrowed one would be copied in, a retain of
    /// every reference it holds (measured: ~250 instructions for an outbox or activity-log entry).
    private mutating func append(_ value: consuming Value, forKey key: String, hash: UInt32) -> Int {
        let s = keys.count
        precondition(s < Int(UInt32.max - 1), "KeyedEntries: too many entries")
        keys.append(key)
        values.append(value)
        if 2 * keys.count > index.count {
            rebuildIndex(buckets: Self.buckets(for: keys.count))
        } else {
            place(hash: hash, slot: s)
        }
        return s
    }

    /// Buckets for `n` keys: a power of two at least twice `n` (at least 16).
    private static func buckets(for n: Int) -> Int {
        var b = 16
        while b < 2 * n { b <<= 1 }
        return b
    }

    @inline(__always)
    private mutating func place(hash: UInt32, slot: Int) {
        let entry = UInt64(hash) << 32 | UInt64(slot + 1)
        index.withUnsafeMutableBufferPointer { buckets in
            let mask = buckets.count - 1
            var b = Int(hash) & mask
            while buckets[b] != 0 { b = (b + 1) & mask }
            buckets[b] = entry
        }
    }

    /// Grows the index to `buckets` and re-places every slot from its stored hash (the slots
    /// of a fresh index, the first time, from the keys).
    private mutating func rebuildIndex(buckets: Int) {
        let old = index
        index = [UInt64](repeating: 0, count: buckets)
        var placed = 0
        for e in old where e != 0 {
            place(hash: UInt32(truncatingIfNeeded: e >> 32), slot: Int(truncatingIfNeeded: e & 0xFFFF_FFFF) - 1)
            placed += 1
        }
        for s in placed..<keys.count { place(hash: Self.hash(keys[s]), slot: s) }
    }
}

extension KeyedEntries: Sequence {
    public typealias Element = (key: String, value: Value)

    public struct Iterator: IteratorProtocol {
        let entries: KeyedEntries
        var slot = 0
        public mutating func next() -> (key: String, value: Value)? {
            guard slot < entries.keys.count else { return nil }
            defer { slot += 1 }
            return (entries.keys[slot], entries.values[slot])
        }
    }

    public func makeIterator() -> Iterator { Iterator(entries: self) }
    public var underestimatedCount: Int { keys.count }
}

extension KeyedEntries: Sendable where Value: Sendable {}

extension KeyedEntries: Equatable where Value: Equatable {
    /// The same keys with the same values, in whatever order they were added.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (s, key) in lhs.keys.enumerated() {
            guard let r = rhs.slot(of: key), rhs.values[r] == lhs.values[s] else { return false }
        }
        return true
    }
}

extension KeyedEntries: Hashable where Value: Hashable {
    /// Order-independent, as `Set` does it: the sum of each pair's own hash.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for s in keys.indices {
            var h = Hasher()
            h.combine(keys[s])
            h.combine(values[s])
            sum = sum &+ h.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension KeyedEntries: Codable where Value: Codable {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// A JSON object from key to value, as `[String: Value]` encodes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for s in keys.indices { try c.encode(values[s], forKey: Key(stringValue: keys[s])) }
    }

    /// Keys in sorted order (an object has none); owners that keep an order re-insert in it.
    public init(from decoder: any Decoder) throws {
        let dictionary = try [String: Value](from: decoder)
        self.init(dictionary, order: [])
    }
}

/// The hash and equality ``KeyedEntries`` probes with, cheaper than `Hasher` and `==` on the
/// keys the fold looks up on every event (activity ids, 32-digit sync keys, addresses).
///
/// `Hasher` is SipHash over the bytes, a byte at a time through a generic `combine`; a
/// `String` `==` of two equal keys with different storage (the key in the event and the one
/// stored) takes the slow comparison path. Here the UTF-8 is read in place eight bytes at a
/// time, mixed by multiplication, and compared the same way.
///
/// Consistent with `String`'s `==`: equal strings get equal hashes. An ASCII key is hashed as
/// it is spelt (two ASCII strings are equal exactly when their bytes are); any other key is
/// hashed by its NFC form (what `==` compares), so a key spelt with U+212A hashes as the one
/// spelt with `K`. Equality is byte equality first, `==` when the bytes differ (only for
/// keys whose 32-bit hashes collide, or canonically equal spellings).
///
/// Seeded once per process from `Hasher` (random unless `SWIFT_DETERMINISTIC_HASHING` is set):
/// keys come from outside (activity ids), and a fixed seed would let them be chosen to collide.
enum KeyHash {
    static let seed: UInt64 = {
        var h = Hasher()
        h.combine(0x5EED_CAFE as UInt64)
        return UInt64(UInt(bitPattern: h.finalize()))
    }()

    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The 32-bit hash of `key`.
    @inline(__always)
    static func of(_ key: String) -> UInt32 {
        if let h = key.utf8.withContiguousStorageIfAvailable({ ascii($0) }), let h { return h }
        return key._nfcCodeUnits.withUnsafeBufferPointer { mix($0, seed: seed) }
    }

    /// The hash of ASCII bytes, or nil when a byte is not ASCII.
    @inline(__always)
    static func ascii(_ u: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var high: UInt64 = 0
        let h = mix(u, seed: seed, high: &high)
        return high & 0x8080_8080_8080_8080 == 0 ? h : nil
    }

    @inline(__always)
    static func mix(_ u: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt32 {
        var high: UInt64 = 0
        return mix(u, seed: seed, high: &high)
    }

    /// Multiply-mixes the bytes eight at a time (the last eight overlap the word before when
    /// the length is not a multiple of eight), then finalises as MurmurHash3's `fmix64`.
    /// `high` gets every byte or-ed in (ASCII when its top bits are clear).
    @inline(__always)
    static func mix(_ u: UnsafeBufferPointer<UInt8>, seed: UInt64, high: inout UInt64) -> UInt32 {
        let n = u.count
        var h = seed ^ (UInt64(truncatingIfNeeded: n) &* multiplier)
        if n >= 8, let base = u.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                high |= w
                h = (h ^ w) &* multiplier
                h ^= h >> 29
                i += 8
            }
            if i < n {
                let w = raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
                high |= w
                h = (h ^ w) &* multiplier
                h ^= h >> 29
            }
        } else {
            var w: UInt64 = 0
            for i in 0..<n { w |= UInt64(u[i]) << (8 * UInt64(i)) }
            high |= w
            h = (h ^ w) &* multiplier
            h ^= h >> 29
        }
        h ^= h >> 33
        h &*= 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h &*= 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }

    /// `a == b`, deciding by the bytes when they are the same (the usual case for a found key).
    @inline(__always)
    static func equal(_ a: String, _ b: String) -> Bool {
        let same = a.utf8.withContiguousStorageIfAvailable { ua in
            b.utf8.withContiguousStorageIfAvailable { ub in sameBytes(ua, ub) }
        }
        if same == true { return true }
        return a == b
    }

    @inline(__always)
    static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        if pa == pb { return true }
        let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
        var i = 0
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < n {
            if pa[i] != pb[i] { return false }
            i += 1
        }
        return true
    }
}
