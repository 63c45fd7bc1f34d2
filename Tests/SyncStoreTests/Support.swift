import Foundation
import SyncDomain
import SyncStore

/// A fresh data directory per test, removed afterwards.
func withTemporaryStore<T>(_ body: (SyncStore, String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("synclog-store-\(UUID().uuidString)").path
    let store = try SyncStore(directory: directory)
    defer {
        store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
    return try await body(store, directory)
}

let fixedNow = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

/// The contract's example activity (section 1), with its id and subject replaceable.
func sentEmail(id: String, workspace: String = "acme", subject: String = "Pricing for 2027", to: String = "bob@globex.com") -> String {
    """
    {"id":"\(id)","workspace":"\(workspace)","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u_alice",\
    "message":{"id":"msg_\(id)","threadId":"thr_1","rfc822Id":"<a1@mail.acme.com>","subject":"\(subject)",\
    "from":{"email":"alice@acme.com","name":"Alice Ng"},"to":[{"email":"\(to)","name":"Bob Li"}],"cc":[],"bcc":[],\
    "isReply":false,"sentWithProduct":true,"client":"gmail","sequence":{"id":"seq_9","name":"Q4 Renewals","stage":2}}}
    """
}

/// A `calendar.upserted` of meeting `meetingId` that `attendee` attends (contract section 1).
func calendarEvent(id: String, meetingId: String = "cal_1", start: String, attendee: String = "bob@globex.com") -> String {
    """
    {"id":"\(id)","workspace":"acme","type":"calendar.upserted","occurredAt":"2026-11-20T15:04:05Z","userId":"u_alice",\
    "meeting":{"id":"\(meetingId)","title":"Renewal","start":"\(start)","end":"\(start)","allDay":false,"calendar":"primary",\
    "organizer":{"email":"alice@acme.com","name":"Alice Ng"},"attendees":[{"email":"\(attendee)","name":"Bob Li"}]}}
    """
}

/// A `calendar.deleted` of meeting `meetingId`.
func calendarCancel(id: String, meetingId: String = "cal_1") -> String {
    """
    {"id":"\(id)","workspace":"acme","type":"calendar.deleted","occurredAt":"2026-11-20T16:04:05Z","userId":"u_alice","meeting":{"id":"\(meetingId)"}}
    """
}

/// The contract's example Salesforce change (section 3).
func contactChange(id: String = "003000000000001AAA", email: String = "bob@globex.com", stamp: String = "2026-11-20T15:00:00.000+0000") -> String {
    """
    {"object":"Contact","changeType":"UPDATE","record":{"Id":"\(id)","Email":"\(email)",\
    "AccountId":"001000000000001AAA","SystemModstamp":"\(stamp)"},"source":"realtime","commitTimestamp":"2026-11-20T15:00:00Z"}
    """
}

func lines(_ texts: [String]) -> [InputLines.Line] {
    InputLines.lines(in: Array(texts.joined(separator: "\n").utf8))
}

/// The contract's example workspace configuration (section 2), trimmed to what matters.
func configuration(workspace: String = "acme", firstOnly: Bool = true) -> String {
    """
    {"workspace":"\(workspace)","internalDomains":["acme.com"],"excludedAddresses":["ceo-personal@gmail.com"],
     "excludedDomains":["partner-agency.com"],"systemLocalParts":null,"defaultRole":"sales",
     "roles":{"sales":{"log":{"sent":true,"received":true,"opened":true,"replied":true,"clicked":true,"downloaded":true,
                              "bounced":true,"meetings":true,"tasks":true},
                       "firstOnly":\(firstOnly),"syncUnresolved":false,"syncAllMessages":false,
                       "relatedObjects":{"standard":true,"onlyOwnedOpportunities":false,"allAccountOpportunities":false,
                                         "closedOpportunities":false,"rollupToPrimaryAccount":false,"custom":[]},
                       "membersManageOwnSettings":false}},
     "users":[{"id":"u_alice","email":"alice@acme.com","salesforceUserId":"005000000000001AAA","role":"sales",
               "timeZone":"America/Los_Angeles","settings":null}]}
    """
}
