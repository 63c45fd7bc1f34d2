/// Sync keys (design "Idempotency"; W1): a deterministic id for one intended write,
/// the first 32 hex digits of the SHA-256 of its parts joined by U+001F.
///
/// - Email, meeting-confirmation and call activities: workspace, activity id, object,
///   Who id(s), What id: same activity + same target = same key.
/// - To-do/call tasks (T3): workspace and task id: every edit updates the same Task.
/// - Calendar events (E5): workspace, calendar event id and workspace user: updates and
///   the cancel address the same Event.
public enum SyncKey {
    public static func make(_ parts: [String]) -> String {
        var bytes: [UInt8] = Array("synclog.v1".utf8)
        for p in parts {
            bytes.append(0x1F)
            bytes.append(contentsOf: p.utf8)
        }
        return String(SHA256.hex(bytes).prefix(32))
    }

    public static func activity(workspace: String, activityId: String, object: WriteObject, whoIds: [String], whatId: String?) -> String {
        make(["activity", workspace, activityId, object.rawValue, whoIds.joined(separator: ","), whatId ?? ""])
    }

    public static func task(workspace: String, taskId: String) -> String { make(["task", workspace, taskId]) }

    public static func calendarEvent(workspace: String, meetingId: String, userId: String) -> String {
        make(["calendar", workspace, meetingId, userId])
    }
}
