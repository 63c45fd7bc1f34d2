import PropertyBased
import Testing

@testable import SyncDomain

@Suite("EventDecoder: shared strings between records give the same events as decoding each alone")
struct EventDecoderTests {
    @Test("interning returns equal strings, sharing the storage of repeated bytes")
    func internerSharesEqualStrings() {
        let interner = StringInterner(slotCount: 64)
        let text: [UInt8] = Array("carol.longer@globex.example.com".utf8)
        let other: [UInt8] = Array("someone.else@globex.example.com".utf8)
        let a = text.withUnsafeBytes { interner.string($0) }
        let b = text.withUnsafeBytes { interner.string($0) }
        let c = other.withUnsafeBytes { interner.string($0) }
        #expect(a == "carol.longer@globex.example.com")
        #expect(b == a)
        #expect(c == "someone.else@globex.example.com")
        #expect(c != a)
        var a2 = a
        var b2 = b
        let sameStorage = a2.withUTF8 { x in b2.withUTF8 { y in x.baseAddress == y.baseAddress } }
        #expect(sameStorage, "the second string for the same bytes should reuse the first one's storage")
    }

    @Test("byte comparison: equal buffers of every length up to 40, and a difference at every position")
    func byteComparison() {
        for n in 0...40 {
            let a = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            a.withUnsafeBytes { x in
                let copy = a
                copy.withUnsafeBytes { y in #expect(StringInterner.equal(x, y)) }
                for k in 0..<n {
                    var b = a
                    b[k] ^= 0x20
                    b.withUnsafeBytes { y in #expect(!StringInterner.equal(x, y), "length \(n), byte \(k)") }
                }
                let longer = a + [0]
                longer.withUnsafeBytes { y in #expect(!StringInterner.equal(x, y)) }
            }
        }
    }

    @Test("inline strings: the cache key tells apart every byte of every length, and collisions stay correct")
    func smallStringKeysAndCollisions() {
        for n in 1...StringInterner.inlineCapacity {
            let a = (0..<n).map { UInt8(truncatingIfNeeded: 0x41 &+ $0) }
            let keyA = a.withUnsafeBytes { StringInterner.smallKey($0) }
            for k in 0..<n {
                var b = a
                b[k] ^= 0x01
                #expect(b.withUnsafeBytes { StringInterner.smallKey($0) } != keyA, "length \(n), byte \(k)")
            }
            if n < StringInterner.inlineCapacity {
                #expect((a + [0]).withUnsafeBytes { StringInterner.smallKey($0) } != keyA)
            }
        }
        let interner = StringInterner(slotCount: 1)
        let words = ["u_alice", "u_bob", "acme", "Email", "Completed", "u_alice", "acme", "\u{E9}t\u{E9}"]
        for w in words + words {
            let got = Array(w.utf8).withUnsafeBytes { interner.smallString($0, BinaryReader.makeString) }
            #expect(got == w)
        }
    }

    @Test("a one-slot interner (every new string collides) still returns the right strings")
    func collisionsAreCorrect() {
        let interner = StringInterner(slotCount: 1)
        let words = (0..<50).map { "a string longer than fifteen bytes #\($0 % 7)" }
        for w in words {
            let got = Array(w.utf8).withUnsafeBytes { interner.string($0) }
            #expect(got == w)
        }
    }

    @Test("invalid UTF-8 is repaired exactly as the plain path repairs it, cached or not")
    func invalidUTF8IsRepairedTheSameWay() {
        let interner = StringInterner(slotCount: 8)
        let bytes: [UInt8] = Array("a long enough prefix ".utf8) + [0xFF, 0xC3] + Array(" and a tail".utf8)
        let plain = String(decoding: bytes, as: UTF8.self)
        for _ in 0..<3 {
            #expect(bytes.withUnsafeBytes { interner.string($0) } == plain)
        }
    }

    @Test("short and long invalid UTF-8 in a record decode as String(decoding:as:) repairs them")
    func invalidUTF8InRecords() throws {
        let short: [UInt8] = [0x61, 0xFF, 0x62, 0xC3]
        let long: [UInt8] = Array("a recipient name long enough".utf8) + [0xE2, 0x82]
        var w = BinaryWriter()
        w.writeString(1, "V1.EmailOpened")
        w.writeString(2, "activity/acme/act_utf8")
        w.writeString(3, "acme")
        w.writeInt(4, Int64(1))
        w.writeMessage(5) { p in
            p.writeString(1, "act_utf8")
            p.writeInt(4, Int64(1))
            p.writeMessage(8) { f in
                f.writeBytes(1, short)
                f.writeBytes(2, long)
            }
        }
        let decoder = EventDecoder()
        for decoded in [try EventEnvelope(binary: w.bytes), try decoder.decode(w.bytes), try decoder.decode(w.bytes)] {
            guard case .activity(let a) = decoded.event else {
                Issue.record("not an activity")
                return
            }
            #expect(a.recipient?.email == String(decoding: short, as: UTF8.self))
            #expect(a.recipient?.name == String(decoding: long, as: UTF8.self))
        }
    }

    @Test("one decoder over a whole log decodes every record as EventEnvelope(binary:) does")
    func decoderMatchesPlainDecode() throws {
        var r = ModelRandom(rng: seeded(11))
        let envelopes = (0..<3000).map { _ in r.envelope() }
        let records = envelopes.map { $0.binaryEncoded() }
        // The default cache, and a tiny one where unrelated strings keep evicting each other.
        for decoder in [EventDecoder(), EventDecoder(cacheSlots: 2)] {
            // Twice over, so the second pass decodes from a warm cache.
            for _ in 0..<2 {
                for (bytes, envelope) in zip(records, envelopes) {
                    let shared = try decoder.decode(bytes)
                    #expect(shared == envelope)
                    #expect(shared == (try EventEnvelope(binary: bytes)))
                    #expect(shared.binaryEncoded() == bytes)
                }
            }
        }
    }

    @Test("every generated envelope round-trips through a long-lived decoder")
    func decoderRoundTripsProperty() async {
        let decoder = EventDecoder(cacheSlots: 16)
        await propertyCheck(count: 1000, input: ModelGen.envelope) { envelope in
            let bytes = envelope.binaryEncoded()
            let decoded = try? decoder.decode(bytes)
            #expect(decoded == envelope)
            #expect(decoded?.binaryEncoded() == bytes)
        }
    }

    @Test("a record with unknown fields decoded by a decoder keeps them through a re-encode")
    func unknownFieldsSurviveTheDecoder() throws {
        var w = BinaryWriter()
        w.writeString(1, "V1.EmailOpened")
        w.writeString(2, "activity/acme/act_unknown_fields_1")
        w.writeString(3, "acme")
        w.writeInt(4, Int64(1_700_000_000_000))
        w.writeMessage(5) { p in
            p.writeString(1, "act_unknown_fields_1")
            p.writeString(2, "acme")
            p.writeInt(4, Int64(1_700_000_000_000))
            p.writeString(6, "u_alice")
            p.writeMessage(7) { m in
                m.writeString(1, "msg_1")
                m.writeString(4, "A subject longer than fifteen bytes")
                m.writeMessage(5) { f in
                    f.writeString(1, "alice.from.a.long.address@acme.com")
                    f.writeString(97, "a future person field")
                }
                m.writeDouble(96, 2.5)
            }
            p.writeMessage(8) { f in f.writeString(1, "carol.recipient@globex.com") }
            p.writeUInt(98, 42)
        }
        w.writeBytes(99, [1, 2, 3])
        let bytes = w.bytes
        let decoder = EventDecoder()
        for _ in 0..<3 {
            let decoded = try decoder.decode(bytes)
            #expect(decoded == (try EventEnvelope(binary: bytes)))
            #expect(!decoded.unknownFields.isEmpty)
            guard case .activity(let a) = decoded.event else {
                Issue.record("not an activity")
                return
            }
            #expect(a.unknownFields.bytes == [0x90, 0x06, 42])  // field 98, varint 42
            #expect(!(a.message?.unknownFields.isEmpty ?? true))
            #expect(!(a.message?.from.unknownFields.isEmpty ?? true))
            #expect(a.recipient?.email == "carol.recipient@globex.com")
            // Re-encoded (the writer adds the default bools this hand-made record left out):
            // the unknown fields are written back, and the result decodes to the same value.
            let again = decoded.binaryEncoded()
            #expect(again == (try EventEnvelope(binary: bytes)).binaryEncoded())
            #expect(try decoder.decode(again) == decoded)
        }
    }

    @Test("an unknown wire name still goes to its upcaster through a decoder")
    func upcasterRunsThroughDecoder() throws {
        var upcasters = EventUpcasters()
        upcasters.register(EventType(wireName: "V0.WritesResumed")) { _ throws(SyncDomainError) in
            .writesResumed(WritesResumed(reason: "upcast"))
        }
        var w = BinaryWriter()
        w.writeString(1, "V0.WritesResumed")
        w.writeString(2, "resumed/acme/1")
        w.writeString(3, "acme")
        w.writeInt(4, Int64(5))
        w.writeMessage(5) { _ in }
        let decoder = EventDecoder(upcasters: upcasters)
        let e = try decoder.decode(w.bytes)
        #expect(e.type == .writesResumed)
        #expect(e.id == EventID("resumed/acme/1"))
        do {
            _ = try EventDecoder().decode(w.bytes)
            Issue.record("decoded without an upcaster")
        } catch {
            #expect(error.code == .unknownEventType)
        }
    }

    /// The bytes of `person` as a nested message's body.
    private func personBytes(_ person: Person) -> [UInt8] {
        var w = BinaryWriter()
        person.encode(to: &w)
        return w.bytes
    }

    @Test("a repeated-value cache decodes a message's bytes once and returns that value for equal bytes")
    func repeatedValueCacheDecodesOnce() throws {
        let cache = RepeatedValueCache<Person>(slotCount: 64)
        defer { cache.deallocate() }
        let people = [
            Person(email: "bob@globex.com", name: "Bob Li"), Person(email: "bob@globex.com"),
            Person(email: "carol.with.a.longer.address@globex.com", name: "Carol"),
        ]
        var decodes = 0
        for _ in 0..<3 {
            for person in people {
                let got = try personBytes(person).withUnsafeBytes { bytes throws(SyncDomainError) in
                    try cache.value(for: bytes) { () throws(SyncDomainError) -> Person in
                        decodes += 1
                        var r = BinaryReader(bytes)
                        return try Person.decode(from: &r)
                    }
                }
                #expect(got == person)
            }
        }
        #expect(decodes == people.count)
    }

    @Test("a one-slot repeated-value cache (every new message collides) still returns the right values")
    func oneSlotRepeatedValueCache() throws {
        let cache = RepeatedValueCache<Person>(slotCount: 1)
        defer { cache.deallocate() }
        // Same length, one byte apart; a prefix of another; empty name.
        let people = [
            Person(email: "ann@acme.com"), Person(email: "bnn@acme.com"), Person(email: "ann@acme.co"),
            Person(email: "ann@acme.com", name: ""), Person(email: "ann@acme.com"),
        ]
        for person in people + people.reversed() {
            let got = try personBytes(person).withUnsafeBytes { bytes throws(SyncDomainError) in
                try cache.value(for: bytes) { () throws(SyncDomainError) -> Person in
                    var r = BinaryReader(bytes)
                    return try Person.decode(from: &r)
                }
            }
            #expect(got == person)
        }
    }

    @Test("a repeated-value cache keeps no failed decode, and always decodes messages longer than its keys")
    func repeatedValueCacheErrorsAndLongMessages() throws {
        let cache = RepeatedValueCache<Person>(slotCount: 4)
        defer { cache.deallocate() }
        var noEmail = BinaryWriter()
        noEmail.writeString(2, "a person without an email")
        for _ in 0..<2 {
            #expect(throws: SyncDomainError.self) {
                try noEmail.bytes.withUnsafeBytes { bytes throws(SyncDomainError) in
                    try cache.value(for: bytes) { () throws(SyncDomainError) -> Person in
                        var r = BinaryReader(bytes)
                        return try Person.decode(from: &r)
                    }
                }
            }
        }
        let long = Person(
            email: "someone@example.com", name: String(repeating: "n", count: RepeatedValueCache<Person>.maxKeyLength))
        var decodes = 0
        for _ in 0..<2 {
            let got = try personBytes(long).withUnsafeBytes { bytes throws(SyncDomainError) in
                try cache.value(for: bytes) { () throws(SyncDomainError) -> Person in
                    decodes += 1
                    var r = BinaryReader(bytes)
                    return try Person.decode(from: &r)
                }
            }
            #expect(got == long)
        }
        #expect(decodes == 2)
    }

    @Test("records sharing people, planned fields and record fields decode through a decoder as alone")
    func repeatedValuesAcrossRecords() throws {
        // The same person as sender, recipient and attendee, one with an unknown field.
        var from = Person(email: "alice@acme.com", name: "Alice Ng")
        var unknown = BinaryWriter()
        unknown.writeString(97, "a future person field")
        from.unknownFields = UnknownFields(bytes: unknown.bytes)
        let t = Timestamp(millisecondsSinceEpoch: 1_795_305_600_000)
        let message = Message(
            id: "msg_1", subject: "Pricing", from: from, to: [from, Person(email: "bob@globex.com")],
            sequence: SequenceRef(id: "seq_9", name: "Q4", stage: 2))
        let sent = EventEnvelope(
            activity: Activity(
                id: "act_1", workspace: "acme", type: .emailOpened, occurredAt: t, userId: "u_alice",
                message: message, recipient: from),
            recordedAt: t)
        let meeting = EventEnvelope(
            activity: Activity(
                id: "act_2", workspace: "acme", type: .meetingConfirmed, occurredAt: t, userId: "u_alice",
                meeting: Meeting(id: "mtg_1", title: "Demo", start: t, end: t, organizer: from, attendees: [from])),
            recordedAt: t)
        let fields = [WriteField("Type", .string("Email")), WriteField("ActivityDate", .date(LocalDate(daysSinceEpoch: 1)))]
        let plan = EventEnvelope(
            id: EventID("plan/acme/act_1"), workspace: "acme", recordedAt: t,
            event: .activityPlanned(
                ActivityPlanned(
                    activityId: "act_1", activityPosition: 1,
                    writes: [PlannedWrite(syncKey: "sk_1", object: .task, operation: .upsert, fields: fields + fields)],
                    reasons: [Reason(rule: "R6", text: "via contact role", data: [Reason.Datum("k", "v")])],
                    status: .pending)))
        let change = EventEnvelope(
            id: EventID("change/acme/1"), workspace: "acme", recordedAt: t,
            event: .salesforceRecordChanged(
                SalesforceRecordChange(
                    object: "Contact", changeType: .update,
                    record: SalesforceRecord(fields: [.init("Email", .string("bob@globex.com")), .init("Open", .bool(true))]),
                    source: .poll, commitTimestamp: t)))
        let decoder = EventDecoder(cacheSlots: 8)
        for _ in 0..<3 {
            for envelope in [sent, meeting, plan, change] {
                let bytes = envelope.binaryEncoded()
                let decoded = try decoder.decode(bytes)
                #expect(decoded == envelope)
                #expect(decoded.binaryEncoded() == bytes)
            }
        }
    }

    @Test("a decoder allocates no cache before its first record, and each value cache on its first use")
    func cachesAreMadeOnFirstUse() throws {
        let t = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)
        let decoder = EventDecoder()
        #expect(decoder.internerIfMade == nil)
        let outcome = EventEnvelope(
            id: EventID("outcome/acme/1"), workspace: "acme", recordedAt: t,
            event: .writeSucceeded(WriteSucceeded(syncKey: "sk_1", salesforceId: "00T000000000001AAA", created: true)))
        #expect(try decoder.decode(outcome.binaryEncoded()) == outcome)
        let interner = try #require(decoder.internerIfMade)
        #expect(interner.allocatedValueCaches == 0, "an outcome has no nested repeated values")
        let plan = EventEnvelope(
            id: EventID("plan/acme/act_1"), workspace: "acme", recordedAt: t,
            event: .activityPlanned(
                ActivityPlanned(
                    activityId: "act_1", activityPosition: 1,
                    writes: [
                        PlannedWrite(
                            syncKey: "sk_1", object: .task, operation: .upsert,
                            fields: [WriteField("Type", .string("Email"))])
                    ],
                    reasons: [Reason(rule: "R6", text: "via contact role")], status: .pending)))
        #expect(try decoder.decode(plan.binaryEncoded()) == plan)
        #expect(interner.allocatedValueCaches == 2, "a plan uses the write-field and reason caches")
        #expect(try decoder.decode(plan.binaryEncoded()) == plan)
        #expect(decoder.internerIfMade === interner)
        #expect(interner.allocatedValueCaches == 2)
    }

    /// The payload's top-level fields without those numbered `number`.
    private func payload(_ bytes: [UInt8], without number: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { buf in
            var r = BinaryReader(buf)
            while let f = try r.nextField() {
                let start = r.fieldStart
                try r.skip(f.wire)
                if f.number != number { out += buf[start..<r.offset] }
            }
        }
        return out
    }

    private func record(_ wireName: String, _ payload: [UInt8]) -> [UInt8] {
        var w = BinaryWriter()
        w.writeString(1, wireName)
        w.writeString(2, "x/acme/1")
        w.writeString(3, "acme")
        w.writeInt(4, Int64(1))
        w.writeBytes(5, payload)
        return w.bytes
    }

    @Test(
        "plans, writes, record changes and outcomes decoded in place refuse each missing required field, and the decoder goes on"
    )
    func inPlaceDecodersRefuseMissingFields() throws {
        let write = PlannedWrite(
            syncKey: "sk_1", object: .event, operation: .delete, fields: [WriteField("Type", .string("Email"))])
        var writeBytes = BinaryWriter()
        write.encode(to: &writeBytes)
        let plan = ActivityPlanned(
            activityId: "act_1", activityPosition: 3, writes: [write, write], reasons: [], status: .notSynced)
        var planBytes = BinaryWriter()
        plan.encode(to: &planBytes)
        let change = SalesforceRecordChange(
            object: "Contact", changeType: .gapUpdate,
            record: SalesforceRecord(fields: [.init("Id", .string("003000000000001"))]), source: .audit)
        var changeBytes = BinaryWriter()
        change.encode(to: &changeBytes)
        let outcome = WriteSucceeded(syncKey: "sk_1", salesforceId: "00T1", created: false, request: "{}")
        var outcomeBytes = BinaryWriter()
        outcome.encode(to: &outcomeBytes)

        // A plan whose only write lacks a field.
        func planWithWrite(without number: Int) throws -> [UInt8] {
            var w = BinaryWriter()
            w.writeString(1, "act_1")
            w.writeBytes(3, try payload(writeBytes.bytes, without: number))
            w.writeString(5, ActivityStatus.pending.rawValue)
            return w.bytes
        }
        let cases: [(record: [UInt8], missing: String)] = [
            (record("V1.ActivityPlanned", try payload(planBytes.bytes, without: 1)), "ActivityPlanned.activityId"),
            (record("V1.ActivityPlanned", try payload(planBytes.bytes, without: 5)), "ActivityPlanned.status"),
            (record("V1.ActivityPlanned", try planWithWrite(without: 1)), "PlannedWrite.syncKey"),
            (record("V1.ActivityPlanned", try planWithWrite(without: 2)), "PlannedWrite.object"),
            (record("V1.ActivityPlanned", try planWithWrite(without: 3)), "PlannedWrite.operation"),
            (
                record("V1.SalesforceRecordChanged", try payload(changeBytes.bytes, without: 1)),
                "SalesforceRecordChange.object"
            ),
            (
                record("V1.SalesforceRecordChanged", try payload(changeBytes.bytes, without: 2)),
                "SalesforceRecordChange.changeType"
            ),
            (
                record("V1.SalesforceRecordChanged", try payload(changeBytes.bytes, without: 4)),
                "SalesforceRecordChange.source"
            ),
            (record("V1.WriteSucceeded", try payload(outcomeBytes.bytes, without: 1)), "WriteSucceeded.syncKey"),
        ]
        let decoder = EventDecoder(cacheSlots: 8)
        for c in cases {
            for decode in [{ try EventEnvelope(binary: c.record) }, { try decoder.decode(c.record) }] {
                do {
                    _ = try decode()
                    Issue.record("accepted a record without \(c.missing)")
                } catch let error as SyncDomainError {
                    #expect(error.code == .missingField, "\(c.missing)")
                    #expect(error.message == "\(c.missing) is missing")
                } catch {
                    Issue.record("not a SyncDomainError: \(error)")
                }
            }
        }
        // The complete records still decode to the values they were made from, after the refusals.
        let complete: [(String, [UInt8], DomainEvent)] = [
            ("V1.ActivityPlanned", planBytes.bytes, .activityPlanned(plan)),
            ("V1.SalesforceRecordChanged", changeBytes.bytes, .salesforceRecordChanged(change)),
            ("V1.WriteSucceeded", outcomeBytes.bytes, .writeSucceeded(outcome)),
        ]
        for (name, bytes, event) in complete {
            #expect(try decoder.decode(record(name, bytes)).event == event)
            #expect(try EventEnvelope(binary: record(name, bytes)).event == event)
        }
    }
}
