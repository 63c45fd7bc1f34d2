/// An instant, in milliseconds since 1970-01-01T00:00:00Z (UTC).
///
/// Time in the domain is always passed in (from an event or the caller);
/// nothing here reads a clock.
///
/// ```swift
/// let t = Timestamp(rfc3339: "2026-11-20T15:04:05Z")!
/// t.rfc3339String // "2026-11-20T15:04:05Z"
/// ```
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch (negative before it).
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// Adds whole milliseconds.
    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    public var description: String { rfc3339String }

    /// Parses an RFC 3339 date-time with an offset or `Z`
    /// (`2026-11-20T15:04:05Z`, `2026-11-20T07:04:05.250-08:00`).
    /// Fractions (1-9 digits) beyond milliseconds are truncated. Returns nil for anything else.
    public init?(rfc3339 text: String) {
        guard let parsed = RFC3339.parseDateTime(Array(text.utf8), allowCompactOffset: false) else { return nil }
        self = parsed.instant
    }

    /// Parses Salesforce's date-time form (`2026-11-20T15:00:00.000+0000`) as well as RFC 3339.
    public init?(salesforceDateTime text: String) {
        guard let parsed = RFC3339.parseDateTime(Array(text.utf8), allowCompactOffset: true) else { return nil }
        self = parsed.instant
    }

    /// The instant in UTC as RFC 3339 (`2026-11-20T15:04:05Z`, or with `.SSS` when there are milliseconds).
    public var rfc3339String: String { rfc3339String(offsetMinutes: 0) }

    /// The instant as RFC 3339 written at the given UTC offset (`2026-11-20T07:04:05-08:00`).
    public func rfc3339String(offsetMinutes: Int) -> String {
        let local = millisecondsSinceEpoch + Int64(offsetMinutes) * 60_000
        let (days, msOfDay) = floorDivMod(local, 86_400_000)
        let date = LocalDate(daysSinceEpoch: Int(days))
        let hour = Int(msOfDay / 3_600_000)
        let minute = Int(msOfDay / 60_000 % 60)
        let second = Int(msOfDay / 1000 % 60)
        let millis = Int(msOfDay % 1000)
        var s = date.isoString + "T" + pad2(hour) + ":" + pad2(minute) + ":" + pad2(second)
        if millis != 0 { s += "." + pad3(millis) }
        if offsetMinutes == 0 {
            s += "Z"
        } else {
            let sign = offsetMinutes < 0 ? "-" : "+"
            let m = abs(offsetMinutes)
            s += sign + pad2(m / 60) + ":" + pad2(m % 60)
        }
        return s
    }
}

/// A calendar date without a time zone (`YYYY-MM-DD`), e.g. a Task's `ActivityDate` (T4).
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A date; nil when the day does not exist (`2026-02-30`).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            let y = RFC3339.digits(b, 0, 4), let m = RFC3339.digits(b, 5, 2), let d = RFC3339.digits(b, 8, 2)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date `days` after 1970-01-01 (proleptic Gregorian).
    public init(daysSinceEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `YYYY-MM-DD`.
    public var isoString: String {
        var y = String(year)
        while y.utf8.count < 4 { y = "0" + y }
        return y + "-" + pad2(month) + "-" + pad2(day)
    }

    public var description: String { isoString }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// RFC 3339 parsing on bytes (no Foundation, no locale).
enum RFC3339 {
    struct Parsed {
        var instant: Timestamp
        var offsetMinutes: Int
    }

    static func digits(_ b: [UInt8], _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.count else { return nil }
        var v = 0
        for i in start..<(start + count) {
            let c = b[i]
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`; with `allowCompactOffset`, also `+HHMM`.
    static func parseDateTime(_ b: [UInt8], allowCompactOffset: Bool) -> Parsed? {
        guard b.count >= 20, b.count <= 64,
            let y = digits(b, 0, 4), b[4] == UInt8(ascii: "-"),
            let mo = digits(b, 5, 2), b[7] == UInt8(ascii: "-"),
            let d = digits(b, 8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            let h = digits(b, 11, 2), b[13] == UInt8(ascii: ":"),
            let mi = digits(b, 14, 2), b[16] == UInt8(ascii: ":"),
            let s = digits(b, 17, 2),
            let date = LocalDate(year: y, month: mo, day: d),
            h <= 23, mi <= 59, s <= 60
        else { return nil }
        var i = 19
        var millis = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if i - start < 3 { millis = millis * 10 + Int(b[i] - 48) }
                i += 1
            }
            guard i > start, i - start <= 9 else { return nil }
            for _ in 0..<max(0, 3 - (i - start)) { millis *= 10 }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = digits(b, i + 1, 2), oh <= 23 else { return nil }
            let om: Int
            if i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let v = digits(b, i + 4, 2) {
                om = v
                i += 6
            } else if allowCompactOffset, let v = digits(b, i + 3, 2) {
                om = v
                i += 5
            } else {
                return nil
            }
            guard om <= 59 else { return nil }
            offset = sign * (oh * 60 + om)
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(h * 3600 + mi * 60 + min(s, 59))
        let ms = seconds * 1000 + Int64(millis) - Int64(offset) * 60_000
        return Parsed(instant: Timestamp(millisecondsSinceEpoch: ms), offsetMinutes: offset)
    }
}

func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    var q = a / b
    var r = a % b
    if r < 0 {
        q -= 1
        r += b
    }
    return (q, r)
}

func pad2(_ v: Int) -> String { v < 10 ? "0" + String(v) : String(v) }
func pad3(_ v: Int) -> String { v < 10 ? "00" + String(v) : v < 100 ? "0" + String(v) : String(v) }
