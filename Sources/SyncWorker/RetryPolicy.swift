public import SyncDomain

/// W2: exponential backoff with full jitter ("sleep = random(0, min(cap, base * 2^attempt))"),
/// bounded attempts; after the last one the failure is permanent.
public struct RetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseDelayMilliseconds: Int64
    public var maxDelayMilliseconds: Int64

    public init(maxAttempts: Int = 8, baseDelayMilliseconds: Int64 = 2_000, maxDelayMilliseconds: Int64 = 15 * 60_000) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMilliseconds = max(1, baseDelayMilliseconds)
        self.maxDelayMilliseconds = max(self.baseDelayMilliseconds, maxDelayMilliseconds)
    }

    /// When to try again after failed attempt number `attempt` (1-based); nil after the last attempt.
    /// `random` is in [0, 1).
    public func nextAttempt(after attempt: Int, at now: Timestamp, random: Double) -> Timestamp? {
        guard attempt < maxAttempts else { return nil }
        let exponent = min(attempt - 1, 30)
        let ceiling = min(maxDelayMilliseconds, baseDelayMilliseconds << Int64(exponent))
        let delay = Int64((Double(ceiling) * min(max(random, 0), 0.999_999)).rounded(.down)) + 1
        return Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + delay)
    }
}
