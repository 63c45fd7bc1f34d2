/// The one error type of the `Salesforce` module: a code, a message without personal data, and an optional cause.
///
/// Salesforce's own refusals of a record are not thrown: they come back as values
/// (``SalesforceFailure``) so that a batch can report one outcome per record.
public struct SalesforceError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        /// The HTTP exchange failed (connection refused or reset, timeout): the outcome of a write is unknown.
        public static let transport = Code(name: "transport")
        /// Salesforce answered with something this client cannot read.
        public static let malformedResponse = Code(name: "malformedResponse")
        /// Salesforce answered with an error (see `failure`).
        public static let api = Code(name: "api")
        /// Getting or refreshing an access token failed; the connection needs re-authorisation.
        public static let authentication = Code(name: "authentication")
        /// The client is configured wrongly (bad URL, unreadable key file...).
        public static let configuration = Code(name: "configuration")
        /// The org's API budget reserve is reached: the call was not made.
        public static let budgetReserved = Code(name: "budgetReserved")
    }

    public var code: Code
    public var message: String
    /// For `.api`: Salesforce's classified answer (message verbatim).
    public var failure: SalesforceFailure?
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, failure: SalesforceFailure? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.failure = failure
        self.cause = cause
    }

    public var description: String {
        var text = "SalesforceError.\(code): \(message)"
        if let failure { text += " [\(failure.errorCode)]" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
