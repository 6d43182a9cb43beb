import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO

/// The people marketing may address, kept from the accounts service's events: who registered,
/// and their contact details as last corrected. Whether they agreed to receive marketing is
/// decided elsewhere (consent arrives with the marketing issue); this is only the address book.
enum ContactDirectory {
    static let migrations: [Migration] = [
        Migration(source: "marketing", version: 1, name: "contacts", sql: """
            -- One row per registered account, from accounts.account-registered.v1 and
            -- accounts.account-profile-changed.v1. profile_changes counts the change events applied, so the
            -- feed can be checked against the publisher (each event applies once: the inbox drops redeliveries).
            CREATE TABLE contacts (
                account_id         uuid        PRIMARY KEY,
                email              text        NOT NULL,
                contact_name       text        NOT NULL,
                company_name       text,
                country            text,
                registered_at      timestamptz NOT NULL,
                profile_changed_at timestamptz,
                profile_changes    integer     NOT NULL DEFAULT 0
            );
            """),
    ]

    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(AccountRegistered.self) { event, transaction in
            // An erased person stays erased, whatever arrives late about them.
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            try await transaction.query("""
                INSERT INTO contacts (account_id, email, contact_name, company_name, country, registered_at)
                VALUES (\(event.accountID), \(event.email), \(event.contactName), \(event.company?.name), \(event.company?.country),
                        \(event.registeredAt))
                """)
        }
        handlers.register(AccountProfileChanged.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            // Events may be handled out of order (several at once): older details never overwrite newer ones.
            let rows = try await transaction.query("""
                UPDATE contacts SET
                    profile_changes = profile_changes + 1,
                    email = CASE WHEN profile_changed_at IS NULL OR profile_changed_at <= \(event.changedAt) THEN \(event.email) ELSE email END,
                    contact_name = CASE WHEN profile_changed_at IS NULL OR profile_changed_at <= \(event.changedAt) THEN \(event.contactName) ELSE contact_name END,
                    company_name = CASE WHEN profile_changed_at IS NULL OR profile_changed_at <= \(event.changedAt) THEN \(event.company?.name) ELSE company_name END,
                    country = CASE WHEN profile_changed_at IS NULL OR profile_changed_at <= \(event.changedAt) THEN \(event.company?.country) ELSE country END,
                    profile_changed_at = greatest(profile_changed_at, \(event.changedAt))
                WHERE account_id = \(event.accountID) RETURNING 1
                """)
            var found = false
            for try await _ in rows { found = true }
            // The registration is still on its way (handled alongside, or redelivered): wait for it.
            guard found else { throw ContactNotYetKnown(accountID: event.accountID) }
        }
    }
}

extension ContactDirectory {
    /// A person as the directory knows them: how to address them, and what their defaults depend on.
    struct Person {
        let contact: Contact
        let country: String?
        let registeredAt: Date
    }

    /// The directory's entry for `accountID`, if the person registered and was not erased.
    static func person(_ accountID: UUID, on transaction: Transaction) async throws -> Person? {
        for try await (email, name, country, registeredAt) in try await transaction.query("""
            SELECT email, contact_name, country, registered_at FROM contacts WHERE account_id = \(accountID)
            """).decode((String, String, String?, Date).self) {
            return Person(contact: Contact(accountID: accountID, email: email, name: name), country: country, registeredAt: registeredAt)
        }
        return nil
    }
}

struct ContactNotYetKnown: ArrivedTooEarly, CustomStringConvertible {
    let accountID: UUID
    var description: String { "no contact for account \(accountID) yet" }
}
