/// Finds a current wire name from its encoded bytes without building a String
/// or comparing against every name in turn (the hot path of replay).
enum WireNameTable {
    /// All current names, back to back, with their start offsets.
    static let table: (bytes: [UInt8], starts: [Int], byHash: [UInt64: Int]) = {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var byHash: [UInt64: Int] = [:]
        for (i, t) in EventType.allCurrent.enumerated() {
            starts.append(bytes.count)
            let b = Array(t.wireName.utf8)
            bytes.append(contentsOf: b)
            let h = hash(b.withUnsafeBytes { $0 })
            precondition(byHash[h] == nil, "wire name hash collision")
            byHash[h] = i
        }
        starts.append(bytes.count)
        return (bytes, starts, byHash)
    }()

    @inline(__always)
    static func hash(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b {
            h ^= UInt64(c)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The index in ``EventType/allCurrent`` of the name spelled by `name`, or nil.
    static func index(of name: UnsafeRawBufferPointer) -> Int? {
        let t = table
        guard let i = t.byHash[hash(name)] else { return nil }
        let start = t.starts[i]
        guard t.starts[i + 1] - start == name.count else { return nil }
        for k in 0..<name.count where t.bytes[start + k] != name[k] { return nil }
        return i
    }
}
