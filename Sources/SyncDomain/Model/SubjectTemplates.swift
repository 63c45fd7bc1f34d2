/// S21: a workspace's own Task Subject for one rule of the S table.
///
/// `rule` is a rule id of behaviour.md's S table that has a template (S1-S10,
/// S13-S18; S11 and S12 are not templates: a sequence email uses its verb's
/// template, S1, S2 or S4-S8, whose `{sequence}` placeholder carries the tag).
/// `template` is text with placeholders; see ``SubjectTemplateSyntax`` for the
/// grammar and the placeholders each rule takes. The configuration decoder
/// refuses unknown rule ids and placeholders, so a configured template is valid.
public struct SubjectTemplate: Sendable, Hashable {
    /// Fields written by a newer version, kept so they survive a round trip.
    public var unknownFields = UnknownFields()

    /// `S1`...`S18`.
    public var rule: String
    /// E.g. `Email sent{sequence}: {subject}`.
    public var template: String

    public init(rule: String, template: String) {
        self.rule = rule
        self.template = template
    }
}

/// S21: the grammar of subject templates.
///
/// - Text is copied as written; `{{` and `}}` write a literal `{` and `}`.
/// - `{name}` is a placeholder; each rule takes the placeholders listed in
///   ``placeholders(for:)``, anything else is refused when the configuration is loaded.
/// - Placeholders for parts that may be missing carry their own separator and
///   expand to nothing when the part is missing, so no template leaves dangling
///   punctuation: `{sequence}` is ` [Q4 Renewals (#2 stage)]` for a sequence email
///   (S11, S12) and empty otherwise; `{phone}` is ` +1 415 555 0100` or empty;
///   `{phoneField}` is ` (Mobile)` or empty.
/// - A template leaving out `{sequence}` writes sequence emails without the tag.
/// - S18 (unresolved sent email) takes `{sent}`: the subject the email would have
///   had as S1 or S2 (templated or not); its default is `Unresolved {sent}`.
/// - S19 (cut at 255, full text in Description) applies to templated subjects too;
///   S20's validation-rule pattern is promised only for the defaults.
///
/// The defaults, written in this grammar, are ``defaults`` (what ships).
public enum SubjectTemplateSyntax {
    public enum Placeholder: String, Sendable, Hashable, Codable, CaseIterable {
        /// The email's subject (S1-S8), or the task's (S13-S15, S17).
        case subject
        /// ` [{sequence name} (#{stage} stage)]` for a sequence email, else empty (S11, S12).
        case sequence
        /// The clicked link (S5).
        case url
        /// The downloaded file's name (S6).
        case fileName
        /// The meeting's title (S9, S10).
        case title
        /// The sequence step's stage number (S14, S15); empty when unknown.
        case stage
        /// The called person's name (S16).
        case name
        /// ` {phone number}` or empty (S16).
        case phone
        /// ` ({phone field label})` or empty (S16).
        case phoneField
        /// The S1/S2 subject of an unresolved sent email (S18).
        case sent
    }

    /// One piece of a parsed template.
    public enum Part: Sendable, Hashable, Codable {
        case text(String)
        case placeholder(Placeholder)
    }

    /// The rules that have a template, in table order, with the placeholders each takes.
    public static let rules: [(rule: String, placeholders: [Placeholder])] = [
        ("S1", [.subject, .sequence]), ("S2", [.subject, .sequence]), ("S3", [.subject, .sequence]),
        ("S4", [.subject, .sequence]), ("S5", [.url, .subject, .sequence]), ("S6", [.fileName, .subject, .sequence]),
        ("S7", [.subject, .sequence]), ("S8", [.subject, .sequence]), ("S9", [.title]), ("S10", [.title]),
        ("S13", [.subject]), ("S14", [.subject, .stage]), ("S15", [.subject, .stage]),
        ("S16", [.name, .phone, .phoneField]), ("S17", [.subject]), ("S18", [.sent, .subject, .sequence]),
    ]

    /// The shipped subjects (S1-S18) in template form: rendering them gives exactly
    /// what ``Subjects`` writes when a workspace configures nothing.
    public static let defaults: [String: String] = [
        "S1": "Sent (New){sequence}: {subject}", "S2": "Sent (Reply){sequence}: {subject}", "S3": "Received: {subject}",
        "S4": "Opened{sequence}: {subject}", "S5": "Clicked{sequence}: {url}", "S6": "Downloaded{sequence}: {fileName}",
        "S7": "Replied{sequence}: {subject}", "S8": "Bounced{sequence}: {subject}", "S9": "Meeting Confirmed: {title}",
        "S10": "Meeting Canceled: {title}", "S13": "{subject}",
        "S14": "{subject}: LinkedIn Connection Request: Stage {stage}",
        "S15": "{subject}: LinkedIn InMail: Stage {stage}", "S16": "Call: {name}{phone}{phoneField}",
        "S17": "Call: {subject}",
        "S18": "Unresolved {sent}",
    ]

