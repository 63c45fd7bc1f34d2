/// What the sync should do with a Salesforce error (the table "Errors, and what the sync does with them"
/// of salesforce.md). Mirrors SyncDomain's `FailureClass`; this module does not depend on the domain.
public enum ErrorClass: String, Sendable, Hashable, CaseIterable {
    /// Retry with backoff (row locks, 5xx, rollbacks of innocent records, timeouts).
    case transient
    /// The org's daily API allowance is spent: pause until the window frees; never hot-retry.
    case quota
    /// The session is invalid: refresh once, replay once; else the connection needs re-authorisation.
    case auth
    /// Salesforce refuses this record: fail it, keep Salesforce's message verbatim.
    case permanentRecord
    /// The org or the connection is misconfigured (unknown external-id field, object not writable...).
    case permanentConfig
}

/// One error as Salesforce reported it, classified. `message` is Salesforce's text, verbatim.
public struct SalesforceFailure: Error, Sendable, Hashable {
    public var errorCode: String
    public var message: String
    public var fields: [String]
    /// The HTTP status of the response that carried it (200 inside collections).
    public var httpStatus: Int
    public var errorClass: ErrorClass

    public init(errorCode: String, message: String, fields: [String] = [], httpStatus: Int, errorClass: ErrorClass? = nil) {
        self.errorCode = errorCode
        self.message = message
        self.fields = fields
        self.httpStatus = httpStatus
        self.errorClass = errorClass ?? ErrorClassifier.classify(errorCode: errorCode, message: message, httpStatus: httpStatus)
    }

    /// The error concerns a referenced record that is gone (W6): `ENTITY_IS_DELETED`, `INVALID_CROSS_REFERENCE_KEY`.
    public var referencedRecordGone: Bool {
        errorCode == "ENTITY_IS_DELETED" || errorCode == "INVALID_CROSS_REFERENCE_KEY"
    }
}

/// The table of salesforce.md as a pure function.
public enum ErrorClassifier {
    static let transientCodes: Set<String> = [
        "UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE", "UNKNOWN_EXCEPTION", "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "INVALID_QUERY_LOCATOR", "QUERY_TIMEOUT", "REQUEST_RUNNING_TOO_LONG", "CONCURRENT_REQUEST_LIMIT_EXCEEDED",
    ]
    static let authCodes: Set<String> = ["INVALID_SESSION_ID", "INVALID_AUTH_HEADER"]
    static let configCodes: Set<String> = [
        "NOT_FOUND", "INVALID_TYPE", "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "INSUFFICIENT_ACCESS",
        "INVALID_OPERATION_WITH_EXPIRED_PASSWORD", "MALFORMED_QUERY", "INVALID_TYPE_FOR_OPERATION",
    ]

    /// Classifies one Salesforce error. Unknown codes: 5xx and 408/429 are transient, other 4xx fail the record.
    public static func classify(errorCode: String, message: String, httpStatus: Int) -> ErrorClass {
        if errorCode == "REQUEST_LIMIT_EXCEEDED" {
            // ConcurrentPerOrgLongTxn is a concurrency limit: back off. TotalRequests (and no detail) is the daily quota.
            if message.contains("ConcurrentPerOrgLongTxn") || message.lowercased().contains("concurrent") { return .transient }
            return .quota
        }
        if authCodes.contains(errorCode) || httpStatus == 401 { return .auth }
        if transientCodes.contains(errorCode) { return .transient }
        if configCodes.contains(errorCode) { return .permanentConfig }
        if httpStatus >= 500 || httpStatus == 408 || httpStatus == 429 { return .transient }
        return .permanentRecord
    }
}
