import Synchronization

/// Whether the worker is ready to serve: every workspace has its store open, its configuration
/// appended and its first audit done, and the process is not draining for shutdown.
///
/// The pipeline sets the stages per workspace; `GET /ready` reads them.
///
/// ```swift
/// let readiness = Readiness(workspaces: ["acme"])
/// readiness.mark(.storeOpen, workspace: "acme")
/// readiness.notReady()  // ["acme: configuration not appended", "acme: first audit not done"]
/// ```
public final class Readiness: Sendable {
    /// What a workspace must have done before the worker is ready.
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        case storeOpen = "store not open"
        case configurationAppended = "configuration not appended"
        case firstAuditDone = "first audit not done"
    }

    struct State {
        var order: [String]
        var done: [String: Set<Stage>]
        var draining = false
    }

    private let state: Mutex<State>

    public init(workspaces: [String]) {
        state = Mutex(
            State(
                order: workspaces,
                done: Dictionary(workspaces.map { ($0, Set<Stage>()) }, uniquingKeysWith: { a, _ in a })))
    }

    /// Records that `workspace` reached `stage` (a workspace not given at init is added).
    public func mark(_ stage: Stage, workspace: String) {
        state.withLock { s in
            if s.done[workspace] == nil { s.order.append(workspace) }
            s.done[workspace, default: []].insert(stage)
        }
    }

    /// Records every stage for `workspace`.
    public func markReady(workspace: String) {
        for stage in Stage.allCases { mark(stage, workspace: workspace) }
    }

    /// Shutdown has begun: `/ready` answers 503 from now on.
    public func beginDraining() { state.withLock { $0.draining = true } }

    public var isDraining: Bool { state.withLock { $0.draining } }

    /// What is not ready, one line each (`acme: first audit not done`, `draining for shutdown`); empty when ready.
    public func notReady() -> [String] {
        state.withLock { s in
            var out: [String] = []
            if s.draining { out.append("draining for shutdown") }
            if s.order.isEmpty { out.append("no workspace configured") }
            for workspace in s.order {
                let done = s.done[workspace] ?? []
                for stage in Stage.allCases where !done.contains(stage) {
                    out.append("\(workspace): \(stage.rawValue)")
                }
            }
            return out
        }
    }

    public var isReady: Bool { notReady().isEmpty }
}
