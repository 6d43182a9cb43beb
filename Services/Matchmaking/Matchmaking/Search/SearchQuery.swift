import Contracts
import Foundation

/// What a user typed, made safe for `to_tsquery`: only runs of letters and digits survive, so no
/// query (tsquery operators, SQL, regex, 10 kB of anything) can fail to parse; the rest is ignored.
struct SearchQuery: Equatable {
    static let maxWords = 8
    static let maxWordLength = 40
    /// Shorter words are matched as prefixes only: too short for trigram typo correction.
    static let minCorrectedLength = 4

    let words: [String]

    init(_ text: String?) {
        var words: [String] = []
        var current = ""
        for character in (text ?? "").prefix(1000).lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var distinct: [String] = []
        for word in words.map({ String($0.prefix(Self.maxWordLength)) }) where !distinct.contains(word) { distinct.append(word) }
        self.words = Array(distinct.prefix(Self.maxWords))
    }

    var isEmpty: Bool { words.isEmpty }

    /// Words long enough to look up corrections for.
    var correctable: [String] { words.filter { $0.count >= Self.minCorrectedLength } }

    /// A word as a tsquery term: the last one is matched as a prefix while it may still be being
    /// typed (the dictionary does not know it); every other word, and a known one, as a word, since
    /// a prefix widens a match and costs an index scan twice as much.
    private func term(_ word: String, _ dictionary: SearchDictionary) -> String {
        word == words.last && !dictionary.known.contains(word) ? "\(word):*" : word
    }

    /// Every word, all required: what ranks exact matches first.
    func exact(_ dictionary: SearchDictionary) -> String { words.map { term($0, dictionary) }.joined(separator: " & ") }

    /// Every word or one of its dictionary corrections, all required; the exact query itself when
    /// there are no corrections.
    func tolerant(_ dictionary: SearchDictionary) -> String {
        words.map { word in
            let alternatives = (dictionary.corrections[word] ?? []).filter { $0 != word }
            return alternatives.isEmpty ? term(word, dictionary) : "(" + ([term(word, dictionary)] + alternatives).joined(separator: " | ") + ")"
        }.joined(separator: " & ")
    }
}

/// What the typo dictionary (the words of product names and keywords) says of a query's words.
struct SearchDictionary {
    var known: Set<String> = []
    var corrections: [String: [String]] = [:]
}

/// `ts_headline` output with its marks (U+0001 before a match, U+0002 after; stored text never
/// holds control characters) turned into plain text and UTF-16 ranges.
enum Snippet {
    static let start: Character = "\u{1}"
    static let end: Character = "\u{2}"

    static func parse(_ marked: String) -> (text: String, highlights: [Highlight]) {
        var text = ""
        var highlights: [Highlight] = []
        var offset = 0
        var opened: Int?
        for character in marked {
            switch character {
            case start:
                opened = offset
            case end:
                if let begin = opened, offset > begin { highlights.append(Highlight(offset: begin, length: offset - begin)) }
                opened = nil
            default:
                text.append(character)
                offset += character.utf16.count
            }
        }
        return (text, highlights)
    }
}
