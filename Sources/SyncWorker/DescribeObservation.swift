import Salesforce
import SyncDomain

/// Turns an sObject describe into `V1.DescribeObserved` (C5, T5, H1, W1), shared by the dispatcher
/// (first describe, hidden fields after `INVALID_FIELD`) and the reader (daily and on-demand refresh).
enum DescribeObservation {
    /// The describe's fields as the log keeps them.
    static func fields(of described: ObjectDescription) -> [DescribedField] {
        described.fields.map {
            DescribedField(name: $0.name, type: $0.type, externalId: $0.externalId, unique: $0.unique, createable: $0.createable,
                           updateable: $0.updateable)
        }
    }

    /// The event to append for `described`, or nil when the log already holds the same describe:
    /// same field names, external ids and hidden fields (the previously hidden fields of the object
    /// plus `extraHidden`).
    static func observation(of described: ObjectDescription, object: String, in ws: WorkspaceState,
                            extraHidden: [String] = []) -> DescribeObserved? {
        let fields = fields(of: described)
        let hidden = Set((ws.org.hiddenFields[object] ?? []).map { $0 } + extraHidden.map { $0.lowercased() })
        let observed = DescribeObserved(object: object, fields: fields, hiddenFields: hidden.sorted())
        if let known = ws.cursors.describeSignatures[object], known == Cursors.describeSignature(observed) { return nil }
        // Logs whose describe predates the cursors projection: compare with what the org projection holds.
        if object == "Task", ws.org.taskDescribeSeen, Set(fields.map { $0.name.lowercased() }) == ws.org.taskFields,
            Set(fields.filter(\.externalId).map { $0.name.lowercased() }) == ws.org.taskExternalIdFields,
            hidden == (ws.org.hiddenFields[object] ?? [])
        {
            return nil
        }
        return observed
    }
}
