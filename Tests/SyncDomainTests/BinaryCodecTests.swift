import PropertyBased
import Testing

@testable import SyncDomain

@Suite("Binary codec: every event round-trips, unknown fields survive, old versions upcast")
struct BinaryCodecTests {
    @Test("every event type round-trips through the binary encoding")
    func everyEventRoundTrips() async {
        await propertyCheck(count: 2000, input: ModelGen.envelope) { envelope in
            let bytes = envelope.binaryEncoded()
            let decoded = try? EventEnvelope(binary: bytes)
            #expect(decoded == envelope)
            // The same bytes lent as a raw buffer (as the log lends them) decode the same.
            let lent = bytes.withUnsafeBytes { try? EventEnvelope(binary: $0) }
            #expect(lent == envelope)
            // Encoding is deterministic: decode + encode gives the same bytes.
            #expect(decoded?.binaryEncoded() == bytes)
        }
    }

    @Test("each of the wire names is produced and decoded", arguments: EventType.allCurrent)
    func everyWireNameIsCovered(type: EventType) throws {
        var r = ModelRandom(rng: seeded(7))
        var found: EventEnvelope? = nil
        for _ in 0..<5000 where found == nil {
            let e = r.envelope()
            if e.type == type { found = e }
        }
        let envelope = try #require(found, "generator never produced \(type)")
        let back = try EventEnvelope(binary: envelope.binaryEncoded())
        #expect(back.type == type)
        #expect(back == envelope)
    }

    @Test("an activity's envelope id is activity/{workspace}/{id} (D1)")
    func activityEnvelopeId() {
        let a = Activity(
            id: "act_0001", workspace: "acme", type: .emailOpened,
            occurredAt: Timestamp(rfc3339: "2026-11-20T15:04:05Z")!, userId: "u_alice")
        let e = EventEnvelope(activity: a, recordedAt: Timestamp(millisecondsSinceEpoch: 1))
        #expect(e.id == EventID("activity/acme/act_0001"))
        #expect(e.type.wireName == "V1.EmailOpened")
        #expect(e.type.version == 1)
        #expect(e.type.name == "EmailOpened")
    }

