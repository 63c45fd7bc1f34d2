public import SyncDomain
import EventLog

/// What `configure` did for one workspace.
public struct ConfigureReport: Sendable, Hashable {
    public var workspace: String
    /// True when the configuration differed from the one in force and was appended.
    public var appended: Bool
    /// What changed, one line each (`roles.sales.firstOnly: true -> false`); empty when nothing did.
    public var changes: [String]
}

extension SyncStore {
    /// Appends each workspace's configuration (contract section 2) if it differs from the one in
    /// force, so that replay and `explain` see the settings that were in force at the time.
    ///
    /// A file that is not a valid configuration is refused whole (kept as a dead letter) with
    /// the path of the first problem.
    public func configure(
        _ bytes: [UInt8], source: String, now: Timestamp
    ) async throws(SyncStoreError) -> [ConfigureReport] {
        let configurations: [WorkspaceConfiguration]
        switch WorkspaceConfigurationJSON.decode(bytes) {
        case .success(let decoded): configurations = decoded
        case .failure(let rejection):
            try await keep(
                DeadLetter(
                    source: source, line: 0, reason: rejection.description, kind: "configuration",
                    receivedAt: now, bytes: bytes))
            throw SyncStoreError(.invalidConfiguration, "\(source): \(rejection.description)")
        }
        var reports: [ConfigureReport] = []
        for configuration in configurations {
            let inForce = try configurationInForce(workspace: configuration.workspace)
            if let inForce, inForce.configuration == configuration {
                reports.append(ConfigureReport(workspace: configuration.workspace, appended: false, changes: []))
                continue
            }
            let changes: [String]
            if let inForce {
                changes = configuration.changes(from: inForce.configuration).map { "\($0)" }
            } else {
                changes = ["new workspace configuration"]
            }
            let revision = (inForce?.revision ?? 0) + 1
            let envelope = EventEnvelope(
                id: Self.configurationEventID(workspace: configuration.workspace, revision: revision),
                workspace: configuration.workspace, recordedAt: now,
                event: .workspaceConfigured(WorkspaceConfigured(configuration: configuration)))
            try await append([envelope])
            reports.append(ConfigureReport(workspace: configuration.workspace, appended: true, changes: changes))
        }
        return reports
    }

    /// `config/{workspace}/{revision}`: revisions count from 1 in log order.
    static func configurationEventID(workspace: String, revision: Int) -> EventID {
        EventID("config/\(workspace)/\(revision)")
    }

    /// The configuration in force for `workspace` (the latest revision), found through the event-id index.
    public func configurationInForce(
        workspace: String
    ) throws(SyncStoreError) -> (configuration: WorkspaceConfiguration, revision: Int)? {
        var revision = 0
        var lastPosition: UInt64?
        while true {
            let id = Self.configurationEventID(workspace: workspace, revision: revision + 1)
            let position: UInt64?
            do { position = try log.position(ofEventID: id.rawValue) } catch {
                throw SyncStoreError(.storage, "\(directory): cannot read the event index", cause: error)
            }
            guard let position else { break }
            revision += 1
            lastPosition = position
        }
        guard let lastPosition, case .workspaceConfigured(let configured)? = try envelope(at: lastPosition)?.event
        else { return nil }
        return (configured.configuration, revision)
    }

    /// Every workspace that has a configuration, in the order first configured.
    public func configuredWorkspaces() throws(SyncStoreError) -> [String] {
        var seen: [String] = []
        try scan { _, envelope in
            if case .workspaceConfigured = envelope.event, !seen.contains(envelope.workspace) {
                seen.append(envelope.workspace)
            }
            return true
        }
        return seen
    }
}
