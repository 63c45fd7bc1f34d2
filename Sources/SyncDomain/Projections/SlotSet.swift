/// A set of small non-negative integers (slots of a ``KeyedEntries``) as a bitmap: insert,
/// remove and membership are a shift and a mask, and iteration is in increasing order.
///
/// Why not `Set<Int32>`: the outbox adds a slot for every write planned and removes it when
/// the write is final, and a `Set` SipHashes the integer on each of those (measured: about 1.5%
/// of a replay's instructions). A slot costs one bit whether open or not: 125 KB for a million
/// writes.
///
/// Equality and hashing are the members', whatever the capacity the bitmap grew to.
///
/// ```swift
/// var open = SlotSet()
/// open.insert(3); open.insert(70); open.remove(3)
/// Array(open)   // [70]
/// ```
public struct SlotSet: Sendable, Sequence {
    private var words: [UInt64] = []
    public private(set) var count = 0

    public init() {}

    public init<S: Sequence>(_ slots: S) where S.Element == Int32 {
        for s in slots { insert(s) }
    }

    public var isEmpty: Bool { count == 0 }

    public func contains(_ slot: Int32) -> Bool {
        let w = Int(slot) >> 6
        return slot >= 0 && w < words.count && words[w] & (1 << UInt64(slot & 63)) != 0
    }

    public mutating func insert(_ slot: Int32) {
        precondition(slot >= 0, "SlotSet holds non-negative slots")
        let w = Int(slot) >> 6
        if w >= words.count { words.append(contentsOf: repeatElement(0, count: Swift.max(w + 1, words.count * 2) - words.count)) }
        let bit: UInt64 = 1 << UInt64(slot & 63)
        if words[w] & bit == 0 {
            words[w] |= bit
            count += 1
        }
    }

    public mutating func remove(_ slot: Int32) {
        let w = Int(slot) >> 6
        guard slot >= 0, w < words.count else { return }
        let bit: UInt64 = 1 << UInt64(slot & 63)
        if words[w] & bit != 0 {
            words[w] &= ~bit
            count -= 1
        }
    }

    public struct Iterator: IteratorProtocol {
        let words: [UInt64]
        var index = 0
        var current: UInt64

        init(words: [UInt64]) {
            self.words = words
            current = words.first ?? 0
        }

        public mutating func next() -> Int32? {
            while current == 0 {
                index += 1
                guard index < words.count else { return nil }
                current = words[index]
            }
            let bit = current.trailingZeroBitCount
            current &= current - 1
            return Int32(index << 6 | bit)
        }
    }

    public func makeIterator() -> Iterator { Iterator(words: words) }
    public var underestimatedCount: Int { count }
}

extension SlotSet: Hashable {
    public static func == (lhs: SlotSet, rhs: SlotSet) -> Bool {
        guard lhs.count == rhs.count else { return false }
        let n = Swift.max(lhs.words.count, rhs.words.count)
        for i in 0..<n where (i < lhs.words.count ? lhs.words[i] : 0) != (i < rhs.words.count ? rhs.words[i] : 0) {
            return false
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for s in self { hasher.combine(s) }
    }
}
