@testable import Accounts
import Contracts
import Testing

@Suite struct ValidationTests {
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
}