    @Test("wire names are pinned: they do not follow Swift type names")
    func wireNamesArePinned() {
        let names = EventType.allCurrent.map(\.wireName)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix("V1.") })
        #expect(EventType.activity(.calendarUpserted).wireName == "V1.CalendarEventUpserted")
        #expect(EventType.writeFailed.wireName == "V1.WriteFailed")
    }

    /// Field 99 in the envelope, field 98 in the payload, field 97 inside a nested message.
    @Test("fields written by a newer version survive a decode and re-encode")
    func unknownFieldsSurvive() throws {
        var w = BinaryWriter()
        w.writeString(1, "V1.EmailSent")
        w.writeString(2, "activity/acme/act_1")
        w.writeString(3, "acme")
        w.writeInt(4, Int64(1_700_000_000_000))
        w.writeMessage(5) { p in
            p.writeString(1, "act_1")
            p.writeString(2, "acme")
            p.writeInt(4, Int64(1_700_000_000_000))
            p.writeString(6, "u_alice")
            p.writeMessage(7) { m in
                m.writeString(1, "msg_1")
                m.writeString(4, "Hello")
                m.writeMessage(5) { f in
                    f.writeString(1, "alice@acme.com")
                    f.writeString(97, "a future person field")
                }
                m.writeDouble(96, 2.5)
            }
            p.writeUInt(98, 42)
        }
        w.writeBytes(99, [1, 2, 3])
        let bytes = w.bytes

        let decoded = try EventEnvelope(binary: bytes)
        guard case .activity(let a) = decoded.event else {
            Issue.record("not an activity")
            return
        }
        #expect(a.message?.subject == "Hello")
        #expect(!decoded.unknownFields.isEmpty)
        #expect(!a.unknownFields.isEmpty)
        #expect(!(a.message?.unknownFields.isEmpty ?? true))
        #expect(!(a.message?.from.unknownFields.isEmpty ?? true))

        // Re-encoded and decoded again by this version: still there, byte for byte.
        let again = try EventEnvelope(binary: decoded.binaryEncoded())
        #expect(again == decoded)
        #expect(again.unknownFields == decoded.unknownFields)
        guard case .activity(let a2) = again.event else { return }
        #expect(a2.message?.from.unknownFields == a.message?.from.unknownFields)
        #expect(a2.unknownFields.bytes == a.unknownFields.bytes)
    }

    /// An older layout, `V0.EmailSent`, kept the subject and the sender at the top
    /// level: 1 id, 2 workspace, 3 sentAt (seconds), 4 user, 5 subject, 6 from (string), 7 to (repeated string).
    @Test("an old version is decoded into the current model through its upcaster")
    func upcastOldVersion() throws {
        var w = BinaryWriter()
        w.writeString(1, "V0.EmailSent")
        w.writeString(2, "activity/acme/old_1")
        w.writeString(3, "acme")
        w.writeInt(4, Int64(5))
        w.writeMessage(5) { p in
            p.writeString(1, "old_1")
            p.writeString(2, "acme")
            p.writeInt(3, Int64(1_600_000_000))
            p.writeString(4, "u_alice")
            p.writeString(5, "Legacy subject")
            p.writeString(6, "alice@acme.com")
            p.writeString(7, "bob@globex.com")
            p.writeString(7, "carol@globex.com")
        }
        let bytes = w.bytes

        // Without an upcaster the name is refused with a clear error.
        #expect(throws: SyncDomainError.self) { try EventEnvelope(binary: bytes) }
        do {
            _ = try EventEnvelope(binary: bytes)
        } catch {
            #expect(error.code == .unknownEventType)
            #expect(error.message.contains("V0.EmailSent"))
        }

        var upcasters = EventUpcasters.standard
        upcasters.register(EventType(wireName: "V0.EmailSent")) { payload throws(SyncDomainError) in
            var r = BinaryReader(payload)
            var id = ""
            var workspace = ""
            var seconds: Int64 = 0
            var user = ""
            var subject = ""
            var from = ""
            var to: [String] = []
            while let f = try r.nextField() {
                switch f.number {
                case 1: id = try r.readString(f.wire)
                case 2: workspace = try r.readString(f.wire)
                case 3: seconds = try r.readInt64(f.wire)
                case 4: user = try r.readString(f.wire)
                case 5: subject = try r.readString(f.wire)
                case 6: from = try r.readString(f.wire)
                case 7: to.append(try r.readString(f.wire))
                default:
                    var ignored = UnknownFields()
                    try r.skip(f.wire, into: &ignored)
                }
            }
            return .activity(
                Activity(
                    id: id, workspace: workspace, type: .emailSent,
                    occurredAt: Timestamp(millisecondsSinceEpoch: seconds * 1000), userId: user,
                    message: Message(id: id, subject: subject, from: Person(email: from), to: to.map { Person(email: $0) })))
        }
        let e = try EventEnvelope(binary: bytes, upcasters: upcasters)
        #expect(e.type == .emailSent)  // now stored under the current name
        guard case .activity(let a) = e.event else {
            Issue.record("not an activity")
            return
        }
        #expect(a.message?.subject == "Legacy subject")
        #expect(a.message?.to.map(\.email) == ["bob@globex.com", "carol@globex.com"])
        #expect(a.occurredAt == Timestamp(millisecondsSinceEpoch: 1_600_000_000_000))
        // And it re-encodes as the current version, which decodes without the upcaster.
        #expect(try EventEnvelope(binary: e.binaryEncoded()) == e)
    }

    @Test("every truncation of a valid record is refused, never a crash or a wrong event")
    func truncationsAreRefused() {
        var r = ModelRandom(rng: seeded(11))
        for _ in 0..<40 {
            let e = r.envelope()
            let bytes = e.binaryEncoded()
            for cut in 0..<bytes.count {
                let prefix = Array(bytes[..<cut])
                if let d = try? EventEnvelope(binary: prefix) {
                    // A cut exactly between top-level fields can leave a shorter valid record;
                    // it must then differ (something is missing), never equal the original.
                    #expect(d != e)
                }
            }
        }
    }

    @Test("random garbage bytes never crash the decoder")
    func garbageNeverCrashes() {
        var rng = seeded(3)
        var refused = 0
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...200, using: &rng)
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if (try? EventEnvelope(binary: bytes)) == nil { refused += 1 }
        }
        #expect(refused > 19_000)
    }

    @Test("a flipped byte in a record is either refused or decodes to some event, never crashes")
    func bitFlipsNeverCrash() {
        var r = ModelRandom(rng: seeded(5))
        var rng = seeded(6)
        for _ in 0..<300 {
            var bytes = r.envelope().binaryEncoded()
            let i = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[i] ^= UInt8.random(in: 1...255, using: &rng)
            _ = try? EventEnvelope(binary: bytes)
        }
    }

    /// The varint at the start of `bytes` and how many bytes it took.
    private func readVarint(_ bytes: [UInt8]) -> Result<(value: UInt64, length: Int), SyncDomainError> {
        bytes.withUnsafeBytes { buffer in
            var r = BinaryReader(buffer)
            return Result { () throws(SyncDomainError) in (try r.readVarint(), r.offset) }
        }
    }

    @Test("varints of every width read back, with ten bytes left after them or fewer; eleven-byte and 2^64 ones are refused")
    func varintWidths() throws {
        var values: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, 1_795_305_600_000, UInt64.max, UInt64.max - 1]
        for shift in stride(from: 7, to: 64, by: 7) {
            values += [(1 << UInt64(shift)) - 1, 1 << UInt64(shift), (1 << UInt64(shift)) + 1]
        }
        for value in values {
            var w = BinaryWriter()
            w.writeVarint(value)
            for padding in [0, 3, 12] {
                let read = try readVarint(w.bytes + Array(repeating: 0, count: padding)).get()
                #expect(read.value == value)
                #expect(read.length == w.bytes.count)
            }
        }
        // 2^64 (tenth byte 2), and eleven bytes (tenth byte with its continuation bit).
        let refused: [[UInt8]] = [
            Array(repeating: 0x80, count: 9) + [0x02],
            Array(repeating: 0xFF, count: 10) + [0x01],
        ]
        for bytes in refused {
            for padding in [0, 12] {
                #expect(throws: SyncDomainError.self) { try readVarint(bytes + Array(repeating: 0, count: padding)).get() }
            }
        }
        for length in 1...9 {  // truncated: every byte says more follows
            #expect(throws: SyncDomainError.self) { try readVarint(Array(repeating: 0x80, count: length)).get() }
        }
    }

    @Test("malformed records get the malformed_binary code")
    func malformedCodes() {
        let cases: [[UInt8]] = [
            [0x0A, 0x05, 0x41],  // length past the end
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // varint overflow
            [0x0F],  // wire type 7
        ]
        for bytes in cases {
            do {
                _ = try EventEnvelope(binary: bytes)
                Issue.record("accepted malformed bytes")
            } catch {
                #expect(error.code == .malformedBinary)
            }
        }
        do {
            _ = try EventEnvelope(binary: [])
            Issue.record("accepted empty bytes")
        } catch {
            #expect(error.code == .missingField)
        }
    }

    @Test("an unknown enum raw value in the payload is refused with invalid_value")
    func unknownEnumValue() {
        var w = BinaryWriter()
        w.writeString(1, "V1.WriteFailed")
        w.writeString(2, "x")
        w.writeMessage(5) { p in
            p.writeString(1, "key")
            p.writeString(2, "cosmicRays")
        }
        do {
            _ = try EventEnvelope(binary: w.bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidValue)
            #expect(!error.message.contains("cosmicRays"))
        }
    }

    @Test("a nested message longer than 127 bytes gets a multi-byte length")
    func longNestedMessage() throws {
        let subject = String(repeating: "s", count: 20_000)
        let a = Activity(
            id: "a", workspace: "w", type: .emailSent, occurredAt: Timestamp(millisecondsSinceEpoch: 0), userId: "u",
            message: Message(id: "m", subject: subject, from: Person(email: "a@b.co"), to: []))
        let e = EventEnvelope(activity: a, recordedAt: Timestamp(millisecondsSinceEpoch: 0))
        #expect(try EventEnvelope(binary: e.binaryEncoded()) == e)
    }
}
