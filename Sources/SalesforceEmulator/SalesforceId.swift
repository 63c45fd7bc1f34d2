/// Salesforce record ids: a 3-character key prefix, 12 characters, and the
/// 3-character case-safe checksum that turns a 15-character id into 18.
public enum SalesforceId {
    static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    static let suffixAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".utf8)

    /// The 3-character suffix of a 15-character id: one character per five,
    /// whose bits say which of the five are upper-case letters.
    public static func checksum(_ id15: some StringProtocol) -> String {
        let bytes = Array(id15.utf8)
        precondition(bytes.count == 15)
        var out: [UInt8] = []
        for chunk in 0..<3 {
            var bits = 0
            for i in 0..<5 {
                let c = bytes[chunk * 5 + i]
                if c >= 65 && c <= 90 { bits |= 1 << i }
            }
            out.append(suffixAlphabet[bits])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 18-character form of a 15- or 18-character id, or nil when it is not one.
    public static func normalized(_ id: String) -> String? {
        let bytes = Array(id.utf8)
        guard bytes.count == 15 || bytes.count == 18 else { return nil }
        for c in bytes[0..<15] {
            let ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            if !ok { return nil }
        }
        let id15 = String(decoding: bytes[0..<15], as: UTF8.self)
        let suffix = checksum(id15)
        if bytes.count == 18 {
            // The suffix is case-insensitive in Salesforce.
            guard String(decoding: bytes[15..<18], as: UTF8.self).uppercased() == suffix else { return nil }
        }
        return id15 + suffix
    }

    /// A new id with `prefix`, made from a counter (base 62, 12 characters).
    public static func make(prefix: String, counter: Int) -> String {
        var n = counter
        var digits: [UInt8] = []
        while n > 0 {
            digits.append(base62[n % 62])
            n /= 62
        }
        while digits.count < 9 { digits.append(UInt8(ascii: "0")) }
        // "5e" + "0" marks emulator-made ids (like a pod), then 9 counter digits.
        let body = "5e0" + String(decoding: digits.reversed(), as: UTF8.self)
        let id15 = prefix + body
        return id15 + checksum(id15)
    }
}
