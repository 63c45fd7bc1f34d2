import PropertyBased
import Testing

@testable import SyncDomain

/// The contract's example activity (contract.md section 1).
let contractActivity = #"""
    {"id":"act_0001","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u_alice",
     "message":{"id":"msg_1","threadId":"thr_1","rfc822Id":"<a1@mail.acme.com>","subject":"Pricing for 2027",
                "from":{"email":"alice@acme.com","name":"Alice Ng"},
                "to":[{"email":"bob@globex.com","name":"Bob Li"}],"cc":[],"bcc":[],
                "isReply":false,"sentWithProduct":true,"client":"gmail",
                "sequence":{"id":"seq_9","name":"Q4 Renewals","stage":2}}}
    """#

func rejection(_ line: String) -> String? {
    switch ActivityJSON.decode(line) {
    case .success: return nil
    case .failure(let r): return r.description
    }
}

@Suite("Activity JSON: the contract's input, validated with paths")
struct ActivityJSONTests {
    @Test("the contract's example decodes into the typed model")
    func contractExample() throws {
        let a = try ActivityJSON.decode(contractActivity).get()
        #expect(a.id == "act_0001")
        #expect(a.workspace == "acme")
        #expect(a.type == .emailSent)
        #expect(a.occurredAt == Timestamp(rfc3339: "2026-11-20T15:04:05Z"))
        #expect(a.userId == "u_alice")
        let m = try #require(a.message)
        #expect(m.subject == "Pricing for 2027")
        #expect(m.from == Person(email: "alice@acme.com", name: "Alice Ng"))
        #expect(m.to == [Person(email: "bob@globex.com", name: "Bob Li")])
        #expect(m.isReply == false)
        #expect(m.sentWithProduct)
        #expect(m.client == "gmail")
        #expect(m.sequence == SequenceRef(id: "seq_9", name: "Q4 Renewals", stage: 2))
        #expect(a.source == Array(contractActivity.utf8))
        #expect(a.eventID.rawValue == "activity/acme/act_0001")
    }

    @Test("unknown extra fields are kept in the stored payload and ignored")
    func unknownFieldsKept() throws {
        let line = #"{"id":"a1","workspace":"acme","type":"email.opened","occurredAt":"2026-11-20T15:04:05+01:00","userId":"u","ipAddress":"10.0.0.1","message":{"id":"m","subject":"s","from":{"email":"a@acme.com"},"to":[],"futureField":{"x":[1,2]}}}"#
        let a = try ActivityJSON.decode(line).get()
        #expect(String(decoding: a.source, as: UTF8.self) == line)
        #expect(ActivityJSON.encode(a) == Array(line.utf8))
        #expect(a.occurredAtOffsetMinutes == 60)
        #expect(a.occurredAt == Timestamp(rfc3339: "2026-11-20T14:04:05Z"))
        // And through the binary log.
        let e = try EventEnvelope(binary: EventEnvelope(activity: a, recordedAt: Timestamp(millisecondsSinceEpoch: 0)).binaryEncoded())
        guard case .activity(let back) = e.event else { return }
        #expect(back.source == a.source)
    }

    @Test("every activity type round-trips through its JSON form")
    func jsonRoundTrip() async {
        await propertyCheck(count: 1000, input: ModelGen.activity) { original in
            let bytes = ActivityJSON.jsonValue(original).jsonBytes()
            let decoded = ActivityJSON.decode(bytes)
            #expect(throws: Never.self) { try decoded.get() }
            guard var back = try? decoded.get() else { return }
            #expect(back.source == bytes)
            back.source = []
            var expected = original
            expected.occurredAt = Timestamp(rfc3339: original.occurredAt.rfc3339String(offsetMinutes: original.occurredAtOffsetMinutes))!
            #expect(back == expected)
        }
    }

    static let rejections: [(String, String)] = [
        (#"{"id":"a","workspace":"acme","type":"email.foo","occurredAt":"2026-11-20T15:04:05Z","userId":"u"}"#,
         #"type: unknown activity type "email.foo""#),
        (#"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20 15:04:05","userId":"u","message":{}}"#,
         "occurredAt: not an RFC 3339 date-time (e.g. 2026-11-20T15:04:05Z)"),
        (#"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05","userId":"u"}"#,
         "occurredAt: not an RFC 3339 date-time (e.g. 2026-11-20T15:04:05Z)"),
        (#"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-02-30T15:04:05Z","userId":"u"}"#,
         "occurredAt: not an RFC 3339 date-time (e.g. 2026-11-20T15:04:05Z)"),
        (#"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u"}"#,
         "missing field message"),
        (#"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u","message":{"id":"m","subject":"s","from":{"email":"a@acme.com"},"to":[{"email":"bob at globex"}]}}"#,
         "message.to[0].email: not an email address"),
        (#"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u","message":{"id":"m","subject":"s","from":{"email":"a@acme.com"},"to":[{"name":"Bob"}]}}"#,
         "message.to[0]: missing field email"),
        (#"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u","message":{"id":"m","subject":"s","from":{"email":"a@acme.com"},"to":[],"isReply":"no"}}"#,
         "message.isReply: must be true or false, not a string"),
        (#"{"id":"a","workspace":"acme","type":"email.clicked","occurredAt":"2026-11-20T15:04:05Z","userId":"u","message":{"id":"m","subject":"s","from":{"email":"a@acme.com"},"to":[]}}"#,
         "missing field url"),
        (#"{"id":"a","workspace":"acme","type":"email.bounced","occurredAt":"2026-11-20T15:04:05Z","userId":"u","message":{"id":"m","subject":"s","from":{"email":"a@acme.com"},"to":[]}}"#,
         "missing field recipient"),
        (#"{"id":"","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u"}"#,
         "id: must not be empty"),
        (#"{"id":"a","workspace":"ac/me","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u"}"#,
         "workspace: must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
        (#"{"workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u"}"#,
         "missing field id"),
        (#"{"id":"a","workspace":"acme","type":"task.upserted","occurredAt":"2026-11-20T15:04:05Z","userId":"u","task":{"id":"t","kind":"fax","subject":"s","status":"open"}}"#,
         #"task.kind: unknown task kind "fax""#),
        (#"{"id":"a","workspace":"acme","type":"task.upserted","occurredAt":"2026-11-20T15:04:05Z","userId":"u","task":{"id":"t","kind":"todo","subject":"s","status":"open","dueDate":"2026-13-01"}}"#,
         "task.dueDate: not a date (YYYY-MM-DD)"),
        (#"{"id":"a","workspace":"acme","type":"call.logged","occurredAt":"2026-11-20T15:04:05Z","userId":"u","call":{"id":"c","person":{"email":"p@x.com"},"durationSeconds":-5}}"#,
         "call.durationSeconds: must be at least 0"),
        (#"{"id":"a","workspace":"acme","type":"calendar.upserted","occurredAt":"2026-11-20T15:04:05Z","userId":"u","meeting":{"id":"m","title":"t","start":"2026-11-20T15:00:00Z","attendees":[]}}"#,
         "meeting: missing field end"),
        (#"[1,2]"#, "the line must be a JSON object, not an array"),
        (#"{"id":"a","id":"b"}"#, #"not valid JSON at byte 14: duplicate member name "id""#),
        (#"{"id":"a""#, "not valid JSON at byte 9: unexpected end of input (truncated?)"),
        ("", "not valid JSON at byte 0: empty input"),
    ]

    @Test("a bad line is rejected with the JSON path and the problem", arguments: rejections)
    func rejectedWithPath(line: String, expected: String) {
        #expect(rejection(line) == expected)
    }

    @Test("rejections never echo the offending value (personal data)")
    func noEcho() {
        let secret = "bob.secret.person"
        let lines = [
            #"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u","message":{"id":"m","subject":"s","from":{"email":"a@acme.com"},"to":[{"email":"\#(secret)"}]}}"#,
            #"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"\#(secret)","userId":"u"}"#,
            #"{"id":"a","workspace":"acme","type":"email.\#(secret) with spaces and more than forty characters","occurredAt":"2026-11-20T15:04:05Z","userId":"u"}"#,
            #"{"id":"a","workspace":"\#(secret)/x","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u"}"#,
            #"{"id":"a","workspace":"acme","type":"email.sent","occurredAt":"2026-11-20T15:04:05Z","userId":"u","message":{"id":"m","subject":\#(secret)}}"#,
        ]
        for line in lines {
            let r = rejection(line)
            #expect(r != nil)
            #expect(!(r ?? "").contains("secret"), "echoed: \(r ?? "")")
        }
    }

    @Test("hostile input: a 10 MB line is refused by size, quickly")
    func hugeLine() {
        let big = "{\"id\":\"" + String(repeating: "a", count: 10 << 20) + "\"}"
        #expect(rejection(big) == "the line is \(big.utf8.count) bytes; the limit is 1048576")
    }

    @Test("hostile input: deep nesting is refused without recursion blowing the stack")
    func deepNesting() {
        let deep = String(repeating: "[", count: 200_000)
        #expect(rejection(deep) == "not valid JSON at byte 32: nested deeper than 32 levels")
        let deepObject = String(repeating: #"{"a":"#, count: 100_000)
        #expect(rejection(deepObject)?.contains("nested deeper than 32 levels") == true)
    }

    @Test("hostile input: invalid UTF-8, binary garbage, NULs and a lone surrogate are refused")
    func garbage() {
        let invalid: [UInt8] = Array(#"{"id":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(ActivityJSON.decode(invalid).rejectionText == "not valid JSON at byte 7: invalid UTF-8")
        let overlong: [UInt8] = Array(#"{"id":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        #expect(ActivityJSON.decode(overlong).rejectionText == "not valid JSON at byte 7: invalid UTF-8")
        let surrogate = #"{"id":"\ud800"}"#
        #expect(rejection(surrogate)?.contains("unpaired surrogate") == true)
        #expect(rejection("{\"id\":\"a\u{0}b\"}")?.contains("control character in string") == true)
        var rng = seeded(9)
        for _ in 0..<5000 {
            let bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if case .success = ActivityJSON.decode(bytes) { Issue.record("garbage accepted") }
        }
    }

    @Test("hostile input: every truncation of a valid line is rejected with a reason")
    func truncations() {
        let bytes = Array(contractActivity.utf8)
        for cut in 0..<bytes.count {
            let r = ActivityJSON.decode(Array(bytes[..<cut]))
            guard case .failure(let rejection) = r else {
                // Only a cut in trailing whitespace may still be the whole object.
                #expect(bytes[cut...].allSatisfy { $0 == 0x20 || $0 == 0x0A })
                continue
            }
            #expect(!rejection.problem.isEmpty)
        }
    }

    @Test("X1 helpers: local part without +tag, lower-cased; domain lower-cased")
    func emailHelpers() {
        #expect(EmailAddress.localPart(" No-Reply+bounces@Acme.COM ") == "no-reply")
        #expect(EmailAddress.domain("Alice@ACME.com") == "acme.com")
        #expect(EmailAddress.isValid("a@b.co"))
        #expect(!EmailAddress.isValid("a@b"))
        #expect(!EmailAddress.isValid("a b@c.com"))
        #expect(!EmailAddress.isValid("a@@c.com"))
        #expect(!EmailAddress.isValid("a@c..com"))
        #expect(!EmailAddress.isValid("@c.com"))
    }
}

extension Result where Failure == InputRejection {
    var rejectionText: String? {
        if case .failure(let r) = self { return r.description }
        return nil
    }
}
