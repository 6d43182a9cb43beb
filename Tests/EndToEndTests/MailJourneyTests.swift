import Foundation
import Testing
import TestSupport

/// Account mail end to end: the gateway, accounts, the broker, marketing's mail path and the real
/// SMTP sink; what a person sees in their inbox and does with the links.
@Suite(.serialized, .integration) struct MailJourneyTests {
    @Test func aGermanBrowserGetsGermanMailUntilTheProfileSaysOtherwise() async throws {
        try await AccountsStack.with(backends: [.marketing]) { stack in
            let email = uniqueAddress("mail-deutsch")
            let registered = try await stack.register(email, headers: ["Accept-Language": "fr-CH, de;q=0.9, en;q=0.8"])
            #expect(registered.status == 201 && registered["language"] as? String == "de", "French is not spoken here, German is")
            let verification = try #require(try await MailSink.waitForMails(to: email, timeout: .seconds(60)).first)
            #expect(verification.header("Subject") == "=?UTF-8?B?\(Data("Bestätigen Sie Ihre E-Mail-Adresse für Online Expo".utf8).base64EncodedString())?=")

            let token = try #require(try await stack.signIn(email)["token"] as? String)
            let changed = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["language": "en"])
            #expect(changed.status == 200 && changed["language"] as? String == "en")
            let refused = try await http("PATCH", stack.url("/v1/me"), token: token, json: ["language": "fr"])
            #expect(refused.status == 422)
            #expect(try await http("POST", stack.url("/v1/password-resets"), json: ["email": email]).status == 202)
            let reset = try #require(try await MailSink.waitForMails(to: email, count: 2, timeout: .seconds(60)).last)
            #expect(reset.header("Subject") == "Reset your Online Expo password", "the profile's language now")
        }
    }

    @Test func verifyTheAddressThenResetAForgottenPassword() async throws {
        try await AccountsStack.with(backends: [.marketing]) { stack in
            let email = uniqueAddress("mail-journey")
            #expect(try await stack.register(email).status == 201)
            let verification = try #require(try await MailSink.waitForMails(to: email, timeout: .seconds(60)).first)
            #expect(verification.header("Subject") == "Confirm your email address for Online Expo")
            #expect(verification.header("To") == "\"Zhang Min\" <\(email)>")
            let verifyToken = try #require(Self.token(in: verification.text, path: "/verify-email"))
            #expect(verification.html?.contains("/verify-email?token=\(verifyToken)") == true)
            #expect(try await stack.count("outbox WHERE secret") == 0, "a link's token is not kept once it left")

            let token = try #require(try await stack.signIn(email)["token"] as? String)
            #expect(try await http("GET", stack.url("/v1/me"), token: token)["emailVerified"] as? Bool == false)
            #expect(try await http("POST", stack.url("/v1/email-verifications/\(verifyToken)")).status == 204)
            #expect(try await http("GET", stack.url("/v1/me"), token: token)["emailVerified"] as? Bool == true)
            #expect(try await http("POST", stack.url("/v1/email-verifications/\(verifyToken)")).status == 404, "single use")

            // Forgotten password: the same answer for an unknown address, which gets no mail.
            let unknown = uniqueAddress("nobody")
            #expect(try await http("POST", stack.url("/v1/password-resets"), json: ["email": unknown]).status == 202)
            #expect(try await http("POST", stack.url("/v1/password-resets"), json: ["email": email]).status == 202)
            let mails = try await MailSink.waitForMails(to: email, count: 2, timeout: .seconds(60))
            let reset = try #require(mails.last)
            #expect(reset.header("Subject") == "Reset your Online Expo password")
            let resetToken = try #require(Self.token(in: reset.text, path: "/reset-password"))
            let weak = try await http("POST", stack.url("/v1/password-resets/\(resetToken)"), json: ["newPassword": "password1234"])
            #expect(weak.status == 422)
            let newPassword = "a brand new passphrase for Zhang 8"
            #expect(try await http("POST", stack.url("/v1/password-resets/\(resetToken)"), json: ["newPassword": newPassword]).status == 204)
            // The gateways forget the session when its revocation event reaches them.
            let signedOut = try await eventually { try await http("GET", stack.url("/v1/me"), token: token).status == 401 }
            #expect(signedOut, "every session ended")
            #expect(try await stack.signIn(email).status == 401)
            #expect(try await stack.signIn(email, newPassword).status == 201)
            #expect(try await http("POST", stack.url("/v1/password-resets/\(resetToken)"), json: ["newPassword": newPassword + "!"]).status == 404)
            #expect(try MailSink.mails(to: unknown).isEmpty)
        }
    }

    @Test func aLostVerificationLinkIsSentAgainAndOnlyTheNewOneWorks() async throws {
        try await AccountsStack.with(backends: [.marketing]) { stack in
            let email = uniqueAddress("mail-again")
            #expect(try await stack.register(email).status == 201)
            let first = try #require(try await MailSink.waitForMails(to: email, timeout: .seconds(60)).first)
            let lostToken = try #require(Self.token(in: first.text, path: "/verify-email"))
            let token = try #require(try await stack.signIn(email)["token"] as? String)

            let tooSoon = try await http("POST", stack.url("/v1/email-verifications"), token: token)
            #expect(tooSoon.status == 429 && tooSoon.code == "verification-mail-too-soon" && Int(tooSoon.headers["retry-after"] ?? "") != nil,
                    "the registration's link went out moments ago: \(tooSoon.json)")
            // Two minutes later, as far as the stored link knows.
            try await TestDatabase.adminExecute("UPDATE \(stack.schema).email_tokens SET expires_at = expires_at - interval '2 minutes'")
            #expect(try await http("POST", stack.url("/v1/email-verifications")).status == 401, "only the signed-in owner asks")
            #expect(try await http("POST", stack.url("/v1/email-verifications"), token: token).status == 202)
            let again = try #require(try await MailSink.waitForMails(to: email, count: 2, timeout: .seconds(60)).last)
            #expect(again.header("Subject") == "Confirm your email address for Online Expo")
            let newToken = try #require(Self.token(in: again.text, path: "/verify-email"))
            #expect(newToken != lostToken)

            #expect(try await http("POST", stack.url("/v1/email-verifications/\(lostToken)")).status == 404, "the earlier link stopped working")
            #expect(try await http("POST", stack.url("/v1/email-verifications/\(newToken)")).status == 204)
            #expect(try await http("GET", stack.url("/v1/me"), token: token)["emailVerified"] as? Bool == true)
            let done = try await http("POST", stack.url("/v1/email-verifications"), token: token)
            #expect(done.status == 409 && done.code == "email-already-verified")
            #expect(try MailSink.mails(to: email).count == 2, "nothing more was mailed")
        }
    }

    @Test func subscriptionsThroughTheGateway() async throws {
        try await AccountsStack.with(backends: [.marketing]) { stack in
            let email = uniqueAddress("subscriber")
            #expect(try await stack.register(email).status == 201)
            let token = try #require(try await stack.signIn(email)["token"] as? String)
            // The registration reaches marketing as an event; until then a change is a 409.
            var changed = try await http("PUT", stack.url("/v1/me/subscriptions/newsletter"), token: token, json: ["status": "unsubscribed"])
            _ = try await eventually {
                changed = try await http("PUT", stack.url("/v1/me/subscriptions/newsletter"), token: token, json: ["status": "unsubscribed"])
                return changed.status != 409
            }
            #expect(changed.status == 200 && changed["status"] as? String == "unsubscribed")
            let listed = try await http("GET", stack.url("/v1/me/subscriptions"), token: token)
            #expect(listed.status == 200)
            let items = (try JSONSerialization.jsonObject(with: listed.body) as? [[String: Any]]) ?? []
            let statuses = items.reduce(into: [String: String]()) { $0[$1["topic"] as? String ?? ""] = $1["status"] as? String }
            #expect(statuses == ["newsletter": "unsubscribed", "matchmaking": "subscribed", "event-reminders": "subscribed", "recommendations": "subscribed"],
                    "a company in China (no opt-in needed) gets marketing until it opts out")
            #expect(try await http("PUT", stack.url("/v1/me/subscriptions/spam"), token: token, json: ["status": "subscribed"]).status == 404)
            #expect(try await http("POST", stack.url("/v1/unsubscribe/not-a-real-token")).status == 404)
            #expect(try await http("GET", stack.url("/v1/me/subscriptions")).status == 401)
        }
    }

    /// The token of the link to `path` in a mail's text part.
    static func token(in text: String?, path: String) -> String? {
        guard let text, let range = text.range(of: "\(path)?token=") else { return nil }
        return String(text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }
}
