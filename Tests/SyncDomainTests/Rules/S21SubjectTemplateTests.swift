import SyncDomain
import SyncWorkloads
import Testing

/// S21: subject templates are configurable per workspace; the defaults of S1-S18 are what ships.
@Suite("S21: subject templates per workspace")
struct S21SubjectTemplateTests {
    static func configuration(_ templates: [String: String]) -> WorkspaceConfiguration {
        var c = Fixtures.configuration(roles: ["sales": Fixtures.role(syncUnresolved: true)])
        c.subjectTemplates = templates.keys.sorted().map { SubjectTemplate(rule: $0, template: templates[$0]!) }
        return c
    }

    static func world(_ templates: [String: String]) -> RuleWorld {
        RuleWorld(configuration: configuration(templates))
    }

    static func decode(_ json: String) -> Result<[WorkspaceConfiguration], InputRejection> {
        WorkspaceConfigurationJSON.decode(json)
    }

    static func config(templates: String) -> String {
        #"{"workspace":"acme","defaultRole":"sales","roles":{"sales":{}},"subjectTemplates":"# + templates + "}"
    }

    // MARK: defaults

    @Test("S21: with no templates every subject is the shipped default (S1-S17)", arguments: SubjectRuleTests.cases)
    func defaultsWithoutTemplates(_ c: SubjectRuleTests.Case) {
        var world = Self.world([:])
        let story = world.run(c.activity)
        #expect(story.subjects == [c.expected], "\(c.rule)")
        #expect(!story.has("S21"))
        #expect(world.state.settings.current?.subjectTemplates == nil)
    }

    @Test(
        "S21: the documented default templates render exactly the shipped subjects", arguments: SubjectRuleTests.cases)
    func defaultTemplatesAreTheDefaults(_ c: SubjectRuleTests.Case) {
        var world = Self.world(SubjectTemplateSyntax.defaults)
        let story = world.run(c.activity)
        #expect(story.subjects == [c.expected], "\(c.rule)")
        #expect(story.has("S21"))
    }

