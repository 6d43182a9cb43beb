/// Reads `--flag value` pairs for each of expo-bench's modes, with the same errors everywhere.
struct BenchArguments {
    private var rest: ArraySlice<String>

    init(_ arguments: [String]) { rest = arguments[...] }

    mutating func nextFlag() -> String? { rest.popFirst() }

    mutating func value(_ flag: String) throws -> String {
        guard let next = rest.popFirst() else { throw BenchUsage("\(flag) needs a value") }
        return next
    }

    mutating func number<T: LosslessStringConvertible & Comparable>(_ flag: String, atLeast minimum: T) throws -> T {
        let text = try value(flag)
        guard let number = T(text), number >= minimum else { throw BenchUsage("\(flag) needs a number ≥ \(minimum), got \(text)") }
        return number
    }
}
