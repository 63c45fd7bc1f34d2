/// One difference between two configurations, for `synclog configure` ("what changed").
public struct ConfigurationChange: Sendable, Hashable, CustomStringConvertible {
    /// Dotted path of the setting: `roles.sales.firstOnly`, `users[u_bob]`, `internalDomains`.
    public var path: String
    /// The old value as compact JSON, nil when the setting was added.
    public var before: String?
    /// The new value as compact JSON, nil when the setting was removed.
    public var after: String?

    public init(path: String, before: String?, after: String?) {
        self.path = path
        self.before = before
        self.after = after
    }

    /// `roles.sales.firstOnly: true -> false`, `users[u_bob]: added`, `excludedDomains: removed "x.com"`.
    public var description: String {
        switch (before, after) {
        case (nil, let a?): return "\(path): added \(a)"
        case (let b?, nil): return "\(path): removed \(b)"
        case (let b?, let a?): return "\(path): \(b) -> \(a)"
        case (nil, nil): return "\(path): unchanged"
        }
    }
}

extension WorkspaceConfiguration {
    /// What changed from `old` to `self`, setting by setting, in a stable order.
    /// Empty when the two are the same (then `configure` appends nothing).
    ///
    /// Lists of names (domains, addresses) report additions and removals; users
    /// are matched by `id`; roles by name.
    public func changes(from old: WorkspaceConfiguration?) -> [ConfigurationChange] {
        let after = WorkspaceConfigurationJSON.jsonValue(self)
        guard let old else { return [ConfigurationChange(path: "workspace \(workspace)", before: nil, after: "configured")] }
        var out: [ConfigurationChange] = []
        ConfigurationDiff.diff(WorkspaceConfigurationJSON.jsonValue(old), after, path: "", into: &out)
        return out
    }
}

enum ConfigurationDiff {
    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : path + "." + name }

    static func diff(_ a: JSONValue, _ b: JSONValue, path: String, into out: inout [ConfigurationChange]) {
        if a == b { return }
        switch (a, b) {
        case (.object(let am), .object(let bm)):
            for m in am {
                let p = join(path, m.name)
                if let other = b[m.name] {
                    diff(m.value, other, path: p, into: &out)
                } else {
                    out.append(.init(path: p, before: m.value.jsonString, after: nil))
                }
            }
            for m in bm where a[m.name] == nil {
                out.append(.init(path: join(path, m.name), before: nil, after: m.value.jsonString))
            }
        case (.array(let ai), .array(let bi)) where (keyed(ai) || ai.isEmpty) && (keyed(bi) || bi.isEmpty):
            let ak = ai.map { $0["id"]!.stringValue! }
            let bk = bi.map { $0["id"]!.stringValue! }
            for (i, k) in ak.enumerated() {
                let p = "\(path)[\(k)]"
                if let j = bk.firstIndex(of: k) {
                    diff(ai[i], bi[j], path: p, into: &out)
                } else {
                    out.append(.init(path: p, before: "user", after: nil))
                }
            }
            for (j, k) in bk.enumerated() where !ak.contains(k) {
                out.append(.init(path: "\(path)[\(k)]", before: nil, after: bi[j].jsonString))
            }
        case (.array(let ai), .array(let bi)) where ai.allSatisfy(\.isScalar) && bi.allSatisfy(\.isScalar):
            for v in ai where !bi.contains(v) { out.append(.init(path: path, before: v.jsonString, after: nil)) }
            for v in bi where !ai.contains(v) { out.append(.init(path: path, before: nil, after: v.jsonString)) }
            if Set(ai) == Set(bi) { out.append(.init(path: path, before: "order", after: "new order")) }
        default:
            out.append(.init(path: path, before: a.jsonString, after: b.jsonString))
        }
    }

    /// Arrays of objects that each have a string `id` (users).
    static func keyed(_ items: [JSONValue]) -> Bool {
        !items.isEmpty && items.allSatisfy { $0["id"]?.stringValue != nil }
    }
}
