/// A small value that repeats from record to record (a person, a planned write's field, a
/// Salesforce record's field): a decoder with a cache (``EventDecoder``) hands back the value
/// it decoded from the same bytes before instead of decoding them again.
///
/// Only for types whose decoded value is a function of their bytes alone (no context from
/// the enclosing record), as every ``BinaryCodable`` decode here is.
protocol BinaryRepeatedValue: BinaryCodable {
    /// This type's cache among the decoder's caches.
    static func cache(in interner: StringInterner) -> RepeatedValueCache<Self>
}

/// A decoder's cache of decoded values of one type, keyed by their encoded bytes: a message
/// whose bytes equal those of one decoded earlier gets that value back (a copy of it: its
/// strings retained, none made again) without being decoded.
///
/// Direct-mapped, like the string cache (``StringInterner``): each slot holds the last value
/// whose bytes hashed to it. Messages longer than ``maxKeyLength`` are always decoded.
///
/// Holds only pointers: copying it costs no retain. Its memory belongs to the
/// ``StringInterner`` that made it, which calls ``deallocate()`` once, in its `deinit`;
/// until then every pointer stays valid, and slots are only touched by the one decoder
/// (not `Sendable`: one task).
struct RepeatedValueCache<Value> {
    /// Longer messages are rare (a long subject) and not worth a slot's bytes.
    static var maxKeyLength: Int { 64 }

    /// `maxKeyLength` bytes per slot: the encoded message the slot's value was decoded from.
    private let keys: UnsafeMutableRawPointer
    /// The length of each slot's key, or -1 for an empty slot.
    private let keyLengths: UnsafeMutablePointer<Int>
    private let values: UnsafeMutablePointer<Value?>
    private let mask: Int

    /// `slotCount` is rounded up to a power of two (at least 1).
    init(slotCount: Int) {
        var n = 1
        while n < slotCount { n <<= 1 }
        mask = n - 1
        keys = UnsafeMutableRawPointer.allocate(byteCount: n * Self.maxKeyLength, alignment: 8)
        keyLengths = UnsafeMutablePointer<Int>.allocate(capacity: n)
        keyLengths.initialize(repeating: -1, count: n)
        values = UnsafeMutablePointer<Value?>.allocate(capacity: n)
        values.initialize(repeating: nil, count: n)
    }

    /// Frees the slots (and releases the values in them). Called once, by the owner.
    func deallocate() {
        values.deinitialize(count: mask + 1)
        values.deallocate()
        keyLengths.deallocate()
        keys.deallocate()
    }

    /// The value encoded by `bytes`: from the cache when a slot holds one decoded from the
    /// same bytes, otherwise `decode()`'s (kept for next time; an error is not kept).
    @inline(__always)
    func value(
        for bytes: UnsafeRawBufferPointer, _ decode: () throws(SyncDomainError) -> Value
    ) throws(SyncDomainError) -> Value {
        let n = bytes.count
        guard n <= Self.maxKeyLength, let source = bytes.baseAddress else { return try decode() }
        let i = Int(truncatingIfNeeded: StringInterner.hash(bytes)) & mask
        let key = keys + i * Self.maxKeyLength
        if keyLengths[i] == n, StringInterner.equal(UnsafeRawBufferPointer(start: key, count: n), bytes),
            let cached = values[i]
        {
            return cached
        }
        let decoded = try decode()
        key.copyMemory(from: source, byteCount: n)
        keyLengths[i] = n
        values[i] = decoded
        return decoded
    }
}

extension BinaryReader {
    /// Reads a nested message as `T`, from the decoder's cache when the same bytes were
    /// decoded before (see ``RepeatedValueCache``); without a cache, as any message.
    @inline(__always)
    mutating func readMessage<T: BinaryRepeatedValue>(_ type: T.Type, _ wire: WireType) throws(SyncDomainError) -> T {
        var sub = try readMessage(wire)
        guard let interner else { return try T.decode(from: &sub) }
        let cache = interner._withUnsafeGuaranteedRef { T.cache(in: $0) }
        return try cache.value(for: sub.remainingBytes) { () throws(SyncDomainError) -> T in
            try T.decode(from: &sub)
        }
    }
}

extension Person: BinaryRepeatedValue {
    static func cache(in interner: StringInterner) -> RepeatedValueCache<Person> { interner.persons }
}

extension SequenceRef: BinaryRepeatedValue {
    static func cache(in interner: StringInterner) -> RepeatedValueCache<SequenceRef> { interner.sequences }
}

extension WriteField: BinaryRepeatedValue {
    static func cache(in interner: StringInterner) -> RepeatedValueCache<WriteField> { interner.writeFields }
}

extension Reason: BinaryRepeatedValue {
    static func cache(in interner: StringInterner) -> RepeatedValueCache<Reason> { interner.reasons }
}

extension SalesforceRecord.Field: BinaryRepeatedValue {
    static func cache(in interner: StringInterner) -> RepeatedValueCache<SalesforceRecord.Field> {
        interner.recordFields
    }
}
