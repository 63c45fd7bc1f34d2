import Foundation
import Testing

@testable import SyncDomain

/// The projections' keyed store (``KeyedEntries``) and the hash it probes with (``KeyHash``):
/// it must find exactly the keys a `Dictionary<String, _>` would, canonical equivalence included.
@Suite("Keyed entries")
struct KeyedEntriesTests {
    /// Keys of the shapes the fold uses, with lengths around the 8-byte steps of the hash.
    static func keys(_ n: Int) -> [String] {
        (0..<n).map { i in
            switch i % 4 {
            case 0: String(repeating: "k", count: i % 23) + "\(i)"
            case 1: "act_\(i)_" + String(repeating: "0", count: i % 9)
            case 2: "person\(i)@example.com"
            default: String(i, radix: 16)
            }
        }
    }

    @Test("every key inserted is found at its slot, through growth; keys never inserted are not")
    func findsWhatWasInserted() {
        var entries = KeyedEntries<Int>()
        let keys = Self.keys(5_000)
        for (i, k) in keys.enumerated() {
            let (slot, inserted) = entries.slot(of: k) { i }
            #expect(inserted)
            #expect(slot == i)
        }
        for (i, k) in keys.enumerated() {
            #expect(entries.slot(of: k) == i)
            #expect(entries[k] == i)
            #expect(entries.slot(of: k, insertingIfAbsent: { -1 }) == (i, false))
        }
        #expect(entries.count == keys.count)
        for k in ["", "absent", "k", "act_1_x", "person1@example.co", "person1@example.comm"] {
            #expect(entries.slot(of: k) == nil)
        }
    }

    @Test("canonically equal spellings are one key, as in a Dictionary")
    func canonicalEquivalence() {
        let pairs: [(String, String)] = [
            ("Kelvin", "\u{212A}elvin"),  // U+212A KELVIN SIGN is K
            ("caf\u{E9}@example.com", "cafe\u{301}@example.com"),  // precomposed and combining
            ("\u{212A}", "K"),
        ]
        for (a, b) in pairs {
            #expect(a == b)
            #expect(KeyHash.of(a) == KeyHash.of(b))
            #expect(KeyHash.equal(a, b))
            var entries = KeyedEntries<Int>()
            _ = entries.slot(of: a) { 1 }
            #expect(entries.slot(of: b) == 0)
            #expect(entries.slot(of: b, insertingIfAbsent: { 2 }) == (0, false))
            #expect(entries.count == 1)
        }
    }

    @Test("equal keys with different storage hash and compare equal; different keys compare unequal")
    func equalityAndHash() {
        for k in Self.keys(300) + ["", "é", "0123456789abcdef0123456789abcdef"] {
            let copy = String(decoding: Array(k.utf8), as: UTF8.self)  // other storage
            #expect(KeyHash.of(k) == KeyHash.of(copy))
            #expect(KeyHash.equal(k, copy))
            #expect(!KeyHash.equal(k, k + "x"))
            #expect(!KeyHash.equal(k + "a", k + "b"))
        }
        // Keys that differ in one byte anywhere, including the last (overlapping) word.
        let base = Array("0123456789abcdef0123456789abcde".utf8)
        for i in base.indices {
            var other = base
            other[i] ^= 1
            let a = String(decoding: base, as: UTF8.self), b = String(decoding: other, as: UTF8.self)
            #expect(!KeyHash.equal(a, b))
            #expect(KeyHash.of(a) != KeyHash.of(b))
        }
    }

    @Test("a map restored from its encoding equals the original and finds the same keys")
    func codableRoundTrip() throws {
        var entries = KeyedEntries<Int>()
        for (i, k) in Self.keys(200).enumerated() { _ = entries.slot(of: k) { i } }
        let json = try JSONEncoder().encode(entries)
        let back = try JSONDecoder().decode(KeyedEntries<Int>.self, from: json)
        #expect(back == entries)
        for (k, v) in entries { #expect(back[k] == v) }
    }

    @Test("FNV-1a gives the published digests, and the same digest whatever the length")
    func fnvDigests() {
        func digest(_ bytes: [UInt8]) -> UInt64 {
            var f = FNV1a()
            bytes.withUnsafeBufferPointer { f.absorb($0) }
            return f.value
        }
        // Test vectors of the FNV reference (FNV-1a, 64 bits).
        #expect(digest([]) == 0xcbf2_9ce4_8422_2325)
        #expect(digest(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(digest(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
        // Byte at a time, as the content ids of Salesforce changes were made (SyncStore.StableHash).
        let bytes = (0..<70).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for n in 0...bytes.count {
            var v: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes.prefix(n) { v = (v ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
            #expect(digest(Array(bytes.prefix(n))) == v)
        }
    }
}

/// Record ids are keyed by their 18-character form (``SalesforceIdentifier``).
@Suite("Salesforce ids")
struct SalesforceIdentifierTests {
    @Test("a 15-character id gets its 18-character form; any other id is returned as it is")
    func canonicalForm() {
        #expect(SalesforceIdentifier.canonical("00300000003T2PG") == "00300000003T2PGAA0")
        #expect(SalesforceIdentifier.canonical("00300000003T2PGAA0") == "00300000003T2PGAA0")
        #expect(SalesforceIdentifier.canonical("001abcdeABCDE12") == "001abcdeABCDE12AYH")
        for id in ["", "003", "00300000003T2P", "00300000003T2PGA", "0030000000-T2PG", "00300000003T2P\u{E9}", "0030000000T2P\u{E9}"] {
            #expect(SalesforceIdentifier.canonical(id) == id)
        }
    }
}
