import Salesforce
public import SyncDomain

extension SalesforceReader {
    /// The objects whose describe the sync reads (C5): Task and Event.
    static let describedObjects = ["Task", "Event"]

    /// C5 on demand (`synclog describe --refresh`): describes Task and Event and appends
    /// `V1.DescribeObserved` for each that differs from what the log holds (fields, external ids, hidden fields).
    public func refreshDescribe() async throws -> ReadReport {
        let report = try await measured { report in
            for object in Self.describedObjects {
                try Task.checkCancellation()
                let ws = try await state()
                let described = try await salesforce("describe") { () async throws(SalesforceError) in try await client.describe(object) }
                report.recordsRead += 1
                guard let observed = DescribeObservation.observation(of: described, object: object, in: ws) else { continue }
                let position = try await gate.lastPosition()
                report.eventsAppended += try await append([envelope("describe/\(workspace)/\(object)/\(position)", .describeObserved(observed))])
            }
        }
        lastDescribeCheck = clock.now()
        return report
    }

    /// C5: refreshes the describe when the daily time (`describeAt`) passed since the last one.
    public func refreshDescribeIfDue() async throws -> ReadReport {
        let ws = try await state()
        guard clock.now() >= nextDescribeDue(ws) else { return ReadReport() }
        return try await refreshDescribe()
    }

    func nextDescribeDue(_ ws: WorkspaceState) -> Timestamp {
        var last = lastDescribeCheck
        for object in Self.describedObjects {
            if let t = ws.cursors.describedAt[object], last == nil || t > last! { last = t }
        }
        guard let last else { return clock.now() }
        return Self.nextDescribe(after: last, describeAt: configuration.describeAt)
    }

    /// C5: the first instant after `last` at which the local time in the zone of `describeAt`
    /// (`HH:MM Area/Zone`, e.g. `00:00 America/Los_Angeles`) reads HH:MM; daylight saving time
    /// moves it against UTC (23 or 25 hours apart on the switch days). An unreadable `describeAt`
    /// means 24 hours after `last`.
    public static func nextDescribe(after last: Timestamp, describeAt: String) -> Timestamp {
        let day: Int64 = 86_400_000
        let parts = describeAt.split(separator: " ", maxSplits: 1).map(String.init)
        let clockParts = (parts.first ?? "").split(separator: ":").compactMap { Int($0) }
        let zone = parts.count > 1 ? parts[1] : "UTC"
        guard clockParts.count == 2, (0..<24).contains(clockParts[0]), (0..<60).contains(clockParts[1]),
              let offsetAtLast = TimeZoneRules.offsetMinutes(zone: zone, at: last)
        else { return last.adding(milliseconds: day) }
        let minuteOfDay = Int64(clockParts[0] * 60 + clockParts[1]) * 60_000
        let localLast = last.millisecondsSinceEpoch + Int64(offsetAtLast) * 60_000
        let localDay = localLast >= 0 ? localLast / day : (localLast - day + 1) / day
        for delta in Int64(0)...2 {
            let local = (localDay + delta) * day + minuteOfDay
            // Local to UTC: the offset in force at that instant (two steps settle it across a switch).
            var utc = local - Int64(offsetAtLast) * 60_000
            for _ in 0..<2 {
                let offset = TimeZoneRules.offsetMinutes(zone: zone, at: Timestamp(millisecondsSinceEpoch: utc)) ?? offsetAtLast
                utc = local - Int64(offset) * 60_000
            }
            if utc > last.millisecondsSinceEpoch { return Timestamp(millisecondsSinceEpoch: utc) }
        }
        return last.adding(milliseconds: day)
    }
}
