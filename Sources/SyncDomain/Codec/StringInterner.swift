/// A decoder's cache of the strings it has made, keyed by their UTF-8 bytes: a record that
/// repeats an email address, a subject or a Salesforce id already seen gets the same
/// string storage back (one retain) instead of a new allocation.
///
/// Direct-mapped: each slot holds the last string whose bytes hashed to it, so the cache
/// never grows and a miss only replaces one entry. Only strings longer than
/// ``inlineCapacity`` are worth caching (shorter ones are stored inline and never allocate).
///
/// It also holds the decoder's caches of small repeated values (``RepeatedValueCache``):
/// a person, a planned write's field or a Salesforce record's field seen before is not
/// decoded again.
///
/// The value caches are allocated on their first use, not with the interner: a scan that
/// only meets outcomes never makes the caches for people. (The string tables are used by
/// every record, so ``EventDecoder`` makes the whole interner on its first record instead.)
///
/// Not `Sendable`: one interner belongs to one ``EventDecoder`` and is used by one task.
final class StringInterner {
    /// Swift stores strings of up to 15 UTF-8 bytes inline, without an allocation.
    static let inlineCapacity = 15

    private let slots: UnsafeMutablePointer<String>
    private let hashes: UnsafeMutablePointer<UInt64>
    private let mask: Int

    /// Inline strings, keyed by their bytes packed into two words and the length: a hit
    /// skips building (and checking) the string, and copying one back needs no retain.
    private let smallKeys: UnsafeMutablePointer<SmallKey>
    private let smallStrings: UnsafeMutablePointer<String>

    /// Slots per value cache: a quarter as many as for strings, as the five value caches'
    /// keys and slots add up.
    var valueSlotCount: Int { max(1, (mask + 1) / 4) }

    /// The value caches made so far. Behind a pointer rather than in `var`s of this class:
    /// each read of a class's `var` that is also written is checked for exclusivity at run
    /// time, and these are read for every nested message.
    private let tables: UnsafeMutablePointer<Tables>

    private struct Tables {
        var persons: RepeatedValueCache<Person>? = nil
        var sequences: RepeatedValueCache<SequenceRef>? = nil
        var writeFields: RepeatedValueCache<WriteField>? = nil
        var reasons: RepeatedValueCache<Reason>? = nil
        var recordFields: RepeatedValueCache<SalesforceRecord.Field>? = nil
    }

    var persons: RepeatedValueCache<Person> { tables.pointee.persons ?? makeCache(\.persons) }
    var sequences: RepeatedValueCache<SequenceRef> { tables.pointee.sequences ?? makeCache(\.sequences) }
    var writeFields: RepeatedValueCache<WriteField> { tables.pointee.writeFields ?? makeCache(\.writeFields) }
    var reasons: RepeatedValueCache<Reason> { tables.pointee.reasons ?? makeCache(\.reasons) }
    var recordFields: RepeatedValueCache<SalesforceRecord.Field> {
        tables.pointee.recordFields ?? makeCache(\.recordFields)
    }

    /// How many of the five value caches exist yet (for tests: each is made by its first use).
    var allocatedValueCaches: Int {
        let t = tables.pointee
        return [t.persons != nil, t.sequences != nil, t.writeFields != nil, t.reasons != nil, t.recordFields != nil]
            .filter { $0 }.count
    }

    struct SmallKey: Equatable {
        var first: UInt64
        var last: UInt64
        var count: Int
    }

    /// `slotCount` is rounded up to a power of two (at least 1). The value caches are made
    /// on first use.
    init(slotCount: Int = 4096) {
        var n = 1
        while n < slotCount { n <<= 1 }
        slots = UnsafeMutablePointer<String>.allocate(capacity: n)
        slots.initialize(repeating: "", count: n)
        hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
        hashes.initialize(repeating: 0, count: n)
        mask = n - 1
        smallKeys = UnsafeMutablePointer<SmallKey>.allocate(capacity: n)
        smallKeys.initialize(repeating: SmallKey(first: 0, last: 0, count: 0), count: n)
        smallStrings = UnsafeMutablePointer<String>.allocate(capacity: n)
        smallStrings.initialize(repeating: "", count: n)
        tables = UnsafeMutablePointer<Tables>.allocate(capacity: 1)
        tables.initialize(to: Tables())
    }

    deinit {
        slots.deinitialize(count: mask + 1)
        slots.deallocate()
        hashes.deallocate()
        smallKeys.deallocate()
        smallStrings.deinitialize(count: mask + 1)
        smallStrings.deallocate()
        let t = tables.move()
        tables.deallocate()
        t.persons?.deallocate()
        t.sequences?.deallocate()
        t.writeFields?.deallocate()
        t.reasons?.deallocate()
        t.recordFields?.deallocate()
    }

    /// Makes the value cache kept at `slot` (its first use).
    @inline(never)
    private func makeCache<Value>(
        _ slot: WritableKeyPath<Tables, RepeatedValueCache<Value>?>
    ) -> RepeatedValueCache<Value> {
        let cache = RepeatedValueCache<Value>(slotCount: valueSlotCount)
        tables.pointee[keyPath: slot] = cache
        return cache
    }

