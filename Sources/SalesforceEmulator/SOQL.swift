/// The SOQL the emulator understands: enough for a sync.
///
/// `SELECT f1, Rel.f2 FROM Object [WHERE …] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n]`
/// with `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `LIKE`, `IN (…)`, `NOT IN (…)` on strings, numbers, booleans,
/// `null`, dates and datetimes (unquoted ISO 8601), joined by `AND`/`OR`/`NOT` with parentheses;
/// `SELECT COUNT() FROM …`. Anything else is `MALFORMED_QUERY` naming what was not understood.
struct SOQLQuery: Sendable {
    struct FieldPath: Sendable, Equatable {
        var relationship: String?  // as written
        var field: String  // as written
    }

    enum Literal: Sendable, Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case dateTime(Int64)
        case date(String)
    }

    indirect enum Condition: Sendable {
        case compare(FieldPath, String, Literal)
        case isIn(FieldPath, [Literal], negated: Bool)
        case and(Condition, Condition)
        case or(Condition, Condition)
        case not(Condition)
    }

    struct Order: Sendable {
        var path: FieldPath
        var descending: Bool
        var nullsLast: Bool
    }

    var fields: [FieldPath]
    var isCount: Bool
    var object: String
    var condition: Condition?
    var orderBy: [Order]
    var limit: Int?
    var offset: Int?
}

struct SOQLToken: Equatable {
    enum Kind: Equatable { case word, string, number, dateTime, symbol }
    var kind: Kind
    var text: String
    var column: Int
}

