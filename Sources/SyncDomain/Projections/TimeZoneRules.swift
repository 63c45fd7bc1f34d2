/// The UTC offset of a user's time zone at an instant, computed from built-in
/// rules (T4), with no tz database and no Foundation (the domain reads no files).
///
/// Covers UTC/GMT, fixed offsets (`+05:30`, `UTC-03:00`), and the IANA zones
/// sellers use most (North America, Europe, Asia-Pacific, South America) with
/// their current daylight-saving rules. An unknown zone returns `nil`; the
/// planner then falls back to the offset the activity was written in and says
/// so in the audit (behaviour note).
public enum TimeZoneRules {
    enum DST: Sendable {
        case none
        /// US/Canada: 2nd Sunday of March 02:00 local to 1st Sunday of November 02:00 local.
        case northAmerica
        /// EU: last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC.
        case europe
        /// Australia (south-east): 1st Sunday of October 02:00 std to 1st Sunday of April 03:00 daylight.
        case australia
        /// New Zealand: last Sunday of September 02:00 std to 1st Sunday of April 03:00 daylight.
        case newZealand
    }

    static let zones: [String: (Int, DST)] = [
        "UTC": (0, .none), "Etc/UTC": (0, .none), "GMT": (0, .none), "Etc/GMT": (0, .none), "Z": (0, .none),
        "America/New_York": (-300, .northAmerica), "America/Toronto": (-300, .northAmerica),
        "America/Detroit": (-300, .northAmerica), "America/Chicago": (-360, .northAmerica),
        "America/Winnipeg": (-360, .northAmerica), "America/Denver": (-420, .northAmerica),
        "America/Edmonton": (-420, .northAmerica), "America/Phoenix": (-420, .none),
        "America/Los_Angeles": (-480, .northAmerica), "America/Vancouver": (-480, .northAmerica),
        "America/Anchorage": (-540, .northAmerica), "Pacific/Honolulu": (-600, .none),
        "America/Halifax": (-240, .northAmerica), "America/Mexico_City": (-360, .none),
        "America/Sao_Paulo": (-180, .none), "America/Argentina/Buenos_Aires": (-180, .none),
        "America/Bogota": (-300, .none), "America/Lima": (-300, .none),
        "US/Eastern": (-300, .northAmerica), "US/Central": (-360, .northAmerica),
        "US/Mountain": (-420, .northAmerica), "US/Pacific": (-480, .northAmerica),
        "Europe/London": (0, .europe), "Europe/Dublin": (0, .europe), "Europe/Lisbon": (0, .europe),
        "Europe/Paris": (60, .europe), "Europe/Berlin": (60, .europe), "Europe/Madrid": (60, .europe),
        "Europe/Rome": (60, .europe), "Europe/Amsterdam": (60, .europe), "Europe/Brussels": (60, .europe),
        "Europe/Vienna": (60, .europe), "Europe/Zurich": (60, .europe), "Europe/Stockholm": (60, .europe),
        "Europe/Oslo": (60, .europe), "Europe/Copenhagen": (60, .europe), "Europe/Prague": (60, .europe),
        "Europe/Warsaw": (60, .europe), "Europe/Budapest": (60, .europe),
        "Europe/Helsinki": (120, .europe), "Europe/Athens": (120, .europe), "Europe/Kyiv": (120, .europe),
        "Europe/Kiev": (120, .europe), "Europe/Bucharest": (120, .europe),
        "Europe/Istanbul": (180, .none), "Europe/Moscow": (180, .none), "Africa/Johannesburg": (120, .none),
        "Africa/Lagos": (60, .none), "Africa/Cairo": (120, .none), "Asia/Dubai": (240, .none),
        "Asia/Kolkata": (330, .none), "Asia/Calcutta": (330, .none), "Asia/Singapore": (480, .none),
        "Asia/Shanghai": (480, .none), "Asia/Hong_Kong": (480, .none), "Asia/Taipei": (480, .none),
        "Asia/Manila": (480, .none), "Asia/Tokyo": (540, .none), "Asia/Seoul": (540, .none),
        "Asia/Jakarta": (420, .none), "Asia/Bangkok": (420, .none), "Australia/Perth": (480, .none),
        "Australia/Brisbane": (600, .none), "Australia/Sydney": (600, .australia),
        "Australia/Melbourne": (600, .australia), "Australia/Adelaide": (570, .australia),
        "Pacific/Auckland": (720, .newZealand),
    ]