    /// The inline string (1 to ``inlineCapacity`` bytes) spelled by `bytes`, from the cache
    /// when it holds the same bytes. `make` builds it otherwise (invalid UTF-8 repaired as
    /// `String(decoding:as:)` does: the cached value is a function of the bytes alone).
    @inline(__always)
    func smallString(_ bytes: UnsafeRawBufferPointer, _ make: (UnsafeRawBufferPointer) -> String) -> String {
        let key = Self.smallKey(bytes)
        var h = (key.first ^ (key.last &* 0x9E37_79B9_7F4A_7C15)) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        let i = Int(truncatingIfNeeded: h &+ UInt64(key.count)) & mask
        if smallKeys[i] == key { return smallStrings[i] }
        let s = make(bytes)
        smallKeys[i] = key
        smallStrings[i] = s
        return s
    }

    /// 1 to 16 bytes as (first word, last word, count), which determines every byte: the two
    /// words overlap when there are fewer than 16.
    @inline(__always)
    static func smallKey(_ bytes: UnsafeRawBufferPointer) -> SmallKey {
        let n = bytes.count
        if n >= 8 {
            return SmallKey(
                first: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                last: bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), count: n)
        }
        if n >= 4 {
            return SmallKey(
                first: UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                last: UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)), count: n)
        }
        var w: UInt64 = 0
        for (k, b) in bytes.enumerated() { w |= UInt64(b) << (8 * UInt64(k)) }
        return SmallKey(first: w, last: 0, count: n)
    }

    /// The string spelled by `bytes` (UTF-8; invalid sequences repaired as `String(decoding:as:)`
    /// does), shared with an earlier call for the same bytes when the cache still holds it.
    func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let h = Self.hash(bytes)
        let i = Int(truncatingIfNeeded: h) & mask
        if hashes[i] == h {
            var cached = slots[i]
            let same = cached.withUTF8 { Self.equal(UnsafeRawBufferPointer($0), bytes) }
            if same { return cached }
        }
        let s = String(decoding: bytes, as: UTF8.self)
        slots[i] = s
        hashes[i] = h
        return s
    }

    /// A fast hash of a buffer of at least 8 bytes, 8 bytes at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15
        guard n >= 8 else {
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            return h
        }
        var i = 0
        while i + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 29
            i += 8
        }
        if i < n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53
            h ^= h >> 32
        }
        return h
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n >= 8 else {
            var i = 0
            while i < n {
                if a[i] != b[i] { return false }
                i += 1
            }
            return true
        }
        // Eight bytes at a time; the last word overlaps the one before it.
        var i = 0
        while i + 8 < n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i += 8
        }
        return a.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            == b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
}

/// Decodes log records one after another, as a replay does, sharing repeated strings
/// between the records it decodes (see ``StringInterner``). The result of every decode is
/// exactly what ``EventEnvelope/init(binary:upcasters:)-(UnsafeRawBufferPointer,_)`` gives.
///
/// ```swift
/// let decoder = EventDecoder()
/// for bytes in records { let envelope = try decoder.decode(bytes) ... }
/// ```
///
/// Not `Sendable`: make one per scan (per task); it holds a few thousand cached strings.
public final class EventDecoder {
    public let upcasters: EventUpcasters
    private let cacheSlots: Int
    /// The string cache, made by the first decode: a decoder made for a scan that finds
    /// nothing (the pipeline's decision count, most steps) allocates no tables. Unmanaged
    /// behind a pointer: reading it costs no retain and no exclusivity check; the decoder
    /// owns the one reference and releases it in `deinit`.
    private let slot: UnsafeMutablePointer<Unmanaged<StringInterner>?>

    /// `cacheSlots` bounds the cached strings (rounded up to a power of two).
    public init(upcasters: EventUpcasters = .standard, cacheSlots: Int = 4096) {
        self.upcasters = upcasters
        self.cacheSlots = cacheSlots
        slot = UnsafeMutablePointer<Unmanaged<StringInterner>?>.allocate(capacity: 1)
        slot.initialize(to: nil)
    }

    deinit {
        slot.pointee?.release()
        slot.deinitialize(count: 1)
        slot.deallocate()
    }

    /// The decoder's string cache, if a record has been decoded yet (for tests).
    var internerIfMade: StringInterner? { slot.pointee?.takeUnretainedValue() }

    @inline(never)
    private func makeInterner() -> Unmanaged<StringInterner> {
        let interner = Unmanaged.passRetained(StringInterner(slotCount: cacheSlots))
        slot.pointee = interner
        return interner
    }

    /// Decodes one log record from borrowed bytes; nothing in the result points into `bytes`.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws(SyncDomainError) -> EventEnvelope {
        let interner = slot.pointee ?? makeInterner()
        let result = interner._withUnsafeGuaranteedRef { cache in
            Result { () throws(SyncDomainError) -> EventEnvelope in
                try EventEnvelope(binary: bytes, upcasters: upcasters, interner: cache)
            }
        }
        return try result.get()
    }

    /// Decodes one log record from an array of bytes.
    public func decode(_ bytes: [UInt8]) throws(SyncDomainError) -> EventEnvelope {
        let result = bytes.withUnsafeBytes { buf in
            Result { () throws(SyncDomainError) -> EventEnvelope in try decode(buf) }
        }
        return try result.get()
    }
}
