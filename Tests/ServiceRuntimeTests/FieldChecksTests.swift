import Contracts
import Foundation
import ServiceRuntime
import Testing

@Suite struct FieldChecksTests {
    @Test(arguments: ["li.wei@example.com", "o'brien+expo@mail.example.ie", "SALES@Example.COM", "a@b.cd"])
    func emailsMailSystemsTake(email: String) {
        var checks = FieldChecks()
        #expect(checks.email("email", email) == email)
        #expect(checks.errors.isEmpty)
    }

    @Test(arguments: ["plain", "a@b", "a@b.c", "0tò0@0.0", "a@0.0", "a.@example.com", ".a@example.com", "a b@example.com",
                      "a@-example.com", "\u{85}a@example.com", "a@example.com\u{0}", String(repeating: "a", count: 65) + "@example.com"])
    func emailsThatAreRefused(email: String) {
        var checks = FieldChecks()
        #expect(checks.email("email", email) == nil)
        #expect(checks.errors.map(\.field) == ["email"])
    }

    @Test func textIsTrimmedOfSpacesButControlCharactersAreRefused() {
        var checks = FieldChecks()
        #expect(checks.required("companyName", "  Ningbo Robots  ") == "Ningbo Robots")
        #expect(checks.required("industry", "Robots\u{0}") == nil)
        #expect(checks.required("contactName", "\u{202E}evil") == nil)
        #expect(checks.required("title", "   ") == nil)
        #expect(checks.optional("department", "") == "")
        #expect(checks.errors.map(\.field) == ["industry", "contactName", "title"])
    }

    @Test func textOverLinesKeepsLineBreaksAsLFAndRefusesALoneCR() {
        var checks = FieldChecks()
        #expect(checks.requiredLines("text", "\r\nFirst line\r\nSecond\n\n", maxLength: 100) == "First line\nSecond")
        // A CRLF next to a character that joins others is still one line break (the fuzzer's case).
        #expect(checks.requiredLines("text", "\r\n\r\n\u{1F3FB}\r\n\r\nok\r\n", maxLength: 100) == "\u{1F3FB}\n\nok")
        #expect(checks.errors.isEmpty)
        #expect(checks.requiredLines("text", "a\rb", maxLength: 100) == nil)
        #expect(checks.requiredLines("text", "\r\n \n", maxLength: 100) == nil)
        #expect(checks.errors.map(\.field) == ["text", "text"])
    }

    @Test func cursorsAreKeysetPositionsAndAnyWellFormedOneIsAPlaceToStart() throws {
        let cursor = Cursor(position: 1_764_400_000_123_456, id: "5f0c3a4e-1b2c-4d5e-8f90-123456789abc")
        #expect(Cursor(cursor.encoded) == cursor)
        #expect(Cursor("-5.0") == Cursor(position: -5, id: "0"))
        for bad in ["", "garbage", "1.", ".abc", "9999999999999999999.a", "1.ABC", "1.a b", "1." + String(repeating: "a", count: 41)] {
            #expect(Cursor(bad) == nil, "\(bad)")
        }
        let read = try Cursor.read(PageRequest(limit: 5, cursor: "42.x"))
        #expect(read.limit == 5)
        #expect(read.after == Cursor(position: 42, id: "x"))
    }

    @Test func lengthsCountCharactersAndRefusePilesOfCombiningMarks() {
        var checks = FieldChecks()
        #expect(checks.required("title", "Café 🇩🇪 👩🏽‍🔧", maxLength: 8) == "Café 🇩🇪 👩🏽‍🔧", "flags and emoji count as one character each")
        #expect(checks.required("title", "a" + String(repeating: "\u{301}", count: 520), maxLength: 100) == nil)
        #expect(checks.errors.map(\.field) == ["title"])
    }

    @Test func currenciesAreISO4217Codes() {
        var checks = FieldChecks()
        #expect(checks.currency("currency", "eur") == "EUR")
        #expect(checks.currency("currency", "CNY") == "CNY")
        #expect(checks.currency("currency", "EURO") == nil)
        #expect(checks.currency("currency", "ABC") == nil)
        #expect(checks.currency("currency", "DEM") == nil, "withdrawn")
        #expect(checks.currency("currency", "XAU") == nil, "gold is no currency to price in")
        #expect(checks.currency("currency", nil) == nil)
        #expect(checks.errors.map(\.field) == ["currency", "currency", "currency", "currency", "currency"])
        #expect(FieldChecks.currencies.count > 150)
    }

    @Test func amountsAreBoundedAndRounded() {
        var checks = FieldChecks()
        #expect(checks.amount("minPrice", 1299.5) == Decimal(string: "1299.5"))
        #expect(checks.amount("minPrice", 0) == 0)
        #expect(checks.amount("minPrice", 0.1) == Decimal(string: "0.1"), "the binary artefact is gone")
        #expect(checks.amount("minPrice", .leastNonzeroMagnitude) == 0)
        #expect(checks.amount("minPrice", 0.00001, rounding: .up) == Decimal(string: "0.0001"))
        #expect(checks.amount("minPrice", -1) == nil)
        #expect(checks.amount("minPrice", 1_000_000_000.01) == nil)
        #expect(checks.amount("minPrice", .infinity) == nil)
        #expect(checks.errors.count == 3)
    }

    @Test func timesAreRFC3339() {
        var checks = FieldChecks()
        let noon = Date(timeIntervalSince1970: 1_803_902_400) // 2027-03-01T12:00:00Z
        for text in ["2027-03-01T12:00:00Z", "2027-03-01t12:00:00z", "2027-03-01T13:00:00+01:00", "2027-03-01T12:00:00.000Z",
                     "2027-03-02T08:00:00+20:00"] {
            #expect(checks.time("deadline", text) == noon, "\(text)")
        }
        for text in ["2027-02-30T12:00:00Z", "2027-03-01 12:00:00Z", "2027-03-01T24:00:00Z", "2027-03-01T12:00:00", "tomorrow",
                     "2027-03-01T12:00:00+24:00"] {
            #expect(checks.time("deadline", text) == nil, "\(text)")
        }
        #expect(checks.errors.count == 6)
    }

    @Test(arguments: ["https://cdn.example.com/p/1.jpg", "HTTPS://example.cn/a?b=c", "https://example.com:8443/%E4%B8%AD.jpg#top"])
    func httpsURLsAreKeptAsGiven(url: String) {
        var checks = FieldChecks()
        #expect(checks.httpsURL("pictureURL", url) == url)
    }

    @Test(arguments: ["http://example.com/a.jpg", "https://", "https://user:pw@example.com/", "javascript:alert(1)", "https://exa mple.com/",
                      "ftp://example.com/a", "/relative/path.jpg", "https://example.com/<script>", "https://例子.cn/a.jpg",
                      "https://example.com/a#b#c"])
    func otherURLsAreRefused(url: String) {
        var checks = FieldChecks()
        #expect(checks.httpsURL("pictureURL", url) == nil)
        #expect(checks.errors.map(\.field) == ["pictureURL"])
    }
}
