import Contracts
import Foundation
import PostgresNIO

/// A contact's new details from `AccountProfileChanged`, in one prepared statement (every profile
/// change runs it): counted always, applied only if no newer change was applied already, since
/// events may be handled out of order. No row means the contact is not known yet.
struct ContactProfileChange: PostgresPreparedStatement {
    // Each column takes the event's value when no change, or only an older one, was applied.
    static let sql = """
        UPDATE contacts SET
            profile_changes    = profile_changes + 1,
            email              = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $2::text ELSE email END,
            contact_name       = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $3::text ELSE contact_name END,
            company_name       = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $4::text ELSE company_name END,
            country            = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $5::text ELSE country END,
            company_id         = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $6::uuid ELSE company_id END,
            business_type      = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $7::text ELSE business_type END,
            industry           = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $8::text ELSE industry END,
            profile_changed_at = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN $9::timestamptz ELSE profile_changed_at END,
            language           = CASE WHEN coalesce(profile_changed_at <= $9, true) THEN coalesce($10::text, language) ELSE language END
        WHERE account_id = $1
        RETURNING 1
        """
    typealias Row = Void

    let event: AccountProfileChanged

    func makeBindings() -> PostgresBindings {
        var bindings = PostgresBindings()
        let company = event.company
        bindings.append(event.accountID)
        bindings.append(event.email)
        bindings.append(event.contactName)
        bindings.append(company?.name)
        bindings.append(company?.country)
        bindings.append(company?.id)
        bindings.append(company?.businessType.rawValue)
        bindings.append(company?.industry)
        bindings.append(event.changedAt)
        bindings.append(event.language?.rawValue)
        return bindings
    }

    func decodeRow(_: PostgresRow) {}
}
