import Foundation
import Testing

@_spi(Testing) import EventLog

@Suite("Errors name the directory and the problem, never the data")
struct ErrorTests {
    @Test("Opening a path that is a file fails with the path and 'not a directory'")
    func openFile() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/plain-file"
            _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
            let error = try #require(throws: EventLogError.self) { try EventLog(directory: file) }
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains(file))
            #expect(error.message.contains("not a directory"))
            #expect(error.description.contains(file))
        }
    }

    @Test("Opening under a file fails clearly")
    func openUnderFile() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/plain-file"
            _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
            let error = try #require(throws: EventLogError.self) { try EventLog(directory: file + "/log") }
            #expect(error.code == .cannotOpen)
            #expect(error.message.contains(file + "/log"))
        }
    }

    @Test("The same directory cannot be opened twice in one process, and can after close")
    func openTwice() async throws {
        try await withTemporaryDirectory { directory in
            let first = try EventLog(directory: directory)
            let error = try #require(throws: EventLogError.self) { try EventLog(directory: directory + "/.") }
            #expect(error.code == .alreadyOpen)
            #expect(error.message.contains(directory))
            first.close()
            let second = try EventLog(directory: directory)
            second.close()
        }
    }

    @Test("Invalid event ids are refused without echoing them")
    func invalidIDs() async throws {
        try await withTemporaryLog { log, directory in
            let empty = await #expect(throws: EventLogError.self) { try await log.append(NewEvent(id: "", payload: [])) }
            #expect(empty?.code == .invalidEventID)

            let secret = "jane.doe@example.com-" + String(repeating: "x", count: 600)
            let long = await #expect(throws: EventLogError.self) {
                try await log.append(contentsOf: [sampleEvent(1), NewEvent(id: secret, payload: [])])
            }
            #expect(long?.code == .invalidEventID)
            #expect(long?.message.contains("jane.doe") == false)
            #expect(long?.message.contains("621 bytes") == true)
            // Nothing of the refused batch was stored.
            let lastPosition = try log.lastPosition()
            let secretPosition = try log.position(ofEventID: secret)
            #expect(lastPosition == 0)
            #expect(secretPosition == nil)

            let name = await #expect(throws: EventLogError.self) { try await log.saveCheckpoint("", position: 0, snapshot: []) }
            #expect(name?.code == .invalidName)
        }
    }

    @Test("A closed log refuses appends and reads")
    func closed() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory)
            _ = try await log.append(sampleEvent(1))
            log.close()
            log.close()
            let append = await #expect(throws: EventLogError.self) { try await log.append(sampleEvent(2)) }
            #expect(append?.code == .closed)
            #expect(append?.message.contains(directory) == true)
            let read = #expect(throws: EventLogError.self) { try log.lastPosition() }
            #expect(read?.code == .closed)
        }
    }

    @Test("Appends queued before close are committed")
    func closeDrainsQueue() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory)
            let appends = (0..<200).map { index in Task { try await log.append(sampleEvent(index)) } }
            try await Task.sleep(for: .milliseconds(5))
            log.close()
            var acknowledged: [UInt64] = []
            for task in appends {
                if let result = try? await task.value { acknowledged.append(result.position) }
            }
            let reopened = try EventLog(directory: directory)
            defer { reopened.close() }
            #expect(try reopened.lastPosition() == UInt64(acknowledged.count))
            #expect(acknowledged.sorted() == Array(1...UInt64(acknowledged.count)) || acknowledged.isEmpty)
        }
    }

    @Test("A failed commit stops the writer: that append and every later one throw, reads go on")
    func commitFailureIsFatal() async throws {
        try await withTemporaryDirectory { directory in
            let log = try EventLog(directory: directory)
            _ = try await log.append(sampleEvent(1))
            log.failNextCommit(returnCode: EIO)
            let failed = await #expect(throws: EventLogError.self) { try await log.append(sampleEvent(2)) }
            #expect(failed?.code == .writerStopped)
            #expect(failed?.returnCode == EIO)
            #expect(failed?.message.contains(directory) == true)
            let later = await #expect(throws: EventLogError.self) { try await log.append(sampleEvent(3)) }
            #expect(later?.code == .writerStopped)
            let checkpoint = await #expect(throws: EventLogError.self) {
                try await log.saveCheckpoint("x", position: 1, snapshot: [])
            }
            #expect(checkpoint?.code == .writerStopped)
            #expect(try log.lastPosition() == 1)
            log.close()

            let reopened = try EventLog(directory: directory)
            defer { reopened.close() }
            #expect(try allEvents(reopened).map(\.id) == ["evt-1"])
            #expect(try await reopened.append(sampleEvent(2)) == .appended(position: 2))
        }
    }
}
