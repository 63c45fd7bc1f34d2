/// Finds a current wire name from its encoded bytes without building a String
/// or comparing against every name in turn (the hot path of replay).
enum WireNameTable {
    /// Open addressing over a power-of-two table: slot -> index in ``EventType/allCurrent``, or -1.
    struct Table {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var slots: [Int] = []
        var mask = 0
    }

    /// All current names, back to back, with their start offsets, and the hash slots.
    static let table: Table = {
        var t = Table()
        let names = EventType.allCurrent.map { Array($0.wireName.utf8) }
        var size = 1
        while size < names.count * 4 { size <<= 1 }
        t.slots = Array(repeating: -1, count: size)
        t.mask = size - 1
        for (i, b) in names.enumerated() {
            t.starts.append(t.bytes.count)
            t.bytes.append(contentsOf: b)
            var slot = Int(truncatingIfNeeded: b.withUnsafeBytes { StringInterner.hash($0) }) & t.mask
            while t.slots[slot] >= 0 { slot = (slot + 1) & t.mask }
            t.slots[slot] = i
        }
        t.starts.append(t.bytes.count)
        return t
    }()

    /// The index in ``EventType/allCurrent`` of the name spelled by `name`, or nil.
    static func index(of name: UnsafeRawBufferPointer) -> Int? {
        // Borrowed from the global (a local copy of the table would retain its three arrays).
        var slot = Int(truncatingIfNeeded: StringInterner.hash(name)) & table.mask
        return table.bytes.withUnsafeBytes { all -> Int? in
            while true {
                let i = table.slots[slot]
                if i < 0 { return nil }
                let start = table.starts[i]
                if StringInterner.equal(UnsafeRawBufferPointer(rebasing: all[start..<table.starts[i + 1]]), name) {
                    return i
                }
                slot = (slot + 1) & table.mask
            }
        }
    }
}
