import Foundation
import SyncWorkloads
import Testing

@testable import SyncDomain

/// The engagement projection (D2 first open/click/download, X7 first occurrence) and its
/// snapshot shape: keys `"{messageId}\u{1F}{type}"`, as when it was a dictionary keyed so.
@Suite("Engagement")
struct EngagementTests {
    static func engagement(_ id: String, _ type: ActivityType, message: String) -> Activity {
        Fixtures.activity(id, type, message: Fixtures.message(message))
    }

    static let folded: Engagement = {
        var e = Engagement.initial
        for a in [
            engagement("a1", .emailOpened, message: "m1"), engagement("a2", .emailOpened, message: "m1"),
            engagement("a3", .emailClicked, message: "m1"), engagement("a4", .emailDownloaded, message: "m2"),
            engagement("a5", .emailReplied, message: "m3"), engagement("a6", .emailClicked, message: "m1"),
        ] { e.evolve(a) }
        return e
    }()

    @Test("D2: the first activity of each engagement type per message, later ones ignored; replies are not kept")
    func firstPerMessageAndType() {
        let e = Self.folded
        #expect(e.first(message: "m1", type: .emailOpened) == "a1")
        #expect(e.first(message: "m1", type: .emailClicked) == "a3")
        #expect(e.first(message: "m1", type: .emailDownloaded) == nil)
        #expect(e.first(message: "m2", type: .emailDownloaded) == "a4")
        #expect(e.first(message: "m3", type: .emailReplied) == nil)
        #expect(e.first(message: "m4", type: .emailOpened) == nil)
    }

    @Test("the snapshot holds one key per message and type, as the dictionary it replaces did, and loads back equal")
    func snapshotShape() throws {
        let json = try JSONEncoder().encode(Self.folded)
        let object = try JSONSerialization.jsonObject(with: json) as! [String: Any]
        let flat = object["firstByMessage"] as! [String: String]
        #expect(flat == ["m1\u{1F}email.opened": "a1", "m1\u{1F}email.clicked": "a3", "m2\u{1F}email.downloaded": "a4"])
        #expect(try JSONDecoder().decode(Engagement.self, from: json) == Self.folded)
    }

    @Test("a snapshot written when the keys were built per message and type loads as the folded state")
    func earlierSnapshotLoads() throws {
        let earlier = Data(#"""
            {"firstByMessage":{"m1\u001femail.opened":"a1","m1\u001femail.clicked":"a3","m2\u001femail.downloaded":"a4"},"firstOccurrence":{}}
            """#.utf8)
        let back = try JSONDecoder().decode(Engagement.self, from: earlier)
        #expect(back == Self.folded)
        #expect(back.first(message: "m1", type: .emailClicked) == "a3")
    }

    @Test("a key without an engagement type is refused, not dropped")
    func unknownKeyRefused() {
        let odd = Data(#"{"firstByMessage":{"m1\u001femail.replied":"a5"},"firstOccurrence":{}}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Engagement.self, from: odd) }
    }
}
