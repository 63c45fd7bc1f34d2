import CLMDB

/// The one error the event log throws.
///
/// The kind of failure is in ``code``; ``message`` says what went wrong and names the
/// log's directory. When LMDB (or the operating system, through LMDB) reported the
/// failure, its return code is in ``returnCode``. Messages never contain event ids,
/// payload bytes or snapshots: those may hold personal data.
///
/// Match on the code, not the message:
/// ```swift
/// do { _ = try await log.append(event) }
/// catch let error as EventLogError where error.code == .writerStopped { ... }
/// ```
public struct EventLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added; switch with a `default`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable, Hashable {
            case cannotOpen
            case alreadyOpen
            case closed
            case writerStopped
            case invalidEventID
            case invalidName
            case storage
            case corruptRecord
            case backupFailed
        }

        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The directory could not be created or opened as an LMDB environment.
        public static let cannotOpen = Code(.cannotOpen)
        /// The directory is already open as an event log in this process (LMDB forbids a second open).
        public static let alreadyOpen = Code(.alreadyOpen)
        /// The log was closed.
        public static let closed = Code(.closed)
        /// A commit or sync failed earlier; the writer stopped and accepts no more appends.
        public static let writerStopped = Code(.writerStopped)
        /// An event id was empty or too long for the dedup index.
        public static let invalidEventID = Code(.invalidEventID)
        /// A checkpoint or side-table name was empty or too long.
        public static let invalidName = Code(.invalidName)
        /// LMDB reported a failure while reading or writing.
        public static let storage = Code(.storage)
        /// A stored record does not have the documented layout.
        public static let corruptRecord = Code(.corruptRecord)
        /// A backup could not be made.
        public static let backupFailed = Code(.backupFailed)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, naming the directory; never contains event ids or payloads.
    public let message: String
    /// The LMDB return code (an `MDB_*` code or an `errno` value), when there was one.
    public let returnCode: Int32?

    init(_ code: Code, _ message: String, returnCode: Int32? = nil) {
        self.code = code
        self.message = message
        self.returnCode = returnCode
    }

    public var description: String {
        guard let returnCode else { return "EventLogError.\(code): \(message)" }
        return "EventLogError.\(code): \(message) (LMDB \(returnCode): \(Self.describe(returnCode: returnCode)))"
    }

    /// LMDB's text for a return code (it covers `errno` values too).
    static func describe(returnCode: Int32) -> String {
        String(cString: mdb_strerror(returnCode))
    }

    /// A failure LMDB reported while doing `what` in the log at `directory`.
    static func storage(_ returnCode: Int32, _ what: String, directory: String) -> EventLogError {
        EventLogError(
            .storage,
            "could not \(what) in the event log at \(directory): \(describe(returnCode: returnCode))",
            returnCode: returnCode)
    }

    static func closed(_ directory: String) -> EventLogError {
        EventLogError(.closed, "the event log at \(directory) is closed")
    }
}
