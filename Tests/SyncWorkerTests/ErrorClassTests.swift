import Foundation
import NIOHTTP1
import Salesforce
import SalesforceEmulator
import SyncDomain
import SyncStore
import SyncWorker
import SyncWorkloads
import Testing

/// How a write injected with an error must end.
enum Ending: String, Sendable {
    /// Retried (W2, W3 refresh) and written.
    case written
    /// Paused for the quota (W4), resumed when the window frees, then written.
    case pausedThenWritten
    /// Failed for good with Salesforce's message in the activity log (W5).
    case failedWithMessage
}

@Suite("Every error class of salesforce.md's table, injected by the emulator's fault rules, ends correctly", .serialized)
struct ErrorClassTests {
    @Test("injected error -> ending", arguments: [
        ("UNABLE_TO_LOCK_ROW", 400, "unable to obtain exclusive access to this record", Ending.written),
        ("ALL_OR_NONE_OPERATION_ROLLED_BACK", 400, "Record rolled back because not all records were valid", .written),
        ("SERVER_UNAVAILABLE", 503, "Server unavailable", .written),
        ("UNKNOWN_EXCEPTION", 500, "An unexpected error occurred", .written),
        ("REQUEST_LIMIT_EXCEEDED", 403, "ConcurrentPerOrgLongTxn Limit exceeded.", .written),
        ("INVALID_SESSION_ID", 401, "Session expired or invalid", .written),
        ("REQUEST_LIMIT_EXCEEDED", 403, "TotalRequests Limit exceeded.", .pausedThenWritten),
        ("FIELD_CUSTOM_VALIDATION_EXCEPTION", 400, "Opportunity rollup: Amount must be set", .failedWithMessage),
        ("CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", 400, "MyTrigger: execution of AfterInsert caused by: System.DmlException", .failedWithMessage),
        ("REQUIRED_FIELD_MISSING", 400, "Required fields are missing: [Status]", .failedWithMessage),
        ("STRING_TOO_LONG", 400, "Subject: data value too large", .failedWithMessage),
        ("DUPLICATES_DETECTED", 400, "Use one of these records?", .failedWithMessage),
    ])
    func ends(code: String, status: Int, message: String, ending: Ending) async throws {
        let (events, users) = scenario(emails: 6)
        let h = try await WorkerHarness.start(events: events, users: users)
        try await h.fault(#"{"path":"/composite/sobjects","errorCode":"\#(code)","status":\#(status),"message":"\#(message)","times":1}"#)
        let first = try await h.dispatcher().dispatchUntilIdle()
        var ws = try await h.state()
        switch ending {
        case .written:
            #expect(ws.entries(.written).count == 6, "\(ws.outboxSummary)")
            #expect(h.live("Task").count == 6)
        case .pausedThenWritten:
            #expect(first.paused)
            #expect(ws.outbox.paused)
            #expect(ws.entries(.written).isEmpty)
            h.clock.advance(milliseconds: 16 * 60_000)
            let second = try await h.dispatcher().dispatchUntilIdle()
            ws = try await h.state()
            #expect(!second.paused)
            #expect(ws.entries(.written).count == 6, "\(ws.outboxSummary)")
            #expect(h.live("Task").count == 6)
        case .failedWithMessage:
            let failed = ws.entries(.failedPermanent)
            #expect(failed.count == 6, "\(ws.outboxSummary)")
            #expect(failed.allSatisfy { $0.lastErrorCode == code && $0.lastError == message })
            let log = try #require(ws.activityLog.entries["act_0"])
            #expect(ws.status(of: log) == .error)
            #expect(h.live("Task").isEmpty)
        }
        await h.stop()
    }
}
