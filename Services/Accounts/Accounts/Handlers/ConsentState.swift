import Contracts
import Foundation
import Persistence

/// Whether a person must choose their cookies again (`Account.consentRequired`), kept from
/// data-rights' events: under which policy version they last chose, and the latest substantial
/// version, both by their place in the publication order, so the events may arrive in any order.
enum ConsentState {
    static func register(into handlers: inout TransactionalEventHandlers) {
        handlers.register(ConsentChanged.self) { event, transaction in
            // A browser's choice names no account and changes nothing here.
            try await transaction.query("""
                UPDATE accounts SET consent_policy_sequence = greatest(consent_policy_sequence, \(event.policySequence ?? 0)) WHERE id = \(event.subjectID)
                """)
        }
        handlers.register(PrivacyPolicyPublished.self) { event, transaction in
            guard event.substantial else { return }
            try await transaction.query("""
                INSERT INTO privacy_policy_state (singleton, substantial_sequence) VALUES (true, \(event.sequence))
                ON CONFLICT (singleton) DO UPDATE SET substantial_sequence = greatest(privacy_policy_state.substantial_sequence, excluded.substantial_sequence)
                """)
        }
    }
}
