extension InputLines.Line {
    /// A line made in memory and numbered by the caller (an element of an HTTP body's JSON array).
    public init(_ number: Int, _ bytes: [UInt8]) {
        self.number = number
        self.bytes = bytes
    }
}
