/// Instants as milliseconds since 1970 and Salesforce's text forms of them:
/// `2024-05-07T22:07:19.000+0000` (no colon in the offset) and `YYYY-MM-DD`.
public enum Timestamp {
    /// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func pad(_ v: Int, _ width: Int, into out: inout [UInt8]) {
        var digits: [UInt8] = []
        var n = v
        repeat {
            digits.append(UInt8(48 + n % 10))
            n /= 10
        } while n > 0
        while digits.count < width { digits.append(48) }
        out.append(contentsOf: digits.reversed())
    }

    /// `2024-05-07T22:07:19.000+0000`
    public static func format(_ ms: Int64) -> String {
        let totalMs = Int(ms)
        let dayMs = 86_400_000
        let days = totalMs >= 0 ? totalMs / dayMs : (totalMs - dayMs + 1) / dayMs
        let rem = totalMs - days * dayMs
        let (y, mo, d) = civil(days: days)
        var out: [UInt8] = []
        out.reserveCapacity(28)
        pad(y, 4, into: &out); out.append(45)
        pad(mo, 2, into: &out); out.append(45)
        pad(d, 2, into: &out); out.append(84)
        pad(rem / 3_600_000, 2, into: &out); out.append(58)
        pad(rem / 60_000 % 60, 2, into: &out); out.append(58)
        pad(rem / 1000 % 60, 2, into: &out); out.append(46)
        pad(rem % 1000, 3, into: &out)
        out.append(contentsOf: "+0000".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYY-MM-DD` of the UTC day of `ms`.
    public static func formatDate(_ ms: Int64) -> String {
        String(format(ms).prefix(10))
    }

    /// Reads `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM|+HHMM]`.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), b.count >= 10, b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
            (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var ms = Int64(days(year: y, month: mo, day: d)) * 86_400_000
        if b.count == 10 { return ms }
        guard b[10] == 84 || b[10] == 116 || b[10] == 32, let h = num(11, 2), b.count > 13, b[13] == 58,
            let mi = num(14, 2), h < 24, mi < 60
        else { return nil }
        var i = 16
        var s = 0
        var frac = 0
        if i < b.count, b[i] == 58 {
            guard let sv = num(i + 1, 2), sv < 61 else { return nil }
            s = sv
            i += 3
            if i < b.count, b[i] == 46 {
                i += 1
                var digits = 0
                var f = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if digits < 3 { f = f * 10 + Int(b[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                if digits < 3 { for _ in digits..<3 { f *= 10 } }
                frac = f
            }
        }
        ms += Int64(h * 3_600_000 + mi * 60_000 + s * 1000 + frac)
        guard i < b.count else { return ms }  // no zone: UTC
        if b[i] == 90 || b[i] == 122 { return i + 1 == b.count ? ms : nil }
        guard b[i] == 43 || b[i] == 45, let oh = num(i + 1, 2) else { return nil }
        var j = i + 3
        if j < b.count, b[j] == 58 { j += 1 }
        guard let om = num(j, 2), j + 2 == b.count else { return nil }
        let offset = Int64(oh * 3_600_000 + om * 60_000)
        return b[i] == 43 ? ms - offset : ms + offset
    }
}
