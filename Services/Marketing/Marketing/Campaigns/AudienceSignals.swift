import Contracts
import Foundation
import MessageBus
import Persistence

/// What a campaign's behavioural filters choose by, kept from matchmaking's events: whom each
/// person follows (an exhibitor or one of its products) and when they were last active. Events
/// may arrive out of order, so each row keeps the time of what it last applied and only newer
/// news changes it; an unfollow is kept as `following = false` for the same reason.
enum AudienceSignals {
    static let migrations: [Migration] = [
        Migration(source: "marketing", version: 8, name: "audience signals", sql: """
            CREATE TABLE follows (
                account_id uuid        NOT NULL,
                kind       text        NOT NULL,
                target_id  uuid        NOT NULL,
                company_id uuid,
                following  boolean     NOT NULL,
                changed_at timestamptz NOT NULL,
                PRIMARY KEY (account_id, kind, target_id)
            );
            CREATE INDEX follows_company ON follows (company_id, account_id) WHERE following;
            CREATE TABLE activity (
                account_id     uuid        PRIMARY KEY,
                last_active_at timestamptz NOT NULL
            );
            """),
    ]

    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(TargetFollowed.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            try await transaction.query("""
                INSERT INTO follows (account_id, kind, target_id, company_id, following, changed_at)
                VALUES (\(event.accountID), \(event.kind.rawValue), \(event.targetID), \(event.companyID), true, \(event.followedAt))
                ON CONFLICT (account_id, kind, target_id) DO UPDATE SET company_id = EXCLUDED.company_id, following = true,
                    changed_at = EXCLUDED.changed_at
                WHERE follows.changed_at <= EXCLUDED.changed_at
                """)
        }
        handlers.register(TargetUnfollowed.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            try await transaction.query("""
                INSERT INTO follows (account_id, kind, target_id, following, changed_at)
                VALUES (\(event.accountID), \(event.kind.rawValue), \(event.targetID), false, \(event.unfollowedAt))
                ON CONFLICT (account_id, kind, target_id) DO UPDATE SET following = false, changed_at = EXCLUDED.changed_at
                WHERE follows.changed_at <= EXCLUDED.changed_at
                """)
        }
        handlers.register(ActivityRecorded.self) { event, transaction in
            guard try await !PersonalDataRegister.isErased(event.accountID, on: transaction) else { return }
            try await transaction.query("""
                INSERT INTO activity (account_id, last_active_at) VALUES (\(event.accountID), \(event.activeAt))
                ON CONFLICT (account_id) DO UPDATE SET last_active_at = greatest(activity.last_active_at, EXCLUDED.last_active_at)
                """)
        }
    }
}
