import Foundation

/// The gateway's reading of a JSON body (RFC 8259, strictly): UTF-8, one value, no trailing
/// commas, no comments, and no object naming a key twice (parsers disagree on which one wins, so
/// a duplicate could mean one thing to a check and another to the code behind it).
enum StrictJSON {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func validate(_ data: Data) throws {
        guard String(validating: data, as: UTF8.self) != nil else { throw Malformed(description: "is not UTF-8") }
        var reader = Reader(bytes: Array(data))
        reader.skipSpace()
        try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.atEnd else { throw Malformed(description: "has more after the JSON value") }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }
        var next: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = next, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws {
            guard next == byte else { throw Malformed(description: "is not valid JSON at byte \(index)") }
            index += 1
        }

        mutating func value(depth: Int) throws {
            guard depth < 64 else { throw Malformed(description: "nests deeper than 64 levels") }
            switch next {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): _ = try string(decoding: false)
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func object(depth: Int) throws {
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if next == UInt8(ascii: "}") { index += 1; return }
            var keys = Set<String>()
            while true {
                skipSpace()
                let key = try string(decoding: true) ?? ""
                guard keys.insert(key).inserted else { throw Malformed(description: "names the key \"\(key.prefix(64))\" twice") }
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if next == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "}"))
                return
            }
        }

        mutating func array(depth: Int) throws {
            try expect(UInt8(ascii: "["))
            skipSpace()
            if next == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipSpace()
                try value(depth: depth + 1)
                skipSpace()
                if next == UInt8(ascii: ",") { index += 1; continue }
                try expect(UInt8(ascii: "]"))
                return
            }
        }

        /// Skips a string; with `decoding`, answers its text with escapes resolved (keys are
        /// compared as the decoder will see them).
        mutating func string(decoding: Bool) throws -> String? {
            let start = index
            var escaped = false
            try expect(UInt8(ascii: "\""))
            while let byte = next {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard decoding else { return nil }
                    guard escaped else { return String(decoding: bytes[(start + 1)..<(index - 1)], as: UTF8.self) }
                    guard let text = try? JSONDecoder().decode(String.self, from: Data(bytes[start..<index])) else {
                        throw Malformed(description: "has a malformed string at byte \(start)")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    escaped = true
                    guard next != nil else { break }
                    index += 1
                case 0x00..<0x20:
                    throw Malformed(description: "has a control character in a string at byte \(index - 1)")
                default:
                    break
                }
            }
            throw Malformed(description: "has an unterminated string")
        }

        mutating func literal(_ word: String) throws {
            for byte in word.utf8 { try expect(byte) }
        }

        mutating func number() throws {
            let start = index
            if next == UInt8(ascii: "-") { index += 1 }
            func digits() -> Int {
                let from = index
                while let byte = next, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
                return index - from
            }
            let whole = index
            guard digits() > 0, !(bytes[whole] == UInt8(ascii: "0") && index - whole > 1) else {
                throw Malformed(description: "is not valid JSON at byte \(start)")
            }
            if next == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw Malformed(description: "is not valid JSON at byte \(start)") }
            }
            if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
                index += 1
                if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw Malformed(description: "is not valid JSON at byte \(start)") }
            }
        }
    }
}
