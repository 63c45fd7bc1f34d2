/// W4: the sync's share of the org's daily API allowance, from `Sforce-Limit-Info` on every response.
///
/// A reserve (default 20% of the daily maximum) is never spent by the sync: ``allows(calls:)`` says
/// no once `used + calls` would reach into it, and the caller pauses its writes.
public struct APIBudget: Sendable, Hashable {
    /// Percent of the daily maximum kept for the org's other integrations (0...100).
    public var reservePercent: Int
    /// The last usage Salesforce reported (nil before the first response).
    public private(set) var usage: APIUsage?

    public init(reservePercent: Int = 20) {
        self.reservePercent = min(100, max(0, reservePercent))
    }

    /// Calls the sync may still make before the reserve: `max - reserve - used` (nil: unknown).
    public var available: Int? {
        guard let usage else { return nil }
        return usage.max - reserveCalls(of: usage.max) - usage.used
    }

    func reserveCalls(of max: Int) -> Int { (max * reservePercent + 99) / 100 }

    /// Whether `calls` more calls stay outside the reserve (true while usage is unknown).
    public func allows(calls: Int = 1) -> Bool {
        guard let available else { return true }
        return calls <= available
    }

    /// Takes a response's `Sforce-Limit-Info` (the latest answer wins: the window is rolling, so usage
    /// also falls when old calls leave it).
    public mutating func observe(_ observed: APIUsage) { usage = observed }

    /// Replaces the usage outright (e.g. from `GET /limits`).
    public mutating func reset(to observed: APIUsage) { usage = observed }
}
