import Contracts
import Foundation
import MessageBus
import Persistence
import ServiceRuntime

/// Cookie choices and the privacy policy: `essential` is always on; analytics and personalization
/// stay off until chosen, per browser and per account, under the policy version in force. Each
/// change is kept and announced (`ConsentChanged`), so the services that collect analytics or
/// personalization data honour it.
struct ConsentHandlers: Sendable {
    let database: Database

    func register(into handlers: inout RPCHandlers) {
        handlers.register(GetPrivacyPolicy.self, getPolicy)
        handlers.register(PublishPrivacyPolicy.self, publishPolicy)
        handlers.register(SetConsent.self, setConsent)
        handlers.register(GetMyConsent.self, getMyConsent)
    }

    private static let currentPolicy = """
        SELECT version, published_at, substantial, summary FROM privacy_policies ORDER BY published_at DESC, version DESC LIMIT 1
        """

    @Sendable func getPolicy(_: GetPrivacyPolicy, _ context: RequestContext) async throws -> PrivacyPolicy {
        let rows = try await database.client.query("\(unescaped: Self.currentPolicy)", logger: context.logger)
        for try await (version, at, substantial, summary) in rows.decode((String, Date, Bool, String?).self) {
            return PrivacyPolicy(version: version, lastUpdated: at, substantial: substantial, summary: summary)
        }
        throw Problem.internalError("no privacy policy is published")
    }

    /// `data-rights.publish-privacy-policy.v1`: a new version in force from now.
    @Sendable func publishPolicy(_ request: PublishPrivacyPolicy, _ context: RequestContext) async throws -> PrivacyPolicy {
        var checks = FieldChecks()
        let version = checks.required("version", request.version, maxLength: 50)
        let summary = checks.optional("summary", request.summary, maxLength: 2000)
        if request.substantial == nil { checks.fail("substantial", "is required: does the change ask users for consent again?") }
        try checks.finish()
        guard let version, let substantial = request.substantial else { throw Problem.internalError("validation let a missing field through") }
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            let rows = try await transaction.query("""
                INSERT INTO privacy_policies (version, summary, substantial) VALUES (\(version), \(summary.nonEmpty), \(substantial))
                ON CONFLICT (version) DO NOTHING RETURNING published_at
                """)
            guard let at = try await rows.decode(Date.self).first(where: { _ in true }) else {
                throw Problem(status: 409, code: .policyVersionExists, title: "This version is published already", detail: "choose a new version name")
            }
            try await transaction.emit(PrivacyPolicyPublished(
                version: version, sequence: try await Self.sequence(of: version, on: transaction), substantial: substantial, publishedAt: at))
            return PrivacyPolicy(version: version, lastUpdated: at, substantial: substantial, summary: summary.nonEmpty)
        }
    }

    /// `data-rights.set-consent.v1`: a browser's choices, or the signed-in person's (which replace
    /// the browser's record they name in `mergeVisitorID`).
    @Sendable func setConsent(_ request: SetConsent, _ context: RequestContext) async throws -> ConsentRecord {
        let account = context.message.actor?.accountID
        guard let subject = request.visitorID ?? account else { throw Problem.unauthorized("this request needs a signed-in user") }
        var checks = FieldChecks()
        if request.essential == false { checks.fail("essential", "cannot be refused: the platform does not work without these cookies") }
        if request.analytics == nil { checks.fail("analytics", "is required") }
        if request.personalization == nil { checks.fail("personalization", "is required") }
        // Compared as sent with the version in force: any other text is a stale or unknown version (409).
        let version = request.policyVersion
        if version == nil { checks.fail("policyVersion", "is required") }
        try checks.finish()
        guard let version, let analytics = request.analytics, let personalization = request.personalization else {
            throw Problem.internalError("validation let a missing field through")
        }
        let kind = request.visitorID == nil ? "account" : "visitor"
        return try await database.transaction(context, idempotent: try MessageCodec.encode(request)) { transaction in
            // Choices are made under the policy in force: one shown before a newer version was published is stale.
            var current: String?
            for try await (inForce, _, _, _) in try await transaction.query("\(unescaped: Self.currentPolicy)").decode((String, Date, Bool, String?).self) {
                current = inForce
            }
            guard version == current else {
                throw Problem(status: 409, code: .policyVersionOutdated, title: "Choices are made under the privacy policy in force",
                              detail: "version \(current ?? "?") is in force; show it and ask again")
            }
            let now = Date()
            try await transaction.query("""
                INSERT INTO consents (subject_id, subject_kind, analytics, personalization, policy_version, changed_at)
                VALUES (\(subject), \(kind), \(analytics), \(personalization), \(version), \(now))
                ON CONFLICT (subject_id) DO UPDATE SET analytics = excluded.analytics, personalization = excluded.personalization,
                    policy_version = excluded.policy_version, changed_at = excluded.changed_at
                """)
            try await transaction.query("""
                INSERT INTO consent_history (subject_id, analytics, personalization, policy_version, changed_at)
                VALUES (\(subject), \(analytics), \(personalization), \(version), \(now))
                """)
            if kind == "account", let merged = request.mergeVisitorID {
                try await transaction.query("DELETE FROM consents WHERE subject_id = \(merged) AND subject_kind = 'visitor'")
            }
            try await transaction.emit(ConsentChanged(
                subjectID: subject, analytics: analytics, personalization: personalization, policyVersion: version,
                policySequence: try await Self.sequence(of: version, on: transaction), changedAt: now))
            return try await record(of: subject, on: transaction)
        }
    }

    /// The place of `version` among the published versions, 1 for the first.
    static func sequence(of version: String, on transaction: Transaction) async throws -> Int {
        try await transaction.query("""
            SELECT count(*)::int8 FROM privacy_policies WHERE published_at <= (SELECT published_at FROM privacy_policies WHERE version = \(version))
            """).decode(Int64.self).first { _ in true }.map(Int.init) ?? 0
    }

    /// `data-rights.get-my-consent.v1`.
    @Sendable func getMyConsent(_: GetMyConsent, _ context: RequestContext) async throws -> ConsentRecord {
        let actor = try context.caller()
        return try await database.transaction(context) { transaction in try await record(of: actor.accountID, on: transaction) }
    }

    /// The subject's choices (all off before any), and whether the policy asks again: no choice yet,
    /// or a substantial version published after the one chosen under.
    private func record(of subject: UUID, on transaction: Transaction) async throws -> ConsentRecord {
        let rows = try await transaction.query("""
            SELECT c.analytics, c.personalization, c.policy_version, c.changed_at,
                   EXISTS (SELECT 1 FROM privacy_policies p, privacy_policies chosen
                           WHERE chosen.version = c.policy_version AND p.substantial AND p.published_at > chosen.published_at)
            FROM consents c WHERE c.subject_id = \(subject)
            """)
        for try await (analytics, personalization, version, at, outdated) in rows.decode((Bool, Bool, String, Date, Bool).self) {
            return ConsentRecord(subjectID: subject, analytics: analytics, personalization: personalization, policyVersion: version, changedAt: at,
                                 consentRequired: outdated)
        }
        return ConsentRecord(subjectID: subject, analytics: false, personalization: false, policyVersion: nil, changedAt: nil, consentRequired: true)
    }
}

extension Problem.Code {
    static let policyVersionExists = Problem.Code("policy-version-exists")
    static let policyVersionOutdated = Problem.Code("policy-version-outdated")
}
