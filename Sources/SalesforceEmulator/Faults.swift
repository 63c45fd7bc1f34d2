/// A scripted failure: which calls it matches, what it does, for how many calls or how often.
///
/// As JSON (`POST /__emulator/faults`):
/// `{"method":"PATCH","path":"/composite/sobjects","object":"Task","errorCode":"UNABLE_TO_LOCK_ROW",
///   "status":400,"message":"…","times":2,"probability":0.5,"seed":42,"action":"error","delayMs":0}`
/// `action` is `error` (default; nothing is written), `dropResponse` (the write is applied, then the
/// connection is closed without an answer), `dropConnection` (closed before anything is applied) or `delay`
/// (applied and answered after `delayMs`). `times` counts matching calls; `probability` draws from a
/// generator seeded with `seed`, so runs repeat.
public struct FaultRule: Sendable {
    public enum Action: String, Sendable { case error, dropResponse, dropConnection, delay }
    public var method: String?
    public var path: String?
    public var object: String?
    public var action: Action
    public var errorCode: String
    public var status: Int
    public var message: String
    public var remaining: Int?
    public var probability: Double?
    public var delayMs: Int
    public var fired = 0

    static func parse(_ json: JSON) -> Result<(FaultRule, UInt64?), APIError> {
        let actionText = json["action"]?.stringValue ?? (json["delayMs"] != nil && json["errorCode"] == nil ? "delay" : "error")
        guard let action = Action(rawValue: actionText) else {
            return .failure(APIError(400, "INVALID_INPUT", "action must be error, dropResponse, dropConnection or delay"))
        }
        let code = json["errorCode"]?.stringValue ?? (action == .error ? "UNABLE_TO_LOCK_ROW" : "")
        let defaults: [String: (Int, String)] = [
            "UNABLE_TO_LOCK_ROW": (400, "unable to obtain exclusive access to this record or 1 records"),
            "SERVER_UNAVAILABLE": (503, "Server unavailable"),
            "UNKNOWN_EXCEPTION": (500, "An unexpected error occurred. Please include this ErrorId if you contact support"),
            "REQUEST_LIMIT_EXCEEDED": (403, "TotalRequests Limit exceeded."),
            "INVALID_SESSION_ID": (401, "Session expired or invalid"),
        ]
        let status = json["status"]?.intValue ?? defaults[code]?.0 ?? 400
        let rule = FaultRule(
            method: json["method"]?.stringValue?.uppercased(), path: json["path"]?.stringValue,
            object: json["object"]?.stringValue, action: action, errorCode: code.isEmpty && status == 503 ? "SERVER_UNAVAILABLE" : code,
            status: status, message: json["message"]?.stringValue ?? defaults[code]?.1 ?? "Injected fault",
            remaining: json["times"]?.intValue, probability: json["probability"]?.doubleValue,
            delayMs: json["delayMs"]?.intValue ?? 0)
        let seed = json["seed"]?.intValue.map { UInt64(bitPattern: Int64($0)) }
        return .success((rule, seed))
    }

    var json: JSON {
        .object([
            ("method", method.map { .string($0) } ?? .null), ("path", path.map { .string($0) } ?? .null),
            ("object", object.map { .string($0) } ?? .null), ("action", .string(action.rawValue)),
            ("errorCode", .string(errorCode)), ("status", .int(status)), ("message", .string(message)),
            ("times", remaining.map { .int($0) } ?? .null), ("probability", probability.map { .double($0) } ?? .null),
            ("delayMs", .int(delayMs)), ("fired", .int(fired)),
        ])
    }

    func matches(method m: String, path p: String, object o: String?) -> Bool {
        if let method, method != m { return false }
        if let path, !p.contains(path) { return false }
        if let object, object.lowercased() != o?.lowercased() { return false }
        if let remaining, remaining <= 0 { return false }
        return true
    }
}

extension OrgState {
    /// The first rule that fires for this call (consuming one of its `times`).
    mutating func firingFault(method: String, path: String, object: String?) -> FaultRule? {
        for i in faults.indices where faults[i].matches(method: method, path: path, object: object) {
            if let p = faults[i].probability, nextRandom() >= p { continue }
            if faults[i].remaining != nil { faults[i].remaining! -= 1 }
            faults[i].fired += 1
            return faults[i]
        }
        return nil
    }
}
