/// SHA-256 in pure Swift, for sync keys (design "Idempotency"): the same input
/// gives the same digest on every machine and every run (unlike `Hasher`,
/// which is randomly seeded per process).
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

    /// The 32-byte digest of `message`.
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19,
        ]
        var data = message
        let bitLength = UInt64(message.count) &* 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for i in (0..<8).reversed() { data.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        var w = [UInt32](repeating: 0, count: 64)
        var chunk = 0
        while chunk < data.count {
            for i in 0..<16 {
                let b = chunk + i * 4
                w[i] = UInt32(data[b]) << 24 | UInt32(data[b + 1]) << 16 | UInt32(data[b + 2]) << 8 | UInt32(data[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                hh = g
                g = f
                f = e
                e = d &+ t1
                d = c
                c = b
                b = a
                a = t1 &+ t2
            }
            h[0] = h[0] &+ a
            h[1] = h[1] &+ b
            h[2] = h[2] &+ c
            h[3] = h[3] &+ d
            h[4] = h[4] &+ e
            h[5] = h[5] &+ f
            h[6] = h[6] &+ g
            h[7] = h[7] &+ hh
            chunk += 64
        }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for v in h {
            out.append(UInt8(v >> 24))
            out.append(UInt8(truncatingIfNeeded: v >> 16))
            out.append(UInt8(truncatingIfNeeded: v >> 8))
            out.append(UInt8(truncatingIfNeeded: v))
        }
        return out
    }

    /// Lower-case hex of the digest.
    static func hex(_ message: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest(message) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}

/// FNV-1a, 64 bits: a small stable digest (the same on every run and machine, unlike `Hasher`)
/// for content-derived ids and for recognising identical writes. Not for security.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    @inline(__always) public mutating func byte(_ b: UInt8) { value = (value ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }

    /// The string's UTF-8 bytes, then a 0x1F separator (so `"ab","c"` and `"a","bc"` differ).
    @inline(__always) public mutating func string(_ s: String) {
        // Read in place (no copy of the string to make it mutable, no retain and release);
        // the fallback is for strings without contiguous UTF-8 (bridged), which the fold never sees.
        if s.utf8.withContiguousStorageIfAvailable({ absorb($0) }) == nil {
            var s = s
            s.withUTF8 { absorb($0) }
        }
        byte(0x1F)
    }

    /// The bytes, without a separator.
    @inline(__always) mutating func absorb(_ buffer: UnsafeBufferPointer<UInt8>) {
        var v = value
        for b in buffer { v = (v ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        value = v
    }

    /// The bytes, then a 0x1F separator.
    public mutating func bytes(_ bytes: some Sequence<UInt8>) {
        for b in bytes { byte(b) }
        byte(0x1F)
    }

    /// Eight bytes, little-endian.
    @inline(__always) public mutating func int(_ v: Int64) {
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 {
            byte(UInt8(truncatingIfNeeded: x))
            x >>= 8
        }
    }

    /// 16 lowercase hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// A stable 64-bit digest that reads sixteen bytes at a time: each pair of words is folded
/// into the state by a full 64x64->128-bit multiply of the two (each xor-ed with a secret)
/// whose halves are xor-ed, the "folded multiply" of foldhash and wyhash. The same on every
/// run and machine (fixed constants, little-endian words), several times cheaper than
/// ``FNV1a`` on strings of more than a few bytes. Not for security.
///
/// A string is read as wyhash reads it: up to 16 bytes as one pair (the first and last eight
/// bytes, or four, or the first, middle and last byte: together they cover every byte), longer
/// ones sixteen bytes a step and then their last sixteen (overlapping). Its length is added to
/// the state first, so `"ab","c"` and `"a","bc"` differ, and so do `"a"` and `"a\0"`.
struct WordDigest: Sendable {
    private(set) var state: UInt64 = 0x243F_6A88_85A3_08D3  // pi's fraction, as in foldhash
    static let secret0: UInt64 = 0xA076_1D64_78BD_642F  // wyhash's secrets
    static let secret1: UInt64 = 0xE703_7ED1_A0B4_28DB
    static let secret2: UInt64 = 0x8EBC_6AF0_9C88_C6E3

    init() {}

    /// One multiply for two words. A multiplier of zero would drop the state; `b` is never
    /// `secret1`: its bytes are not UTF-8 (0xDB followed by 0x28), and a short read leaves high bytes zero.
    @inline(__always) mutating func pair(_ a: UInt64, _ b: UInt64) {
        let p = (a ^ state ^ Self.secret0).multipliedFullWidth(by: b ^ Self.secret1)
        state = p.high ^ p.low
    }

    @inline(__always) mutating func word(_ w: UInt64) { pair(w, Self.secret2) }

    @inline(__always) mutating func int(_ v: Int64) { word(UInt64(bitPattern: v)) }

    /// The string's length, then its UTF-8.
    @inline(__always) mutating func string(_ s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ absorb($0) }) == nil {
            var s = s
            s.withUTF8 { absorb($0) }
        }
    }

    @inline(__always) mutating func absorb(_ u: UnsafeBufferPointer<UInt8>) {
        let n = u.count
        state = state &+ UInt64(truncatingIfNeeded: n) &* Self.secret2
        guard n > 0, let base = u.baseAddress else { return pair(0, 0) }
        let raw = UnsafeRawPointer(base)
        @inline(__always) func load64(_ i: Int) -> UInt64 {
            UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        }
        @inline(__always) func load32(_ i: Int) -> UInt64 {
            UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
        }
        if n <= 16 {
            if n >= 8 {
                pair(load64(0), load64(n - 8))
            } else if n >= 4 {
                pair(load32(0), load32(n - 4))
            } else {
                pair(UInt64(base[0]) << 16 | UInt64(base[n >> 1]) << 8 | UInt64(base[n - 1]), 0)
            }
            return
        }
        var i = 0
        while n - i > 16 {
            pair(load64(i), load64(i + 8))
            i += 16
        }
        pair(load64(n - 16), load64(n - 8))
    }

    /// The digest: the state folded once more, so that the last pair is mixed like the others.
    var value: UInt64 {
        let p = (state ^ Self.secret0).multipliedFullWidth(by: Self.secret2)
        return p.high ^ p.low
    }
}