enum SOQLParser {
    static func tokenize(_ q: String) -> Result<[SOQLToken], APIError> {
        var tokens: [SOQLToken] = []
        let chars = Array(q)
        var i = 0
        func isWordChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c == "'" {
                var s = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\\", i + 1 < chars.count {
                        let e = chars[i + 1]
                        switch e {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        case "r": s.append("\r")
                        default: s.append(e)
                        }
                        i += 2
                        continue
                    }
                    if chars[i] == "'" { closed = true; i += 1; break }
                    s.append(chars[i])
                    i += 1
                }
                if !closed { return .failure(.malformedQuery("unterminated string literal starting at column \(start + 1)")) }
                tokens.append(SOQLToken(kind: .string, text: s, column: start + 1))
                continue
            }
            if c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
                var j = i + 1
                while j < chars.count, chars[j].isNumber || chars[j] == "." { j += 1 }
                // A date or datetime literal: 2024-05-07 or 2024-05-07T22:07:19Z / .000+0000
                if j < chars.count, chars[j] == "-", j - i == 4 {
                    while j < chars.count, chars[j].isNumber || "-:T.Z+".contains(chars[j]) { j += 1 }
                    tokens.append(SOQLToken(kind: .dateTime, text: String(chars[i..<j]), column: start + 1))
                } else {
                    tokens.append(SOQLToken(kind: .number, text: String(chars[i..<j]), column: start + 1))
                }
                i = j
                continue
            }
            if isWordChar(c) {
                var j = i
                while j < chars.count, isWordChar(chars[j]) { j += 1 }
                tokens.append(SOQLToken(kind: .word, text: String(chars[i..<j]), column: start + 1))
                i = j
                continue
            }
            for op in ["!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", ",", ".", ":"] {
                if String(chars[i..<min(chars.count, i + op.count)]) == op {
                    tokens.append(SOQLToken(kind: .symbol, text: op, column: start + 1))
                    i += op.count
                    break
                }
            }
            if i == start { return .failure(.malformedQuery("unexpected character '\(c)' at column \(start + 1)")) }
        }
        return .success(tokens)
    }

    static func parse(_ q: String) -> Result<SOQLQuery, APIError> {
        switch tokenize(q) {
        case .failure(let e): return .failure(e)
        case .success(let tokens):
            var p = Parser(tokens: tokens)
            do {
                return .success(try p.query())
            } catch {
                return .failure(error)
            }
        }
    }

    struct Parser {
        let tokens: [SOQLToken]
        var i = 0

        func unexpected() -> APIError {
            if i < tokens.count {
                let t = tokens[i]
                return .malformedQuery("unexpected token: '\(t.text)' at column \(t.column)")
            }
            return .malformedQuery("unexpected end of query")
        }

        func peekWord(_ w: String) -> Bool {
            i < tokens.count && tokens[i].kind == .word && tokens[i].text.uppercased() == w
        }

        mutating func expectWord(_ w: String) throws(APIError) {
            guard peekWord(w) else {
                if i < tokens.count {
                    throw APIError.malformedQuery("expecting '\(w)', found '\(tokens[i].text)' at column \(tokens[i].column)")
                }
                throw APIError.malformedQuery("expecting '\(w)' at the end of the query")
            }
            i += 1
        }

        func peekSymbol(_ s: String) -> Bool { i < tokens.count && tokens[i].kind == .symbol && tokens[i].text == s }

        mutating func expectSymbol(_ s: String) throws(APIError) {
            guard peekSymbol(s) else { throw unexpected() }
            i += 1
        }

        static let reserved: Set<String> = ["SELECT", "FROM", "WHERE", "ORDER", "BY", "LIMIT", "OFFSET", "AND", "OR", "NOT", "IN",
                                            "LIKE", "ASC", "DESC", "NULLS", "FIRST", "LAST", "GROUP", "HAVING", "WITH", "FOR",
                                            "USING", "TYPEOF", "INCLUDES", "EXCLUDES"]

        mutating func identifier() throws(APIError) -> String {
            guard i < tokens.count, tokens[i].kind == .word, !Parser.reserved.contains(tokens[i].text.uppercased()) else {
                if i < tokens.count, tokens[i].kind == .word {
                    throw APIError.malformedQuery("'\(tokens[i].text)' at column \(tokens[i].column) is not supported by the emulator's SOQL here")
                }
                throw unexpected()
            }
            defer { i += 1 }
            return tokens[i].text
        }

        mutating func path() throws(APIError) -> SOQLQuery.FieldPath {
            let first = try identifier()
            if peekSymbol(".") {
                i += 1
                let second = try identifier()
                if peekSymbol(".") {
                    throw APIError.malformedQuery("relationship paths deeper than one level are not supported: '\(first).\(second).…'")
                }
                return .init(relationship: first, field: second)
            }
            return .init(relationship: nil, field: first)
        }

        mutating func query() throws(APIError) -> SOQLQuery {
            try expectWord("SELECT")
            var fields: [SOQLQuery.FieldPath] = []
            var isCount = false
            if peekWord("COUNT"), i + 1 < tokens.count, tokens[i + 1].text == "(" {
                i += 2
                try expectSymbol(")")
                isCount = true
            } else {
                if peekSymbol("(") {
                    throw APIError.malformedQuery("subqueries are not supported by the emulator (column \(tokens[i].column))")
                }
                fields.append(try path())
                while peekSymbol(",") {
                    i += 1
                    if peekSymbol("(") {
                        throw APIError.malformedQuery("subqueries are not supported by the emulator (column \(tokens[i].column))")
                    }
                    fields.append(try path())
                }
            }
            try expectWord("FROM")
            let object = try identifier()
            var q = SOQLQuery(fields: fields, isCount: isCount, object: object, condition: nil, orderBy: [], limit: nil, offset: nil)
            if peekWord("WHERE") {
                i += 1
                q.condition = try orCondition()
            }
            if peekWord("ORDER") {
                i += 1
                try expectWord("BY")
                repeat {
                    if peekSymbol(",") { i += 1 }
                    let p = try path()
                    var desc = false
                    if peekWord("ASC") { i += 1 } else if peekWord("DESC") { i += 1; desc = true }
                    var nullsLast = desc
                    if peekWord("NULLS") {
                        i += 1
                        if peekWord("FIRST") { i += 1; nullsLast = false }
                        else if peekWord("LAST") { i += 1; nullsLast = true }
                        else { throw unexpected() }
                    }
                    q.orderBy.append(.init(path: p, descending: desc, nullsLast: nullsLast))
                } while peekSymbol(",")
            }
            if peekWord("LIMIT") {
                i += 1
                guard i < tokens.count, tokens[i].kind == .number, let n = Int(tokens[i].text), n >= 0 else { throw unexpected() }
                q.limit = n
                i += 1
            }
            if peekWord("OFFSET") {
                i += 1
                guard i < tokens.count, tokens[i].kind == .number, let n = Int(tokens[i].text), n >= 0 else { throw unexpected() }
                q.offset = n
                i += 1
            }
            if i < tokens.count {
                let t = tokens[i]
                if t.kind == .word, Parser.reserved.contains(t.text.uppercased()) {
                    throw APIError.malformedQuery("'\(t.text)' at column \(t.column) is not supported by the emulator's SOQL")
                }
                throw unexpected()
            }
            return q
        }

        mutating func orCondition() throws(APIError) -> SOQLQuery.Condition {
            var left = try andCondition()
            while peekWord("OR") {
                i += 1
                left = .or(left, try andCondition())
            }
            return left
        }

        mutating func andCondition() throws(APIError) -> SOQLQuery.Condition {
            var left = try notCondition()
            while peekWord("AND") {
                i += 1
                left = .and(left, try notCondition())
            }
            return left
        }

        mutating func notCondition() throws(APIError) -> SOQLQuery.Condition {
            if peekWord("NOT") {
                i += 1
                return .not(try notCondition())
            }
            if peekSymbol("(") {
                i += 1
                let c = try orCondition()
                try expectSymbol(")")
                return c
            }
            let p = try path()
            if peekWord("NOT") {
                i += 1
                try expectWord("IN")
                return .isIn(p, try literalList(), negated: true)
            }
            if peekWord("IN") {
                i += 1
                return .isIn(p, try literalList(), negated: false)
            }
            if peekWord("LIKE") {
                i += 1
                let v = try literal()
                guard case .string = v else { throw APIError.malformedQuery("LIKE needs a string literal") }
                return .compare(p, "LIKE", v)
            }
            guard i < tokens.count, tokens[i].kind == .symbol, ["=", "!=", "<>", "<", "<=", ">", ">="].contains(tokens[i].text) else {
                if i < tokens.count, tokens[i].kind == .word {
                    throw APIError.malformedQuery("operator '\(tokens[i].text)' at column \(tokens[i].column) is not supported by the emulator's SOQL")
                }
                throw unexpected()
            }
            let op = tokens[i].text == "<>" ? "!=" : tokens[i].text
            i += 1
            return .compare(p, op, try literal())
        }

        mutating func literalList() throws(APIError) -> [SOQLQuery.Literal] {
            try expectSymbol("(")
            if peekWord("SELECT") { throw APIError.malformedQuery("semi-join subqueries are not supported by the emulator") }
            var list = [try literal()]
            while peekSymbol(",") {
                i += 1
                list.append(try literal())
            }
            try expectSymbol(")")
            return list
        }

        mutating func literal() throws(APIError) -> SOQLQuery.Literal {
            guard i < tokens.count else { throw unexpected() }
            let t = tokens[i]
            switch t.kind {
            case .string: i += 1; return .string(t.text)
            case .number:
                guard let d = Double(t.text) else { throw unexpected() }
                i += 1
                return .number(d)
            case .dateTime:
                i += 1
                if t.text.count == 10, Timestamp.parse(t.text) != nil { return .date(t.text) }
                guard t.text.count > 10, let ms = Timestamp.parse(t.text) else {
                    throw APIError.malformedQuery("invalid date/time literal '\(t.text)' at column \(t.column)")
                }
                return .dateTime(ms)
            case .word:
                switch t.text.lowercased() {
                case "true": i += 1; return .bool(true)
                case "false": i += 1; return .bool(false)
                case "null": i += 1; return .null
                default:
                    throw APIError.malformedQuery("'\(t.text)' at column \(t.column) is not a value the emulator's SOQL understands (date literals like TODAY are not supported)")
                }
            case .symbol: throw unexpected()
            }
        }
    }
}
