/// The emulator's own failures (bad fixture, bad flags, cannot bind): not Salesforce's answers,
/// which are ``APIError`` values inside responses.
public struct EmulatorError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public static let fixture = Code(name: "fixture")
        public static let configuration = Code(name: "configuration")
        public static let state = Code(name: "state")
        public static let server = Code(name: "server")
        public var description: String { name }
    }

    public let code: Code
    public let message: String
    public let cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "emulator \(code): \(message)" }
}

/// One Salesforce error: `{"message","errorCode","fields"}` in single-record bodies,
/// `{"statusCode","message","fields"}` inside collections.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    public var errorCode: String
    public var message: String
    public var fields: [String]

    public init(_ status: Int, _ errorCode: String, _ message: String, fields: [String] = []) {
        self.status = status
        self.errorCode = errorCode
        self.message = message
        self.fields = fields
    }

    /// As in a single-record error body (one element of the array).
    var restJSON: JSON {
        .object([("message", .string(message)), ("errorCode", .string(errorCode)),
                 ("fields", .array(fields.map { .string($0) }))])
    }

    /// As inside a collection result.
    var collectionJSON: JSON {
        .object([("statusCode", .string(errorCode)), ("message", .string(message)),
                 ("fields", .array(fields.map { .string($0) }))])
    }

    static func notFound() -> APIError { APIError(404, "NOT_FOUND", "The requested resource does not exist") }
    static func invalidSession() -> APIError { APIError(401, "INVALID_SESSION_ID", "Session expired or invalid") }
    static func malformedQuery(_ message: String) -> APIError { APIError(400, "MALFORMED_QUERY", message) }
}