    /// The placeholders `rule` takes; nil when the rule has no template.
    public static func placeholders(for rule: String) -> [Placeholder]? {
        rules.first { $0.rule == rule }?.placeholders
    }

    /// The longest template accepted, in characters (the Subject itself is cut at 255, S19).
    public static let maximumLength = 255

    /// Why a template was refused. Never quotes the template's text (it may hold
    /// personal data); only a placeholder name that looks like one is echoed.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `template` for `rule`: the parts, or the problem (rule id, placeholder, brace, length).
    public static func parse(_ template: String, rule: String) -> Result<[Part], Problem> {
        guard let allowed = placeholders(for: rule) else {
            if rule == "S11" || rule == "S12" {
                return .failure(
                    Problem(
                        description:
                            "\(rule) is not a template: a sequence email uses its verb's template (S1, S2, S4-S8) with {sequence}"
                    ))
            }
            // Only something shaped like a rule id is echoed.
            let shown =
                (1...8).contains(rule.utf8.count)
                && rule.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
            return .failure(
                Problem(
                    description:
                        "unknown rule id \(shown ? "\"\(rule)\"" : "(not shown)") (templates exist for S1-S10 and S13-S18)"
                ))
        }
        let scalars = Array(template.unicodeScalars)
        if scalars.isEmpty { return .failure(Problem(description: "must not be empty")) }
        if scalars.count > maximumLength {
            return .failure(Problem(description: "longer than \(maximumLength) characters"))
        }
        if scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return .failure(Problem(description: "must not contain control characters (line breaks, tabs)"))
        }
        var parts: [Part] = []
        var text = String.UnicodeScalarView()
        func takes() -> String { allowed.map { "{\($0.rawValue)}" }.joined(separator: ", ") }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "{" {
                if i + 1 < scalars.count, scalars[i + 1] == "{" { text.append("{"); i += 2; continue }
                guard let close = scalars[(i + 1)...].firstIndex(of: "}") else {
                    return .failure(
                        Problem(description: "a { that closes no placeholder (write {{ for a literal brace)"))
                }
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                let looksLikeName =
                    (1...32).contains(name.utf8.count)
                    && name.utf8.first.map { (65...90).contains($0) || (97...122).contains($0) } == true
                    && name.utf8.allSatisfy {
                        (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 95
                    }
                guard looksLikeName else {
                    return .failure(
                        Problem(description: "a { that starts no placeholder (write {{ for a literal brace)"))
                }
                guard let p = Placeholder(rawValue: name), allowed.contains(p) else {
                    return .failure(Problem(description: "unknown placeholder {\(name)} (\(rule) takes \(takes()))"))
                }
                if !text.isEmpty { parts.append(.text(String(text))); text = String.UnicodeScalarView() }
                parts.append(.placeholder(p))
                i = close + 1
            } else if c == "}" {
                guard i + 1 < scalars.count, scalars[i + 1] == "}" else {
                    return .failure(Problem(description: "a lone } (write }} for a literal brace)"))
                }
                text.append("}")
                i += 2
            } else {
                text.append(c)
                i += 1
            }
        }
        if !text.isEmpty { parts.append(.text(String(text))) }
        return .success(parts)
    }
}

/// S21: a workspace's templates, parsed, by rule id (what the planner reads).
public struct SubjectTemplates: Sendable, Hashable, Codable {
    public private(set) var byRule: [String: [SubjectTemplateSyntax.Part]]

    /// Parses the configured templates. A template that does not parse (only
    /// possible for one built in code, or written by a newer version with rules
    /// or placeholders this version does not know) is left out: its rule keeps
    /// the default subject.
    public init(_ templates: [SubjectTemplate]) {
        var byRule: [String: [SubjectTemplateSyntax.Part]] = [:]
        for t in templates {
            if case .success(let parts) = SubjectTemplateSyntax.parse(t.template, rule: t.rule) {
                byRule[t.rule] = parts
            }
        }
        self.byRule = byRule
    }

    public var isEmpty: Bool { byRule.isEmpty }

    public subscript(rule: String) -> [SubjectTemplateSyntax.Part]? { byRule[rule] }
}
