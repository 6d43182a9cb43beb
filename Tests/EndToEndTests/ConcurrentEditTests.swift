import Foundation
import Testing
import TestSupport

/// Optimistic concurrency through the real gateway and services: a read answers the resource's
/// `ETag`, and an edit sent with `If-Match` applies only to that version, so two people editing
/// the same thing never silently overwrite each other.
@Suite(.serialized, .integration) struct ConcurrentEditTests {
    @Test func anEditMadeAgainstAnOldVersionOfTheProfileIsRefusedAndChangesNothing() async throws {
        try await AccountsStack.with { stack in
            let email = "\(uniqueName("editor"))@example.com"
            #expect(try await stack.register(email).status == 201)
            let token = try #require(try await stack.signIn(email)["token"] as? String)

            let read = try await http("GET", stack.url("/v1/me"), token: token)
            let original = try #require(read.headers["etag"])
            // The laptop edits first; the phone, still showing what it read, edits after.
            let laptop = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["title": "Head of Sales"],
                                        headers: ["If-Match": original])
            #expect(laptop.status == 200 && laptop["title"] as? String == "Head of Sales")
            let current = try #require(laptop.headers["etag"])
            #expect(current != original)
            #expect(try await http("GET", stack.url("/v1/me"), token: token).headers["etag"] == current, "a read answers the edit's tag")

            let phone = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["title": "Sales Director", "telephone": "+49 30 1234567"],
                                       headers: ["If-Match": original])
            #expect(phone.status == 412 && phone.code == "precondition-failed")
            let after = try await http("GET", stack.url("/v1/me"), token: token)
            #expect(after["title"] as? String == "Head of Sales" && after["telephone"] as? String == "+86 574 8888 0000", "nothing of it applied")
            let malformed = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["title": "Sales Director"],
                                           headers: ["If-Match": "the version I read"])
            #expect(malformed.status == 400 && malformed.code == "invalid-if-match")
            let unchanged = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["title": "Head of Sales"],
                                           headers: ["If-Match": original])
            #expect(unchanged.status == 412, "a stale version is refused even when the edit would change nothing")

            // The current tag, any version (`*`) and no condition at all are accepted.
            let again = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["title": "Sales Director"],
                                       headers: ["If-Match": "\"0000\", \(current)"])
            #expect(again.status == 200 && again["title"] as? String == "Sales Director")
            #expect(try await http("PATCH", stack.url("/v1/me"), token: token, json: ["department": "Export"], headers: ["If-Match": "*"]).status == 200)
            #expect(try await http("PATCH", stack.url("/v1/me"), token: token, json: ["department": "Imports"]).status == 200)
        }
    }

    @Test func ofTwoEditsRacingFromTheSameVersionOfAProductExactlyOneApplies() async throws {
        try await AccountsStack.with(backends: [.matchmaking]) { stack in
            let supplier = try await stack.company("supplier")
            try await stack.waitForExhibitor(supplier.companyID)
            let created = try await http("POST", stack.url("/v1/products"), token: supplier.token,
                                         json: MatchmakingJourneyTests.pump(status: "draft"))
            let productID = try #require(created["id"] as? String)
            let url = stack.url("/v1/products/\(productID)")
            let tag = try #require(try await http("GET", url, token: supplier.token).headers["etag"])

            // Two colleagues save their different edits of the same version at the same moment.
            let answers = try await withThrowingTaskGroup(of: (String, HTTPAnswer).self) { group in
                for name in ["Gear pump HGP-3 (cast iron)", "Gear pump HGP-3, 250 bar"] {
                    group.addTask {
                        (name, try await http("PATCH", url, token: supplier.token, json: ["name": name],
                                              headers: ["If-Match": tag, "Idempotency-Key": UUID().uuidString]))
                    }
                }
                return try await group.reduce(into: [(String, HTTPAnswer)]()) { $0.append($1) }
            }
            #expect(answers.map(\.1.status).sorted() == [200, 412])
            let winner = try #require(answers.first { $0.1.status == 200 })
            let stored = try await http("GET", url, token: supplier.token)
            #expect(stored["name"] as? String == winner.0, "the refused edit left the winner's name")
            #expect(stored.headers["etag"] == winner.1.headers["etag"])

            // A retry of the edit that applied, with its key, gets its first answer, not a 412 for its own change.
            let key = UUID().uuidString
            let current = try #require(stored.headers["etag"])
            let first = try await http("PATCH", url, token: supplier.token, json: ["name": "Gear pump HGP-4"],
                                       headers: ["If-Match": current, "Idempotency-Key": key])
            #expect(first.status == 200)
            let retry = try await http("PATCH", url, token: supplier.token, json: ["name": "Gear pump HGP-4"],
                                       headers: ["If-Match": current, "Idempotency-Key": key])
            #expect(retry.status == 200 && retry["name"] as? String == "Gear pump HGP-4")
        }
    }
}
