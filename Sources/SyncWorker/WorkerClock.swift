public import SyncDomain
import Foundation

/// Where the worker reads time from (injected so tests can move it).
public protocol WorkerClock: Sendable {
    func now() -> Timestamp
    /// Waits until `deadline` (a virtual clock just moves there).
    func sleep(until deadline: Timestamp) async throws
}

/// The system's wall clock.
public struct SystemWorkerClock: WorkerClock {
    public init() {}
    public func now() -> Timestamp { Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)) }
    public func sleep(until deadline: Timestamp) async throws {
        let ms = deadline.millisecondsSinceEpoch - now().millisecondsSinceEpoch
        if ms > 0 { try await Task.sleep(for: .milliseconds(ms)) }
    }
}

/// A random source in [0, 1) (injected: jitter in tests repeats).
public protocol RandomSource: Sendable {
    func next() -> Double
}

public struct SystemRandomSource: RandomSource {
    public init() {}
    public func next() -> Double { Double.random(in: 0..<1) }
}
