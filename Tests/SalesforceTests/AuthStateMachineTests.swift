import Synchronization
import Testing

@testable import Salesforce

@Suite("W3: the refresh state machine (one refresh at a time, replay once)")
struct AuthStateMachineTests {
    let t1 = AccessToken(value: "a", instanceURL: "https://x", generation: 1)
    let t2 = AccessToken(value: "b", instanceURL: "https://x", generation: 2)

    @Test("first call refreshes; others wait; the token is then used")
    func firstToken() {
        var m = AuthStateMachine()
        #expect(m.tokenNeeded() == .refresh(generation: 1))
        #expect(m.tokenNeeded() == .wait)
        #expect(m.refreshed(t1) == .use(t1))
        #expect(m.tokenNeeded() == .use(t1))
    }

    @Test("a 401 refreshes once; a stale 401 replays with the newer token")
    func rejection() {
        var m = AuthStateMachine()
        _ = m.tokenNeeded()
        _ = m.refreshed(t1)
        #expect(m.rejected(t1) == .refresh(generation: 2))
        #expect(m.rejected(t1) == .wait)
        _ = m.refreshed(t2)
        #expect(m.rejected(t1) == .use(t2))
    }

    @Test("a refused refresh leaves the connection needing re-authorisation until reauthorised")
    func refusal() {
        var m = AuthStateMachine()
        _ = m.tokenNeeded()
        let f = SalesforceFailure(errorCode: "invalid_grant", message: "expired access/refresh token", httpStatus: 400, errorClass: .auth)
        #expect(m.refreshFailed(f) == .fail(f))
        #expect(m.tokenNeeded() == .fail(f))
        m.reauthorised()
        #expect(m.tokenNeeded() == .refresh(generation: 2))
    }

    @Test("an unreachable token endpoint is transient: the next call tries again")
    func transientRefresh() {
        var m = AuthStateMachine()
        _ = m.tokenNeeded()
        let f = SalesforceFailure(errorCode: "TRANSPORT", message: "down", httpStatus: 0, errorClass: .transient)
        #expect(m.refreshFailed(f) == .fail(f))
        #expect(m.tokenNeeded() == .refresh(generation: 2))
    }

    @Test("the actor runs one grant for many concurrent callers")
    func oneGrant() async {
        let grants = Atomic<Int>(0)
        let auth = Authenticator { generation in
            grants.add(1, ordering: .relaxed)
            try? await Task.sleep(for: .milliseconds(50))
            return .success(AccessToken(value: "t\(generation)", instanceURL: "https://x", generation: generation))
        }
        let tokens = await withTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { (try? await auth.token().get().value) ?? "" } }
            return await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens == ["t1"])
        #expect(grants.load(ordering: .relaxed) == 1)
    }
}

@Suite("W4: the API budget keeps the reserve")
struct APIBudgetTests {
    @Test("20% of 1,000 is kept: 800 may be used")
    func reserve() {
        var b = APIBudget(reservePercent: 20)
        #expect(b.allows(calls: 1_000_000))  // unknown yet
        b.observe(APIUsage(used: 799, max: 1000))
        #expect(b.allows(calls: 1))
        #expect(!b.allows(calls: 2))
        b.observe(APIUsage(used: 800, max: 1000))
        #expect(!b.allows(calls: 1))
        b.observe(APIUsage(used: 10, max: 1000))  // the window moved
        #expect(b.available == 790)
    }
}
