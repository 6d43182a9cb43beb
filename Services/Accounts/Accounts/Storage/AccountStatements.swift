import Foundation
import PostgresNIO

// The account read and profile write that the user center makes on every request, as prepared
// statements: PostgreSQL plans each once per connection instead of on every call. Planning the
// account's join took about five times as long as running it (pg_stat_statements under the
// benchmark's write load).

/// The account as the user center shows it (`AccountRecords.select`), by id.
struct AccountByID: PostgresPreparedStatement {
    static let sql = "\(AccountRecords.select) WHERE a.id = $1"
    typealias Row = AccountRecords.Row

    let id: UUID

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(id)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// A correction of one's own profile, answering the account as it is after it: the change and the
/// read are one statement, under the row's lock, so the answer includes whatever concurrent edits
/// committed first. A nil field is left as it is; an empty title or department clears it.
struct ProfileUpdate: PostgresPreparedStatement {
    static let sql = """
        WITH changed AS (
            UPDATE accounts SET
                email = coalesce($2::text, email), contact_name = coalesce($3::text, contact_name),
                title = CASE WHEN $4::text IS NULL THEN title ELSE nullif($4::text, '') END,
                department = CASE WHEN $5::text IS NULL THEN department ELSE nullif($5::text, '') END,
                telephone = coalesce($6::text, telephone), language = coalesce($7::text, language),
                updated_at = now(),
                email_verified_at = CASE WHEN $8::boolean THEN NULL ELSE email_verified_at END
            WHERE id = $1
            RETURNING *
        )
        \(AccountRecords.select(from: "changed"))
        """
    typealias Row = AccountRecords.Row

    let accountID: UUID
    var email: String?
    var contactName: String?
    var title: String?
    var department: String?
    var telephone: String?
    var language: String?
    /// A new address is unverified until the link mailed to it is used.
    var emailChanges: Bool

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(accountID)
        for text in [email, contactName, title, department, telephone, language] { bindings.append(text) }
        bindings.append(emailChanges)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}
