/// The one error type of SyncDomain: a code, a message and an optional cause.
///
/// Messages never contain personal data or secrets (no email addresses,
/// subjects or field values); they name the place and the problem.
/// A business refusal (an input line that is not valid) is an
/// ``InputRejection`` value, not a thrown error.
public struct SyncDomainError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable machine-readable code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Bytes that are not a well-formed encoded event (truncated, bad varint, wrong wire type).
        public static let malformedBinary = Code("malformed_binary")
        /// A wire name this version neither knows nor can upcast.
        public static let unknownEventType = Code("unknown_event_type")
        /// A required field is missing from an encoded event.
        public static let missingField = Code("missing_field")
        /// A field holds a value outside its range (an unknown enum raw value, an impossible date).
        public static let invalidValue = Code("invalid_value")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(code): \(message) (cause: \(cause))" }
        return "\(code): \(message)"
    }
}
