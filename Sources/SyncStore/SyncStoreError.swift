/// The one error type of the data directory. Messages name the input and the problem,
/// never the personal data inside it (emails, subjects).
public struct SyncStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as a small closed set that callers can switch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case unreadableInput = "unreadable input"
            case corruptEvent = "corrupt event"
            case invalidConfiguration = "invalid configuration"
            case unknownWorkspace = "unknown workspace"
            case storage = "storage"
        }
        fileprivate let base: Base
        public var description: String { base.rawValue }

        /// A file or stream could not be opened or read.
        public static let unreadableInput = Code(base: .unreadableInput)
        /// An event in the log could not be decoded.
        public static let corruptEvent = Code(base: .corruptEvent)
        /// A configuration file was rejected.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// A command needed a workspace that the log does not know (or could not pick one).
        public static let unknownWorkspace = Code(base: .unknownWorkspace)
        /// The event log failed.
        public static let storage = Code(base: .storage)
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
