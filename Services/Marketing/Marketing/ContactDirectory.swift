import Contracts
import Foundation
import Logging
import MessageBus
import Persistence
import PostgresNIO

/// The people marketing may address, kept from the accounts service's events: who registered,
/// their contact details as last corrected, and the company they act for (joined, left) with its
/// kind, industry and verification
/// (what a campaign's audience is chosen by). Whether they agreed to receive marketing is the
/// subscriptions' business; this is only the address book.
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
        Migration(source: "marketing", version: 4, name: "contacts' companies", sql: """
            -- What a campaign's audience is chosen by: the company's kind, industry and verification.
            ALTER TABLE contacts ADD COLUMN company_id uuid, ADD COLUMN business_type text, ADD COLUMN industry text,
                ADD COLUMN company_verified boolean NOT NULL DEFAULT false;
            CREATE INDEX contacts_company ON contacts (company_id);
            """),
        Migration(source: "marketing", version: 9, name: "contacts' language", sql: """
            -- The language the person reads the platform's mail in, from accounts' events.
            ALTER TABLE contacts ADD COLUMN language text NOT NULL DEFAULT 'en';
            """),
    ]

    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(AccountRegistered.self) { event, transaction in
            // An erased person stays erased, whatever arrives late about them.
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            let company = event.company
            try await transaction.query("""
                INSERT INTO contacts (account_id, email, contact_name, company_name, country, registered_at,
                                      company_id, business_type, industry, company_verified, language)
                VALUES (\(event.accountID), \(event.email), \(event.contactName), \(company?.name), \(company?.country),
                        \(event.registeredAt), \(company?.id), \(company?.businessType.rawValue), \(company?.industry),
                        \(company?.verified ?? false), \((event.language ?? .en).rawValue))
                """)
        }
        handlers.register(AccountProfileChanged.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            var known = false
            for try await _ in try await transaction.execute(ContactProfileChange(event: event)) { known = true }
            // The registration is still on its way (handled alongside, or redelivered): wait for it.
            guard known else { throw ContactNotYetKnown(accountID: event.accountID) }
        }
        handlers.register(VerificationDecided.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            // Everyone of the company is as verified as the company.
            guard try await transaction.query("""
                UPDATE contacts SET company_verified = \(event.status == .approved)
                WHERE account_id = \(event.accountID) OR company_id = \(event.companyID) RETURNING 1
                """).exists else { throw ContactNotYetKnown(accountID: event.accountID) }
        }
        handlers.register(VerificationExpired.self) { event, transaction in
            try await transaction.query("UPDATE contacts SET company_verified = false WHERE company_id = \(event.companyID)")
        }
        handlers.register(CompanyMemberJoined.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            let company = event.company
            guard try await transaction.query("""
                UPDATE contacts SET company_id = \(company.id), company_name = \(company.name), country = \(company.country),
                    business_type = \(company.businessType.rawValue), industry = \(company.industry), company_verified = \(company.verified)
                WHERE account_id = \(event.accountID) RETURNING 1
                """).exists else { throw ContactNotYetKnown(accountID: event.accountID) }
        }
        handlers.register(CompanyMemberRemoved.self) { event, transaction in
            // The person stays a contact (their consent choices too), of no company; the country stays
            // as the last one known, since consent defaults depend on it.
            try await transaction.query("""
                UPDATE contacts SET company_id = NULL, company_name = NULL, business_type = NULL, industry = NULL, company_verified = false
                WHERE account_id = \(event.accountID) AND company_id = \(event.companyID)
                """)
        }
    }
}

extension ContactDirectory {
    /// A person as the directory knows them: how to address them, and what their defaults depend on.
    struct Person {
        let accountID: UUID
        let contact: Contact
        let country: String?
        let registeredAt: Date
    }

    /// The directory's entry for `accountID`, if the person registered and was not erased.
    static func person(_ accountID: UUID, on transaction: Transaction) async throws -> Person? {
        for try await (email, name, country, registeredAt, language) in try await transaction.query("""
            SELECT email, contact_name, country, registered_at, language FROM contacts WHERE account_id = \(accountID)
            """).decode((String, String, String?, Date, String).self) {
            let contact = Contact(accountID: accountID, email: email, name: name, language: Language(rawValue: language) ?? .en)
            return Person(accountID: accountID, contact: contact, country: country, registeredAt: registeredAt)
        }
        return nil
    }
}

struct ContactNotYetKnown: ArrivedTooEarly, CustomStringConvertible {
    let accountID: UUID
    var description: String { "no contact for account \(accountID) yet" }
}