    @Test("S21: the default template of S18 gives the shipped unresolved subject, new and reply")
    func unresolvedDefaults() {
        for templates in [[:], SubjectTemplateSyntax.defaults] {
            var world = Self.world(templates)
            #expect(
                world.run(sent("a1", to: ["stranger@nowhere.org"])).subjects == [
                    "Unresolved Sent (New): Pricing for 2027"
                ])
            #expect(
                world.run(sent("a2", to: ["stranger@nowhere.org"], isReply: true, message: "m2")).subjects
                    == ["Unresolved Sent (Reply): Pricing for 2027"])
        }
    }

    @Test("S21: every templated rule has a default template that parses, and S11/S12 have none")
    func defaultTable() {
        #expect(Set(SubjectTemplateSyntax.defaults.keys) == Set(SubjectTemplateSyntax.rules.map(\.rule)))
        for (rule, text) in SubjectTemplateSyntax.defaults {
            #expect((try? SubjectTemplateSyntax.parse(text, rule: rule).get()) != nil, "\(rule)")
        }
        #expect(SubjectTemplateSyntax.placeholders(for: "S11") == nil)
        #expect(SubjectTemplateSyntax.placeholders(for: "S12") == nil)
    }

    // MARK: custom templates

    @Test("S21: a custom S1 template, without and with a sequence (S11)")
    func customSent() {
        var world = Self.world(["S1": "Email sent{sequence}: {subject}"])
        let plain = world.run(sent("a1"))
        #expect(plain.subjects == ["Email sent: Pricing for 2027"])
        #expect(plain.has("S1") && plain.has("S21"))
        #expect(plain.reason("S21")?.data.contains(.init("template", "S1")) == true)
        let inSequence = world.run(sent("a2", subject: "Checking in", sequence: q4, message: "m2"))
        #expect(inSequence.subjects == ["Email sent [Q4 Renewals (#2 stage)]: Checking in"])
        #expect(inSequence.has("S11") && inSequence.has("S21"))
        // S2 is not templated: replies keep the default.
        let reply = world.run(sent("a3", subject: "Checking in", isReply: true, sequence: q4, message: "m3"))
        #expect(reply.subjects == ["Sent (Reply) [Q4 Renewals (#2 stage)]: Checking in"])
        #expect(!reply.has("S21"))
    }

    @Test("S21: a custom S4 template, without and with a sequence; leaving out {sequence} drops the tag")
    func customOpened() {
        var world = Self.world(["S4": "Email opened{sequence} \u{2014} {subject}"])
        #expect(world.run(engagement("a1", .emailOpened)).subjects == ["Email opened \u{2014} Pricing for 2027"])
        let seq = world.run(engagement("a2", .emailOpened, message: "m2", subject: "Checking in", sequence: q4))
        #expect(seq.subjects == ["Email opened [Q4 Renewals (#2 stage)] \u{2014} Checking in"])
        #expect(seq.has("S11") && seq.has("S21"))
        // Other verbs keep their defaults.
        #expect(world.run(engagement("a3", .emailReplied, message: "m3")).subjects == ["Replied: Pricing for 2027"])

        var noTag = Self.world(["S4": "Opened: {subject}"])
        #expect(
            noTag.run(engagement("a1", .emailOpened, subject: "Checking in", sequence: q4)).subjects == [
                "Opened: Checking in"
            ])
    }

    @Test("S21: S18 uses {sent}, so a custom S1 also shapes unresolved emails; a custom S18 replaces the prefix")
    func customUnresolved() {
        var world = Self.world(["S1": "Email sent: {subject}"])
        #expect(
            world.run(sent("a1", to: ["stranger@nowhere.org"])).subjects == ["Unresolved Email sent: Pricing for 2027"])
        var custom = Self.world(["S18": "[Unmatched]{sequence} {subject}"])
        let s = custom.run(sent("a1", to: ["stranger@nowhere.org"], sequence: q4))
        #expect(s.subjects == ["[Unmatched] [Q4 Renewals (#2 stage)] Pricing for 2027"])
        #expect(s.has("S18") && s.has("S21"))
    }

    @Test("S21: call, LinkedIn, meeting and literal braces")
    func otherRules() {
        var world = Self.world([
            "S16": "Call with {name}{phone}{phoneField}", "S14": "LinkedIn connect (stage {stage}): {subject}",
            "S9": "Meeting booked: {title}", "S13": "To-do {{internal}}: {subject}",
        ])
        let bob = Fixtures.person(RuleWorld.bob, "Bob Li")
        #expect(
            world.run(
                Fixtures.activity(
                    "a1", .callLogged, call: Call(id: "c1", person: bob, phone: "+1 415 555 0100", phoneField: "Mobile")
                )
            ).subjects
                == ["Call with Bob Li +1 415 555 0100 (Mobile)"])
        #expect(
            world.run(Fixtures.activity("a2", .callLogged, call: Call(id: "c2", person: bob))).subjects == [
                "Call with Bob Li"
            ])
        #expect(
            world.run(
                Fixtures.activity(
                    "a3", .taskUpserted,
                    task: ActivityTask(
                        id: "t1", kind: .linkedinConnect, subject: "Connect", status: .completed, stage: 3, person: bob)
                )
            ).subjects
                == ["LinkedIn connect (stage 3): Connect"])
        #expect(
            world.run(
                Fixtures.activity(
                    "a4", .taskUpserted,
                    task: ActivityTask(id: "t2", kind: .todo, subject: "Send the deck", status: .open, person: bob))
            ).subjects
                == ["To-do {internal}: Send the deck"])
        #expect(
            world.run(
                Fixtures.activity(
                    "a5", .meetingConfirmed,
                    meeting: Fixtures.meeting(attendees: [RuleWorld.bob], scheduledWithProduct: true))
            ).subjects
                == ["Meeting booked: Renewal discussion"])
    }

    @Test("S21 with S19: a templated subject is still cut at 255 with the full text in Description")
    func templatedSubjectsAreCut() {
        var world = Self.world(["S1": "Email sent: {subject}"])
        let long = String(repeating: "👍🏽", count: 300)
        let story = world.run(sent(subject: long))
        let written = story.subjects[0]
        #expect(written.utf16.count <= 255)
        #expect(written.hasPrefix("Email sent: "))
        #expect(story.plannedWrites[0].string("Description") == "Email sent: " + long)
        #expect(story.has("S19"))
    }

    // MARK: validation

    @Test(
        "S21: unknown rule ids, unknown placeholders and stray braces are refused with a path",
        arguments: [
            (
                #"{"S4":"Opened by {foo}: {subject}"}"#,
                "subjectTemplates.S4: unknown placeholder {foo} (S4 takes {subject}, {sequence})"
            ),
            (
                #"{"S4":"Opened: {url}"}"#,
                "subjectTemplates.S4: unknown placeholder {url} (S4 takes {subject}, {sequence})"
            ),
            (#"{"S99":"x"}"#, "subjectTemplates: unknown rule id \"S99\" (templates exist for S1-S10 and S13-S18)"),
            (#"{"s1":"x"}"#, "subjectTemplates: unknown rule id \"s1\" (templates exist for S1-S10 and S13-S18)"),
            (
                #"{"S11":"x {subject}"}"#,
                "subjectTemplates: S11 is not a template: a sequence email uses its verb's template (S1, S2, S4-S8) with {sequence}"
            ),
            (
                #"{"S1":"Sent {subject"}"#,
                "subjectTemplates.S1: a { that closes no placeholder (write {{ for a literal brace)"
            ),
            (
                #"{"S1":"Sent { subject }"}"#,
                "subjectTemplates.S1: a { that starts no placeholder (write {{ for a literal brace)"
            ),
            (#"{"S1":"Sent} {subject}"}"#, "subjectTemplates.S1: a lone } (write }} for a literal brace)"),
            (#"{"S1":""}"#, "subjectTemplates.S1: must not be empty"),
            (
                #"{"S1":"Sent\n{subject}"}"#,
                "subjectTemplates.S1: must not contain control characters (line breaks, tabs)"
            ),
            (#"{"S1":7}"#, "subjectTemplates.S1: must be a string, not a number"),
            (#"["S1"]"#, "subjectTemplates: must be an object, not an array"),
        ])
    func rejections(_ templates: String, _ expected: String) {
        let result = Self.decode(Self.config(templates: templates))
        guard case .failure(let r) = result else {
            Issue.record("accepted \(templates)")
            return
        }
        #expect(r.description == expected)
    }

    @Test("S21: a refused template never echoes its text (it may hold personal data)")
    func noEcho() {
        for t in [
            #"{"S1":"bob@globex.com {subject"}"#, #"{"S1":"bob@globex.com {bob@globex.com}"}"#,
            #"{"S1":"bob@globex.com } {subject}"}"#, #"{"bob@globex.com":"x"}"#,
        ] {
            guard case .failure(let r) = Self.decode(Self.config(templates: t)) else {
                Issue.record("accepted")
                continue
            }
            #expect(!r.description.contains("bob"), "\(r.description)")
        }
    }

    @Test("S21: null or absent subjectTemplates means the defaults")
    func nullIsDefault() throws {
        let c = try Self.decode(Self.config(templates: "null")).get()[0]
        #expect(c.subjectTemplates.isEmpty)
        #expect(WorkspaceConfigurationJSON.jsonValue(c)["subjectTemplates"] == nil)
        #expect(WorkspacePolicy(c).subjectTemplates == nil)
    }

    // MARK: round trips and the diff

    @Test("S21: templates survive JSON and binary round trips, in the order written")
    func roundTrips() throws {
        let json = Self.config(
            templates:
                #"{"S4":"Email opened{sequence}: {subject}","S1":"Email sent{sequence}: {subject}","S16":"Call {{x}} {name}{phone}"}"#
        )
        let c = try Self.decode(json).get()[0]
        #expect(c.subjectTemplates.map(\.rule) == ["S4", "S1", "S16"])
        #expect(c.subjectTemplate(for: "S16") == "Call {{x}} {name}{phone}")
        #expect(c.subjectTemplate(for: "S2") == nil)
        // JSON: export and decode again.
        let exported = WorkspaceConfigurationJSON.jsonValue(c)
        #expect(exported["subjectTemplates"]?["S1"] == .string("Email sent{sequence}: {subject}"))
        let again = try WorkspaceConfigurationJSON.decode(exported)[0]
        #expect(again == c)
        // Binary: as a WorkspaceConfigured log record.
        let envelope = Fixtures.configured(c)
        let decoded = try EventEnvelope(binary: envelope.binaryEncoded())
        #expect(decoded == envelope)
        guard case .workspaceConfigured(let w) = decoded.event else {
            Issue.record("not a WorkspaceConfigured")
            return
        }
        #expect(w.configuration.subjectTemplates == c.subjectTemplates)
        #expect(w.configuration.subjectTemplates.allSatisfy { $0.unknownFields == UnknownFields() })
    }

    @Test("S21: a record without templates (written before S21) decodes with none, and exports without the field")
    func olderRecords() throws {
        let c = Fixtures.configuration()
        let decoded = try EventEnvelope(binary: Fixtures.configured(c).binaryEncoded())
        guard case .workspaceConfigured(let w) = decoded.event else {
            Issue.record("not a WorkspaceConfigured")
            return
        }
        #expect(w.configuration.subjectTemplates.isEmpty)
        #expect(WorkspaceConfigurationJSON.jsonValue(w.configuration)["subjectTemplates"] == nil)
        // A template from a newer version (a rule this one does not know) keeps its rule on the default.
        #expect(
            SubjectTemplates([
                SubjectTemplate(rule: "S99", template: "x"), SubjectTemplate(rule: "S4", template: "{nope}"),
            ]).isEmpty)
    }

    @Test("S21: configure's diff shows templates added, changed and removed")
    func diff() {
        let none = Fixtures.configuration()
        var one = none
        one.subjectTemplates = [SubjectTemplate(rule: "S4", template: "Opened: {subject}")]
        var changed = one
        changed.subjectTemplates = [
            SubjectTemplate(rule: "S4", template: "Email opened: {subject}"),
            SubjectTemplate(rule: "S1", template: "Sent: {subject}"),
        ]
        #expect(one.changes(from: none).map(\.description) == [#"subjectTemplates: added {"S4":"Opened: {subject}"}"#])
        #expect(
            changed.changes(from: one).map(\.description) == [
                #"subjectTemplates.S4: "Opened: {subject}" -> "Email opened: {subject}""#,
                #"subjectTemplates.S1: added "Sent: {subject}""#,
            ])
        #expect(
            none.changes(from: one).map(\.description) == [#"subjectTemplates: removed {"S4":"Opened: {subject}"}"#])
        #expect(one.changes(from: one).isEmpty)
    }
}
