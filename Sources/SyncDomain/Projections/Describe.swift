/// What the org's Task/Event describe offers (T5, H1, W1) and since which log
/// position: the activity date/time field applies only to activities appended
/// after it was first seen (T5 is not retroactive).
public struct OrgCapabilities: Sendable, Hashable, Codable {
    /// Lower-cased field names of the Task describe (custom fields are shared with Event).
    public var taskFields: Set<String> = []
    /// Lower-cased external-id fields of the Task describe.
    public var taskExternalIdFields: Set<String> = []
    /// Field -> position where it was first seen (lower-cased names).
    public var firstSeen: [String: UInt64] = [:]
    /// Fields hidden by field security, by object (`Task` -> [`Type`]): never sent.
    public var hiddenFields: [String: Set<String>] = [:]
    /// From the org settings, when observed (H1; the describe's `TaskWhoIds` also turns it on).
    public var sharedActivitiesSetting: Bool?
    /// Whether a Task describe was ever seen.
    public var taskDescribeSeen = false

    public static let initial = OrgCapabilities()

    public mutating func evolve(_ d: DescribeObserved, at position: UInt64) {
        if d.object == "Task" || d.object == "Event" {
            if d.object == "Task" {
                taskDescribeSeen = true
                taskFields = Set(d.fields.map { $0.name.lowercased() })
                taskExternalIdFields = Set(d.fields.filter { $0.externalId }.map { $0.name.lowercased() })
            }
            for f in d.fields where firstSeen[f.name.lowercased()] == nil && (d.object == "Task") {
                firstSeen[f.name.lowercased()] = position
            }
        }
        hiddenFields[d.object] = Set(d.hiddenFields.map { $0.lowercased() })
    }

    public mutating func evolve(_ o: OrgSettingsObserved) {
        if let s = o.sharedActivities { sharedActivitiesSetting = s }
    }

    /// H1: shared activities are on.
    public var sharedActivities: Bool {
        if taskFields.contains("taskwhoids") { return true }
        return sharedActivitiesSetting ?? false
    }

    /// T5: the field exists now and was first seen before `activityPosition`.
    public func hasField(_ name: String, forActivityAt activityPosition: UInt64) -> Bool {
        let n = name.lowercased()
        guard taskFields.contains(n), let since = firstSeen[n] else { return false }
        return since < activityPosition
    }

    public func isHidden(_ field: String, on object: String) -> Bool {
        hiddenFields[object]?.contains(field.lowercased()) ?? false
    }
}