    /// Whether `zone` is one this table knows.
    public static func isKnown(_ zone: String) -> Bool { offsetMinutes(zone: zone, at: Timestamp(millisecondsSinceEpoch: 0)) != nil }

    /// The offset from UTC in minutes of `zone` at `instant`, or nil for an unknown zone.
    public static func offsetMinutes(zone: String, at instant: Timestamp) -> Int? {
        if let fixed = fixedOffset(zone) { return fixed }
        guard let (standard, dst) = zones[zone] else { return nil }
        return standard + (isDaylight(dst, standard: standard, at: instant.millisecondsSinceEpoch) ? 60 : 0)
    }

    /// The local calendar date of `instant` in `zone` (T4), or nil for an unknown zone.
    public static func localDate(zone: String, at instant: Timestamp) -> LocalDate? {
        guard let offset = offsetMinutes(zone: zone, at: instant) else { return nil }
        return localDate(offsetMinutes: offset, at: instant)
    }

    /// The local calendar date of `instant` at a fixed offset.
    public static func localDate(offsetMinutes: Int, at instant: Timestamp) -> LocalDate {
        let local = instant.millisecondsSinceEpoch + Int64(offsetMinutes) * 60_000
        let (days, _) = floorDivMod(local, 86_400_000)
        return LocalDate(daysSinceEpoch: Int(days))
    }

    static func fixedOffset(_ zone: String) -> Int? {
        var s = Substring(zone)
        if s.hasPrefix("UTC") || s.hasPrefix("GMT") { s = s.dropFirst(3) }
        guard let sign = s.first, sign == "+" || sign == "-" else { return nil }
        let rest = s.dropFirst()
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let h = Int(parts[0]), h <= 14 else { return nil }
        let m = parts.count == 2 ? Int(parts[1]) : 0
        guard let m, m < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (h * 60 + m)
    }

    /// Milliseconds since epoch (UTC) of `hour`:00 UTC on the given day.
    private static func utcMillis(_ date: LocalDate, hour: Int) -> Int64 {
        Int64(date.daysSinceEpoch) * 86_400_000 + Int64(hour) * 3_600_000
    }

    /// The n-th (1-based) Sunday of a month; n = 0 means the last Sunday.
    static func sunday(year: Int, month: Int, nth: Int) -> LocalDate {
        if nth == 0 {
            let last = LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!
            // 1970-01-01 was a Thursday: weekday 0 = Sunday -> (days + 4) % 7.
            let weekday = ((last.daysSinceEpoch + 4) % 7 + 7) % 7
            return LocalDate(daysSinceEpoch: last.daysSinceEpoch - weekday)
        }
        let first = LocalDate(year: year, month: month, day: 1)!
        let weekday = ((first.daysSinceEpoch + 4) % 7 + 7) % 7
        let firstSunday = first.daysSinceEpoch + (7 - weekday) % 7
        return LocalDate(daysSinceEpoch: firstSunday + (nth - 1) * 7)
    }

    static func isDaylight(_ rule: DST, standard: Int, at ms: Int64) -> Bool {
        let stdMinutes = Int64(standard) * 60_000
        let year = LocalDate(daysSinceEpoch: Int(floorDivMod(ms + stdMinutes, 86_400_000).0)).year
        switch rule {
        case .none:
            return false
        case .northAmerica:
            // 02:00 local standard time -> UTC = 02:00 - offset.
            let start = utcMillis(sunday(year: year, month: 3, nth: 2), hour: 2) - stdMinutes
            let end = utcMillis(sunday(year: year, month: 11, nth: 1), hour: 2) - stdMinutes - 3_600_000
            return ms >= start && ms < end
        case .europe:
            let start = utcMillis(sunday(year: year, month: 3, nth: 0), hour: 1)
            let end = utcMillis(sunday(year: year, month: 10, nth: 0), hour: 1)
            return ms >= start && ms < end
        case .australia:
            let end = utcMillis(sunday(year: year, month: 4, nth: 1), hour: 3) - stdMinutes - 3_600_000
            let start = utcMillis(sunday(year: year, month: 10, nth: 1), hour: 2) - stdMinutes
            return ms < end || ms >= start
        case .newZealand:
            let end = utcMillis(sunday(year: year, month: 4, nth: 1), hour: 3) - stdMinutes - 3_600_000
            let start = utcMillis(sunday(year: year, month: 9, nth: 0), hour: 2) - stdMinutes
            return ms < end || ms >= start
        }
    }
}
