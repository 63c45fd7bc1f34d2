import SyncDomain

/// A deterministic log-like workload for the codec benchmarks: a mix of the
/// events a busy workspace appends (activities, plans, outcomes, Salesforce
/// changes), encoded back to back as the log would store them.
struct CodecWorkload {
    /// All records, concatenated.
    var bytes: [UInt8]
    /// Start offset and length of each record in `bytes`.
    var records: [(offset: Int, count: Int)]
    /// The same activities as contract JSON lines, for the JSON path.
    var activityLines: [[UInt8]]

    /// `count` events; one in `jsonEvery` is also kept as a JSON line.
    init(count: Int, jsonLines: Int = 100_000) {
        var w = BinaryWriter(capacity: count * 220)
        var records: [(offset: Int, count: Int)] = []
        records.reserveCapacity(count)
        var lines: [[UInt8]] = []
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let base: Int64 = 1_795_305_600_000
        for i in 0..<count {
            let start = w.bytes.count
            let t = Timestamp(millisecondsSinceEpoch: base + Int64(i) * 1000)
            let envelope: EventEnvelope
            switch i % 10 {
            case 0, 1, 2, 3:  // activities: sent emails and their opens/clicks
                let a = Self.activity(i, next(), t)
                if lines.count < jsonLines { lines.append(ActivityJSON.jsonValue(a).jsonBytes()) }
                envelope = EventEnvelope(activity: a, recordedAt: t)
            case 4, 5:
                envelope = EventEnvelope(
                    id: EventID("plan/acme/act_\(i - 4)"), workspace: "acme", recordedAt: t,
                    event: .activityPlanned(
                        ActivityPlanned(
                            activityId: "act_\(i - 4)", activityPosition: UInt64(i - 4),
                            writes: [
                                PlannedWrite(
                                    syncKey: "sk_\(i)_\(next())", object: .task, operation: .upsert,
                                    fields: [
                                        WriteField("Subject", .string("Sent (New): Pricing for 2027")),
                                        WriteField("WhoId", .string("003000000000001AAA")),
                                        WriteField("WhatId", .string("006000000000001AAA")),
                                        WriteField("OwnerId", .string("005000000000001AAA")),
                                        WriteField("Type", .string("Email")),
                                        WriteField("Status", .string("Completed")),
                                        WriteField("ActivityDate", .date(LocalDate(daysSinceEpoch: 20_777))),
                                    ])
                            ],
                            reasons: [Reason(rule: "R6", text: "opportunity via contact role (primary)")],
                            status: .pending)))
            case 6, 7:
                envelope = EventEnvelope(
                    id: EventID("outcome/acme/\(i)"), workspace: "acme", recordedAt: t,
                    event: .writeSucceeded(
                        WriteSucceeded(
                            syncKey: "sk_\(i)", salesforceId: "00T00000000\(100_000 + i % 100_000)AAA", created: true)))
            default:
                envelope = EventEnvelope(
                    id: EventID("change/acme/\(i)"), workspace: "acme", recordedAt: t,
                    event: .salesforceRecordChanged(
                        SalesforceRecordChange(
                            object: "Contact", changeType: .update,
                            record: SalesforceRecord(fields: [
                                .init("Id", .string("003000000000\(100_000 + i % 100_000)")),
                                .init("Email", .string("person\(next() % 5000)@globex.com")),
                                .init("AccountId", .string("001000000000001AAA")),
                                .init("SystemModstamp", .string("2026-11-20T15:00:00.000+0000")),
                            ]), source: .poll, commitTimestamp: t)))
            }
            envelope.encode(to: &w)
            records.append((start, w.bytes.count - start))
        }
        self.bytes = w.bytes
        self.records = records
        self.activityLines = lines
    }

    static func activity(_ i: Int, _ r: UInt64, _ t: Timestamp) -> Activity {
        let message = Message(
            id: "msg_\(i / 4)", threadId: "thr_\(i / 4)", rfc822Id: "<m\(i / 4)@mail.acme.com>",
            subject: "Pricing for 2027", from: Person(email: "alice@acme.com", name: "Alice Ng"),
            to: [Person(email: "bob\(r % 1000)@globex.com", name: "Bob Li"), Person(email: "carol@globex.com")],
            cc: [], bcc: [], isReply: false, sentWithProduct: true, client: "gmail",
            sequence: r % 3 == 0 ? SequenceRef(id: "seq_9", name: "Q4 Renewals", stage: 2) : nil)
        let type: ActivityType =
            i % 4 == 0 ? .emailSent : (i % 4 == 1 ? .emailOpened : (i % 4 == 2 ? .emailClicked : .emailSent))
        return Activity(
            id: "act_\(i)", workspace: "acme", type: type, occurredAt: t, userId: "u_alice", message: message,
            recipient: type == .emailSent ? nil : Person(email: "carol@globex.com"),
            url: type == .emailClicked ? "https://acme.com/pricing" : nil)
    }

    /// Decodes every record from the one buffer, as a replay over the log does. Returns a
    /// checksum (a bit of each record's time: `hashValue` cost ~90 instructions a record,
    /// over 1% of what is measured).
    func decodeAll() throws -> Int {
        var sum = 0
        try bytes.withUnsafeBytes { all in
            for r in records {
                let e = try EventEnvelope(
                    binary: UnsafeRawBufferPointer(rebasing: all[r.offset..<(r.offset + r.count)]))
                sum &+= Int(truncatingIfNeeded: e.recordedAt.millisecondsSinceEpoch) & 1
            }
        }
        return sum
    }

    /// The same as ``decodeAll()`` with one ``EventDecoder`` for the whole scan (as a replay
    /// holds one), so repeated strings are shared between records. Returns a checksum.
    func decodeAllWithDecoder() throws -> Int {
        var sum = 0
        let decoder = EventDecoder()
        try bytes.withUnsafeBytes { all in
            for r in records {
                let e = try decoder.decode(UnsafeRawBufferPointer(rebasing: all[r.offset..<(r.offset + r.count)]))
                sum &+= Int(truncatingIfNeeded: e.recordedAt.millisecondsSinceEpoch) & 1
            }
        }
        return sum
    }

    /// Validates and decodes every JSON line with the runtime validator. Returns the number accepted.
    func decodeAllJSON() -> Int {
        var accepted = 0
        for line in activityLines {
            if case .success = ActivityJSON.decode(line) { accepted += 1 }
        }
        return accepted
    }
}
