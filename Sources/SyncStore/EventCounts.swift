public import SyncDomain
import Foundation

/// The simplest projection: how many events of each type, per workspace.
public struct EventCounts: Sendable, Equatable {
    /// workspace -> wire name -> count.
    public var byWorkspace: [String: [String: Int]] = [:]
    public var total = 0

    public init() {}

    /// Count of events of `type` in every workspace.
    public func count(of type: EventType) -> Int {
        byWorkspace.values.reduce(0) { $0 + ($1[type.wireName] ?? 0) }
    }
}

extension EventCounts: LogProjection {
    public static let name = "event-counts"
    public static var initial: EventCounts { EventCounts() }

    public static func evolve(_ state: inout EventCounts, with envelope: EventEnvelope, at position: UInt64) {
        state.byWorkspace[envelope.workspace, default: [:]][envelope.type.wireName, default: 0] += 1
        state.total += 1
    }

    public static func snapshot(_ state: EventCounts) -> [UInt8] {
        let object: [String: Any] = ["total": state.total, "byWorkspace": state.byWorkspace]
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    public static func restore(_ snapshot: [UInt8]) throws -> EventCounts {
        guard let object = try JSONSerialization.jsonObject(with: Data(snapshot)) as? [String: Any],
            let total = object["total"] as? Int, let byWorkspace = object["byWorkspace"] as? [String: [String: Int]]
        else { throw SyncStoreError(.corruptEvent, "event-counts checkpoint is not in the expected shape") }
        var counts = EventCounts()
        counts.total = total
        counts.byWorkspace = byWorkspace
        return counts
    }
}
