import Foundation
import Synchronization

/// The org behind one emulator: the ``OrgState`` value behind a lock. Tests and the HTTP layer
/// share it; every admin change can be made here directly too.
///
/// ```swift
/// let org = try EmulatorOrg(fixture: OrgFixture.load(path: "org.json"))
/// let token = org.issueAccessToken()
/// ```
public final class EmulatorOrg: Sendable {
    let state: Mutex<OrgState>

    public init(fixture: OrgFixture) throws(EmulatorError) {
        state = Mutex(try OrgState(fixture: fixture))
    }

    public init(state: OrgState) {
        self.state = Mutex(state)
    }

    /// Runs `body` with exclusive access to the org.
    public func withState<R>(_ body: (inout OrgState) throws -> R) rethrows -> R {
        try state.withLock { try body(&$0) }
    }

    /// The emulator's clock now (ms since 1970).
    public func now() -> Int64 { withState { $0.clock.now(real: EmulatorClock.realNow()) } }

    /// An access token for the integration user (or `userId`), as the token endpoint would give.
    public func issueAccessToken(userId: String? = nil) -> String {
        withState { s in s.issueAccessToken(userId: userId ?? s.integrationUserId, now: s.clock.now(real: EmulatorClock.realNow())) }
    }

    /// Answers one REST request (no HTTP involved).
    public func handle(_ request: APIRequest) -> APIResponse {
        withState { s in s.handle(request, now: s.clock.now(real: EmulatorClock.realNow())) }
    }

    /// Every record of `object`, deleted ones included.
    public func records(of object: String) -> [StoredRecord] { withState { $0.allRecords(of: object) } }

    /// One record by id.
    public func record(id: String) -> StoredRecord? { withState { $0.record(id: id) } }

    /// API calls counted against the daily limit in the last 24 hours.
    public func apiUsage() -> Int { withState { $0.apiUsage(now: $0.clock.now(real: EmulatorClock.realNow())) } }

    /// Every call received.
    public func calls() -> [CallRecord] { withState { $0.calls } }
}
