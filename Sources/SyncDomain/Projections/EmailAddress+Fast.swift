extension EmailAddress {
    /// ``normalize(_:)`` without allocating when there is nothing to change: an ASCII address
    /// with no upper-case letter and no surrounding whitespace is returned as it is (sharing its
    /// storage). Anything else takes the general path, so the result is always `normalize`'s.
    @inline(__always)
    static func normalizedQuickly(_ email: String) -> String {
        var email = email
        let unchanged = email.withUTF8 { u -> Bool in
            guard let first = u.first, let last = u.last else { return true }
            if first == 32 || (first >= 9 && first <= 13) || last == 32 || (last >= 9 && last <= 13) { return false }
            for b in u where b >= 0x80 || (b >= 65 && b <= 90) { return false }
            return true
        }
        return unchanged ? email : normalize(email)
    }
}
