@testable import Accounts
import Contracts
import Foundation
import Testing
import TestSupport

@Suite(.integration) struct RegistrationTests {
    @Test func aNewCompanyUserStartsPendingWithTheRoleOfItsBusinessType() async throws {
        try await AccountsHarness.with { harness in
            let email = "\(uniqueName("Supplier"))@Example.COM"
            let account = try await harness.register(AccountsHarness.registration(email: email, businessType: "supplier"))
            #expect(account.email == email, "stored as typed")
            #expect(account.verificationStatus == .pending)
            #expect(account.roles == [.supplier])
            #expect(account.company?.country == "CN")
            #expect(account.capabilities.publishProducts == false, "an unverified supplier cannot publish products")

            let events = try await harness.events(AccountRegistered.self)
            #expect(events.map(\.accountID) == [account.id])
            #expect(events.first?.company?.verified == false)

            let purchaser = try await harness.register(AccountsHarness.registration(businessType: "individual-purchaser"))
            #expect(purchaser.roles == [.purchaser])
            #expect(purchaser.capabilities.sendInquiries)
            #expect(account.language == .en && events.first?.language == .en, "English unless chosen")

            var german = AccountsHarness.registration()
            german.language = "de"
            #expect(try await harness.register(german).language == .de)
            #expect(try await harness.events(AccountRegistered.self).last?.language == .de, "marketing learns which language to write in")
            var unknown = AccountsHarness.registration()
            unknown.language = "klingon"
            #expect(try await problem { try await harness.register(unknown) }?.errors?.map(\.field) == ["language"])
        }
    }

    @Test func theStoredPasswordIsAnArgon2idPHCStringWithOWASPParameters() async throws {
        try await AccountsHarness.with { harness in
            let account = try await harness.register()
            let hashes = try await harness.database.transaction { connection in
                try await connection.query("SELECT password_hash FROM accounts WHERE id = \(account.id)", logger: harness.logger)
                    .decode(String.self).reduce(into: [String]()) { $0.append($1) }
            }
            let hash = try #require(hashes.first)
            let fields = hash.split(separator: "$")
            #expect(fields.count == 5)
            #expect(fields.first == "argon2id")
            #expect(fields.dropFirst(2).first == "m=19456,t=2,p=1")
            #expect(fields.dropFirst(3).first?.count == 22, "a 16-byte salt, base64 without padding")
            #expect(!hash.contains(AccountsHarness.password))
        }
    }

    @Test func takenEmailsAre409IgnoringCase() async throws {
        try await AccountsHarness.with { harness in
            let email = "\(uniqueName("taken"))@example.com"
            try await harness.register(AccountsHarness.registration(email: email))
            let taken = try await problem { try await harness.register(AccountsHarness.registration(email: email.uppercased())) }
            #expect(taken?.status == 409)
            #expect(taken?.code == .emailTaken)
            #expect(try await harness.count("SELECT count(*) FROM accounts") == 1)
            #expect(try await harness.count("SELECT count(*) FROM companies") == 1)
        }
    }

    @Test func everyBadFieldIsNamedAndNothingIsStored() async throws {
        try await AccountsHarness.with { harness in
            let request = RegisterAccount(
                email: "not-an-email", password: "short", companyName: "  ", businessType: "wholesaler", industry: nil,
                country: "XX", contactName: String(repeating: "n", count: 101), title: "bell\u{07}", department: nil,
                telephone: "call me")
            let invalid = try await problem { try await harness.register(request) }
            #expect(invalid?.status == 422)
            #expect(invalid?.code == .validationFailed)
            let fields = Set(invalid?.errors?.map(\.field) ?? [])
            #expect(fields == ["email", "password", "companyName", "businessType", "industry", "country", "contactName", "title", "telephone"])
            #expect(try await harness.count("SELECT count(*) FROM accounts") == 0)
            #expect(try await harness.count("SELECT count(*) FROM outbox") == 0)
        }
    }

    @Test(arguments: [
        ("tiny pass 1", "must have at least 12 characters"),
        (String(repeating: "long enough? ", count: 10), "must have at most 128 characters"),
        ("1qaz2wsx3edc", "breached"),
        ("Q1W2E3R4T5Y6", "breached"),
    ])
    func passwordPolicy(password: String, reason: String) async throws {
        try await AccountsHarness.with { harness in
            let refused = try await problem { try await harness.register(AccountsHarness.registration(password: password)) }
            let message = refused?.errors?.first { $0.field == "password" }?.message ?? ""
            #expect(message.contains(reason), "\(password): \(message)")
        }
    }

    @Test func thePasswordMayNotBeTheEmail() async throws {
        try await AccountsHarness.with { harness in
            let email = "\(uniqueName("same"))@example.com"
            let refused = try await problem { try await harness.register(AccountsHarness.registration(email: email, password: email.uppercased())) }
            #expect(refused?.errors?.first?.message == "must not be the email address")
        }
    }

    @Test func aRetryWithTheSameIdempotencyKeyGetsTheFirstAccount() async throws {
        try await AccountsHarness.with { harness in
            let request = AccountsHarness.registration()
            let key = UUID().uuidString
            let first = try await harness.register(request, idempotencyKey: key)
            let retry = try await harness.register(request, idempotencyKey: key)
            #expect(retry == first)
            #expect(try await harness.count("SELECT count(*) FROM accounts") == 1)
            #expect(try await harness.events(AccountRegistered.self).count == 1)

            var other = AccountsHarness.registration()
            other.companyName = "Another company"
            let reused = try await problem { try await harness.register(other, idempotencyKey: key) }
            #expect(reused?.code == .idempotencyKeyReused)
            let stored = try await harness.count("SELECT count(*) FROM idempotency_keys WHERE position(\(AccountsHarness.password) in encode(response, 'escape')) > 0")
            #expect(stored == 0, "the stored reply holds no password")
        }
    }

    @Test func sqlLookingTextIsStoredAsText() async throws {
        try await AccountsHarness.with { harness in
            var request = AccountsHarness.registration()
            request.companyName = "Robert'); DROP TABLE accounts;--"
            request.industry = "1 OR 1=1"
            let account = try await harness.register(request)
            #expect(account.company?.name == "Robert'); DROP TABLE accounts;--")
            #expect(try await harness.count("SELECT count(*) FROM accounts") == 1)
            let card = try await harness.handlers.getCompany(GetCompany(companyID: try #require(account.company?.id)), harness.context(GetCompany.type))
            #expect(card.industry == "1 OR 1=1")
        }
    }
}
