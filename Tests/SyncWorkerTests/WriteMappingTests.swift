import Salesforce
import SyncDomain
import SyncWorker
import Testing

@Suite("Pure parts of the dispatcher: batching (W7), record mapping (W1, T1), backoff (W2)")
struct WriteMappingTests {
    func entry(_ key: String, what: String? = nil, object: WriteObject = .task, operation: WriteOperation = .upsert,
               salesforceId: String? = nil, plannedAt: UInt64 = 1) -> Outbox.Entry {
        var fields = [WriteField("Subject", .string("Sent (New): x")), WriteField("TaskSubtype", .string("Email")),
                      WriteField("ActivityDate", .date(LocalDate(year: 2026, month: 11, day: 20)!)),
                      WriteField("OwnerId", .string("005000000000001AAA"))]
        if let what { fields.append(WriteField("WhatId", .string(what))) }
        // Entries come from the Outbox projection itself (its initialiser is internal).
        let write = PlannedWrite(syncKey: key, object: object, operation: operation, fields: fields)
        var outbox = Outbox.initial
        if let salesforceId {
            var first = write
            first.fields.append(WriteField("Description", .string("earlier version")))
            outbox.evolve(ActivityPlanned(activityId: "a_" + key, activityPosition: 1, writes: [first], reasons: [], status: .pending),
                          previousKeys: [], at: plannedAt)
            outbox.evolve(WriteSucceeded(syncKey: key, salesforceId: salesforceId, created: true))
        }
        outbox.evolve(ActivityPlanned(activityId: "a_" + key, activityPosition: 1, writes: [write], reasons: [], status: .pending),
                      previousKeys: salesforceId == nil ? [] : [key], at: plannedAt + 1)
        return outbox.entries[key]!
    }

    @Test("W7: at most 200 per batch, one object and operation per batch")
    func batchSizes() {
        let tasks = (0..<450).map { entry("t\($0)") }
        let events = (0..<10).map { entry("e\($0)", object: .event) }
        let batches = WriteMapping.batches(tasks + events, externalIdField: "Synclog_Key__c")
        #expect(batches.map(\.entries.count) == [200, 200, 50, 10])
        #expect(batches[3].kind == .upsertByKey(object: "Event", field: "Synclog_Key__c"))
        let mixed = WriteMapping.batches([entry("c"), entry("u", salesforceId: "00T000000000001AAA"), entry("d", operation: .delete, salesforceId: "00T000000000002AAA")],
                                         externalIdField: nil)
        #expect(mixed.map(\.kind) == [.create(object: "Task"), .update(object: "Task"), .delete])
    }

    @Test("W7: writes touching the same parent stay in one batch")
    func parentsTogether() {
        var entries: [Outbox.Entry] = (0..<150).map { entry("a\($0)", what: "001000000000001AAA") }
        entries += (0..<100).map { entry("b\($0)", what: "001000000000002AAA") }
        entries += (0..<60).map { entry("c\($0)", what: "001000000000001AAA") }
        let batches = WriteMapping.batches(entries, externalIdField: "K__c")
        for b in batches {
            let parents = Set(b.entries.compactMap { if case .string(let w)? = $0.write[field: "WhatId"] { w } else { nil } })
            for p in parents {
                let everywhere = batches.filter { $0.entries.contains { if case .string(let w)? = $0.write[field: "WhatId"] { w == p } else { false } } }
                #expect(everywhere.count <= (p == "001000000000001AAA" ? 2 : 1))  // 210 records of one parent need two
            }
        }
        #expect(batches.allSatisfy { $0.entries.count <= 200 })
        #expect(batches.map(\.entries.count).reduce(0, +) == 310)
    }

    @Test("W1: upsert records carry the sync key; creates never do; updates drop create-only fields")
    func records() {
        let e = entry("k1")
        let upsert = WriteMapping.record(for: e, kind: .upsertByKey(object: "Task", field: "Synclog_Key__c"), syncKeyField: "Synclog_Key__c",
                                         hidden: { _ in false }, ownerOverride: nil)
        #expect(upsert.collectionJSON.text() == #"{"ActivityDate":"2026-11-20","OwnerId":"005000000000001AAA","Subject":"Sent (New): x","Synclog_Key__c":"k1","TaskSubtype":"Email","attributes":{"type":"Task"}}"#)
        let create = WriteMapping.record(for: e, kind: .create(object: "Task"), syncKeyField: "Synclog_Key__c", hidden: { $0 == "TaskSubtype" },
                                         ownerOverride: "005900000000001AAA")
        #expect(create.collectionJSON.text() == #"{"ActivityDate":"2026-11-20","OwnerId":"005900000000001AAA","Subject":"Sent (New): x","attributes":{"type":"Task"}}"#)
        let update = WriteMapping.record(for: entry("k1", salesforceId: "00T000000000001AAA"), kind: .update(object: "Task"),
                                         syncKeyField: "Synclog_Key__c", hidden: { _ in false }, ownerOverride: nil)
        #expect(update["Id"]?.stringValue == "00T000000000001AAA")
        #expect(update["TaskSubtype"] == nil)
    }

    @Test("W2: exponential backoff with full jitter, bounded attempts")
    func backoff() {
        let p = RetryPolicy(maxAttempts: 4, baseDelayMilliseconds: 1000, maxDelayMilliseconds: 3000)
        let t = Timestamp(millisecondsSinceEpoch: 0)
        #expect(p.nextAttempt(after: 1, at: t, random: 0.5)?.millisecondsSinceEpoch == 501)
        #expect(p.nextAttempt(after: 2, at: t, random: 0.5)?.millisecondsSinceEpoch == 1001)
        #expect(p.nextAttempt(after: 3, at: t, random: 0.99)?.millisecondsSinceEpoch == 2971)  // capped at 3 s
        #expect(p.nextAttempt(after: 1, at: t, random: 0)?.millisecondsSinceEpoch == 1)
        #expect(p.nextAttempt(after: 4, at: t, random: 0.5) == nil)
    }
}
