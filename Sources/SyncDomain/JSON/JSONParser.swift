/// A strict RFC 8259 JSON parser over bytes, built to be safe on hostile input:
/// a depth limit, a size limit, UTF-8 validation, and errors that give the byte
/// offset and the problem but never the offending text (it may be personal data).
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"a":[1,true,null]}"#.utf8))
/// ```
public enum JSONParser {
    /// Limits applied while parsing.
    public struct Limits: Sendable {
        /// Deepest nesting of arrays and objects accepted.
        public var maxDepth: Int
        /// Largest input accepted, in bytes.
        public var maxBytes: Int
        public init(maxDepth: Int = 32, maxBytes: Int = 1 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
        public static let standard = Limits()
    }

    /// Why a text is not acceptable JSON.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// Byte offset where the problem was found.
        public var offset: Int
        /// The problem, without any of the input's text.
        public var problem: String
        public var description: String { "not valid JSON at byte \(offset): \(problem)" }
    }

    public static func parse(_ bytes: [UInt8], limits: Limits = .standard) throws(Failure) -> JSONValue {
        let result = bytes.withUnsafeBytes { buf in
            Result { () throws(Failure) -> JSONValue in try parse(buf, limits: limits) }
        }
        return try result.get()
    }

    public static func parse(_ text: String, limits: Limits = .standard) throws(Failure) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: Limits = .standard) throws(Failure) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw Failure(offset: 0, problem: "input is \(bytes.count) bytes, over the limit of \(limits.maxBytes)")
        }
        var p = Parser(bytes: bytes, maxDepth: limits.maxDepth)
        p.skipWhitespace()
        if p.i == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw Failure(offset: 0, problem: "byte order mark is not allowed")
        }
        guard p.i < bytes.count else { throw Failure(offset: p.i, problem: "empty input") }
        let v = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.i == bytes.count else { throw Failure(offset: p.i, problem: "unexpected data after the JSON value") }
        return v
    }

    struct Parser {
        let bytes: UnsafeRawBufferPointer
        let maxDepth: Int
        var i = 0

        init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        func fail(_ problem: String) -> Failure { Failure(offset: i, problem: problem) }

        mutating func skipWhitespace() {
            while i < bytes.count {
                let c = bytes[i]
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { break }
            }
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard i < bytes.count else { throw fail("unexpected end of input (truncated?)") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw fail("unexpected end of input (truncated?)") }
            let w = word.utf8Start
            for k in 0..<n where bytes[i + k] != w[k] { throw fail("unexpected character") }
            i += n
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
            i += 1
            var members: [JSONValue.Member] = []
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of input (truncated?)") }
                guard bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let name = try string()
                for m in members where m.name == name {
                    throw fail("duplicate member name \"\(Parser.safeName(name))\"")
                }
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of input (truncated?)") }
                guard bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
                let v = try value(depth: depth)
                members.append(.init(name, v))
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of input (truncated?)") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                i += 1
                return .object(members)
            }
        }

        /// Member names are structure, not data, but a hostile one is cut short.
        static func safeName(_ name: String) -> String {
            let clean = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            guard clean, name.utf8.count <= 64 else { return "…" }
            return name
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
            i += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth))
                skipWhitespace()
                guard i < bytes.count else { throw fail("unexpected end of input (truncated?)") }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                i += 1
                return .array(items)
            }
        }

        mutating func number() throws(Failure) -> Double {
            let start = i
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("invalid number") }
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            guard i - start <= 64 else { throw fail("number too long") }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            guard let d = Double(text), d.isFinite else { throw fail("number out of range") }
            return d
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("unexpected end of input (truncated?)") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = bytes[i]
                let d: UInt32
                switch c {
                case 48...57: d = UInt32(c - 48)
                case 65...70: d = UInt32(c - 55)
                case 97...102: d = UInt32(c - 87)
                default: throw fail("invalid \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func string() throws(Failure) -> String {
            i += 1  // opening quote
            let start = i
            // Fast path: no escapes, ASCII or valid UTF-8.
            var out: [UInt8]? = nil
            while true {
                guard i < bytes.count else { throw fail("unterminated string (truncated?)") }
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    break
                } else if c == UInt8(ascii: "\\") {
                    if out == nil { out = Array(bytes[start..<i]) }
                    i += 1
                    guard i < bytes.count else { throw fail("unterminated string (truncated?)") }
                    let e = bytes[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""): out!.append(34)
                    case UInt8(ascii: "\\"): out!.append(92)
                    case UInt8(ascii: "/"): out!.append(47)
                    case UInt8(ascii: "b"): out!.append(8)
                    case UInt8(ascii: "f"): out!.append(12)
                    case UInt8(ascii: "n"): out!.append(10)
                    case UInt8(ascii: "r"): out!.append(13)
                    case UInt8(ascii: "t"): out!.append(9)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if scalar >= 0xD800, scalar < 0xDC00 {
                            guard i + 6 <= bytes.count, bytes[i] == 92, bytes[i + 1] == UInt8(ascii: "u") else {
                                throw fail("unpaired surrogate in \\u escape")
                            }
                            i += 2
                            let low = try hex4()
                            guard low >= 0xDC00, low < 0xE000 else { throw fail("unpaired surrogate in \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if scalar >= 0xDC00, scalar < 0xE000 {
                            throw fail("unpaired surrogate in \\u escape")
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                        out!.append(contentsOf: Array(String(Character(u)).utf8))
                    default: throw fail("invalid escape")
                    }
                } else if c < 0x20 {
                    throw fail("control character in string")
                } else if c < 0x80 {
                    out?.append(c)
                    i += 1
                } else {
                    let n = try utf8Sequence(at: i)
                    out?.append(contentsOf: bytes[i..<(i + n)])
                    i += n
                }
            }
            let s: String
            if let out {
                s = String(decoding: out, as: UTF8.self)
            } else {
                s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            i += 1  // closing quote
            return s
        }

        /// Length of the well-formed UTF-8 sequence at `k`, or a failure.
        func utf8Sequence(at k: Int) throws(Failure) -> Int {
            let c = bytes[k]
            func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
                j < bytes.count && bytes[j] >= lo && bytes[j] <= hi
            }
            let bad = Failure(offset: k, problem: "invalid UTF-8")
            switch c {
            case 0xC2...0xDF:
                guard cont(k + 1) else { throw bad }
                return 2
            case 0xE0:
                guard cont(k + 1, 0xA0, 0xBF), cont(k + 2) else { throw bad }
                return 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard cont(k + 1), cont(k + 2) else { throw bad }
                return 3
            case 0xED:
                guard cont(k + 1, 0x80, 0x9F), cont(k + 2) else { throw bad }
                return 3
            case 0xF0:
                guard cont(k + 1, 0x90, 0xBF), cont(k + 2), cont(k + 3) else { throw bad }
                return 4
            case 0xF1...0xF3:
                guard cont(k + 1), cont(k + 2), cont(k + 3) else { throw bad }
                return 4
            case 0xF4:
                guard cont(k + 1, 0x80, 0x8F), cont(k + 2), cont(k + 3) else { throw bad }
                return 4
            default: throw bad
            }
        }
    }
}
