/// Salesforce record ids: 15-character ids are the case-sensitive form of the
/// same 18-character id. Known records are keyed by the 18-character form so
/// that a change sent with either form lands on the same record.
public enum SalesforceIdentifier {
    private static let suffixAlphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")

    /// The 18-character form of `id` (unchanged if it is not 15 ASCII alphanumerics).
    public static func canonical(_ id: String) -> String {
        // The length first (no copy of the bytes): ids are nearly always 18 characters already.
        guard id.utf8.count == 15 else { return id }
        let u = Array(id.utf8)
        var suffix = ""
        for chunk in 0..<3 {
            var bits = 0
            for i in 0..<5 {
                let c = u[chunk * 5 + i]
                if c >= 65 && c <= 90 { bits |= 1 << i }
                if !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) { return id }
            }
            suffix.append(suffixAlphabet[bits])
        }
        return id + suffix
    }

    /// Whether `text` looks like a Salesforce id (15 or 18 ASCII alphanumerics).
    public static func looksLikeId(_ text: String) -> Bool {
        let u = text.utf8
        guard u.count == 15 || u.count == 18 else { return false }
        return u.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }
}
