/// The one error type of the `SyncWorker` module: a code, a message without personal data, and an optional cause.
public struct SyncWorkerError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let configuration = Code(name: "configuration")
        public static let store = Code(name: "store")
        public static let salesforce = Code(name: "salesforce")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "SyncWorkerError.\(code): \(message)"
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}
