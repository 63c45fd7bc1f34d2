import Foundation
import SyncDomain
import SyncStore
import Testing

@Suite("Data directory: configure, replay, checkpoints, backup")
struct StoreTests {
    @Test("configure appends only what differs, and says what changed")
    func configureAppendsChanges() async throws {
        try await withTemporaryStore { store, _ in
            let first = try await store.configure(Array(configuration().utf8), source: "w.json", now: fixedNow)
            #expect(first.map(\.appended) == [true])
            let same = try await store.configure(Array(configuration().utf8), source: "w.json", now: fixedNow)
            #expect(same.map(\.appended) == [false])
            let changed = try await store.configure(Array(configuration(firstOnly: false).utf8), source: "w.json", now: fixedNow)
            #expect(changed.map(\.appended) == [true])
            #expect(changed[0].changes.contains { $0.contains("firstOnly") })
            let inForce = try #require(try store.configurationInForce(workspace: "acme"))
            #expect(inForce.revision == 2)
            #expect(try store.configuredWorkspaces() == ["acme"])
            // Going back to the first settings is a change too (a third revision, not a duplicate).
            let back = try await store.configure(Array(configuration().utf8), source: "w.json", now: fixedNow)
            #expect(back.map(\.appended) == [true])
        }
    }

    @Test("an invalid configuration is refused whole and kept as a dead letter")
    func invalidConfiguration() async throws {
        try await withTemporaryStore { store, _ in
            await #expect(throws: SyncStoreError.self) {
                try await store.configure(Array("{\"workspace\":7}".utf8), source: "bad.json", now: fixedNow)
            }
            let letters = try store.deadLetters()
            let last = try store.lastPosition()
            #expect(letters.map(\.kind) == ["configuration"])
            #expect(last == 0)
        }
    }

    @Test("replay folds every event; the checkpoint plus the tail equals a full replay; verify agrees")
    func replayAndVerify() async throws {
        try await withTemporaryStore { store, _ in
            let batch = (1...50).map { sentEmail(id: "act_\($0)") }
            _ = try await store.ingestActivities(lines(batch), source: "a", now: fixedNow)
            let checkpointed = try await store.current(EventCounts.self)
            #expect(checkpointed.total == 50)
            _ = try await store.ingestActivities(lines((51...80).map { sentEmail(id: "act_\($0)") }), source: "b", now: fixedNow)
            let caughtUp = try await store.current(EventCounts.self, saving: false)
            let (replayed, report) = try store.replay(EventCounts.self)
            #expect(caughtUp == replayed)
            #expect(report.events == 80)
            #expect(replayed.count(of: .emailSent) == 80)
            #expect(try store.verify(EventCounts.self) == nil)
        }
    }

    @Test("backup while a writer runs gives an openable copy with the events acknowledged before it")
    func backupWhileWriting() async throws {
        try await withTemporaryStore { store, directory in
            _ = try await store.ingestActivities(lines((1...100).map { sentEmail(id: "act_\($0)") }), source: "a", now: fixedNow)
            let writer = Task {
                for round in 0..<20 {
                    _ = try await store.ingestActivities(
                        lines((0..<50).map { sentEmail(id: "w\(round)_\($0)") }), source: "w", now: fixedNow)
                }
            }
            let destination = directory + "-backup"
            defer { try? FileManager.default.removeItem(atPath: destination) }
            try store.backup(to: destination)
            try await writer.value
            let copy = try SyncStore(directory: destination)
            defer { copy.close() }
            let copied = try copy.lastPosition()
            #expect(copied >= 100)
            #expect(try copy.replay(EventCounts.self).report.events == Int(copied))
        }
    }
}
