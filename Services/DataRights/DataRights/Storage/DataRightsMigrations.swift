import Persistence

/// The data_rights schema, one numbered step at a time (never edit a released step; add one).
enum DataRightsMigrations {
    static let all: [Migration] = [
        Migration(source: "data-rights", version: 1, name: "requests, tasks, audit trail, exports", sql: """
            -- A data-subject request: what, whose, on which clock.
            CREATE TABLE data_requests (
                id           uuid        PRIMARY KEY,
                account_id   uuid        NOT NULL,
                kind         text        NOT NULL,
                scope        text,
                lifting      boolean     NOT NULL DEFAULT false,
                details      text,
                status       text        NOT NULL,
                received_at  timestamptz NOT NULL,
                due_at       timestamptz NOT NULL,
                completed_at timestamptz
            );
            CREATE INDEX data_requests_account ON data_requests (account_id, received_at);
            CREATE INDEX data_requests_open ON data_requests (due_at) WHERE status IN ('unverified', 'in-progress', 'waiting-for-services');

            -- One service's part of a request: asked until it answers, with backoff.
            CREATE TABLE data_request_tasks (
                request_id      uuid        NOT NULL REFERENCES data_requests ON DELETE CASCADE,
                service         text        NOT NULL,
                state           text        NOT NULL CHECK (state IN ('pending', 'waiting', 'done', 'postponed', 'cancelled')),
                reason          text,
                attempts        integer     NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL,
                lease_until     timestamptz,
                answered_at     timestamptz,
                -- An export's part, kept until the bundle is built.
                result          bytea,
                PRIMARY KEY (request_id, service)
            );
            CREATE INDEX data_request_tasks_due ON data_request_tasks (next_attempt_at) WHERE state = 'pending';

            -- Every step of every request: who (the subject, a service, the platform), what, when.
            -- Append-only: the proof that the platform kept its word.
            CREATE TABLE data_request_events (
                sequence   bigserial   PRIMARY KEY,
                request_id uuid        NOT NULL REFERENCES data_requests ON DELETE CASCADE,
                at         timestamptz NOT NULL,
                actor      text        NOT NULL,
                event      text        NOT NULL,
                detail     text
            );
            CREATE INDEX data_request_events_request ON data_request_events (request_id, sequence);
            CREATE FUNCTION data_request_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'the audit trail is append-only';
            END $$;
            CREATE TRIGGER data_request_events_append_only BEFORE UPDATE ON data_request_events
                FOR EACH ROW EXECUTE FUNCTION data_request_events_append_only();

            -- The zip of an access or portability request, downloadable for 7 days.
            CREATE TABLE exports (
                request_id      uuid        PRIMARY KEY REFERENCES data_requests ON DELETE CASCADE,
                bundle          bytea       NOT NULL,
                available_until timestamptz NOT NULL
            );
            CREATE INDEX exports_available_until ON exports (available_until);
            """),
        Migration(source: "data-rights", version: 2, name: "privacy policy and cookie consent", sql: """
            -- Every published version of the privacy policy; the newest is in force.
            CREATE TABLE privacy_policies (
                version      text        PRIMARY KEY,
                summary      text,
                substantial  boolean     NOT NULL,
                published_at timestamptz NOT NULL DEFAULT now()
            );
            INSERT INTO privacy_policies (version, summary, substantial)
            VALUES ('1', 'The platform''s privacy policy as first published', true);

            -- The cookie choices of a browser (its random visitor id) or a signed-in person (their
            -- account id), under a policy version; every change kept for proof.
            CREATE TABLE consents (
                subject_id      uuid        PRIMARY KEY,
                subject_kind    text        NOT NULL CHECK (subject_kind IN ('visitor', 'account')),
                analytics       boolean     NOT NULL,
                personalization boolean     NOT NULL,
                policy_version  text        NOT NULL REFERENCES privacy_policies (version),
                changed_at      timestamptz NOT NULL
            );
            CREATE TABLE consent_history (
                sequence        bigserial   PRIMARY KEY,
                subject_id      uuid        NOT NULL,
                analytics       boolean     NOT NULL,
                personalization boolean     NOT NULL,
                policy_version  text        NOT NULL,
                changed_at      timestamptz NOT NULL
            );
            CREATE INDEX consent_history_subject ON consent_history (subject_id, sequence);
            CREATE INDEX consent_history_changed_at ON consent_history (changed_at);
            """),
        Migration(source: "data-rights", version: 3, name: "disclosures", sql: """
            -- Each disclosure of a person's data to a third party, as staff recorded it.
            CREATE TABLE disclosures (
                id              uuid        PRIMARY KEY,
                account_id      uuid        NOT NULL,
                recipient       text        NOT NULL,
                purpose         text        NOT NULL,
                legal_basis     text        NOT NULL,
                data_categories text[]      NOT NULL,
                disclosed_at    timestamptz NOT NULL DEFAULT now(),
                recorded_by     uuid
            );
            CREATE INDEX disclosures_account ON disclosures (account_id, disclosed_at);
            """),
        Migration(source: "data-rights", version: 4, name: "deadline extensions", sql: """
            -- Why staff moved a request's deadline (GDPR Art. 12(3): up to two further months).
            ALTER TABLE data_requests ADD COLUMN extension_reason text;
            """),
        Migration(source: "data-rights", version: 5, name: "requests staff enter, their codes, denials", sql: """
            -- How a request arrived. One that staff entered (email, phone, form) waits, unverified and
            -- with its clock paused, for the code mailed to the registered address: only its hash is
            -- kept, with the wrong tries counted.
            ALTER TABLE data_requests
                ADD COLUMN channel       text    NOT NULL DEFAULT 'platform' CHECK (channel IN ('platform', 'email', 'phone', 'form')),
                ADD COLUMN entered_by    uuid,
                ADD COLUMN staff_note    text,
                ADD COLUMN code_hash     bytea,
                ADD COLUMN code_attempts integer NOT NULL DEFAULT 0,
                ADD COLUMN verified_at   timestamptz,
                -- A denial names one of the privacy policy's exceptions.
                ADD COLUMN denial_reason text,
                ADD COLUMN denial_ground text;
            CREATE INDEX data_requests_unverified ON data_requests (received_at) WHERE status = 'unverified';
            """),
        Migration(source: "data-rights", version: 6, name: "security incidents", sql: """
            -- A security incident as staff recorded it, the regulator's decision (due 72 hours after
            -- discovery) and when the affected were told. Kept: the law asks for a record of every one.
            CREATE TABLE incidents (
                id                   uuid        PRIMARY KEY,
                title                text        NOT NULL,
                description          text        NOT NULL,
                discovered_at        timestamptz NOT NULL,
                recorded_at          timestamptz NOT NULL,
                recorded_by          uuid        NOT NULL,
                -- A group too large or vague to tell one by one: told by an announcement.
                criteria             text,
                measures             text        NOT NULL,
                advice               text        NOT NULL,
                regulator_notify     boolean,
                regulator_reason     text,
                regulator_decided_at timestamptz,
                regulator_decided_by uuid,
                notified_at          timestamptz
            );
            CREATE INDEX incidents_discovered ON incidents (discovered_at, id);

            -- Each affected account's notice; issued_at once it went out (mail and live notice).
            CREATE TABLE incident_notices (
                incident_id uuid        NOT NULL REFERENCES incidents ON DELETE CASCADE,
                account_id  uuid        NOT NULL,
                issued_at   timestamptz,
                PRIMARY KEY (incident_id, account_id)
            );
            CREATE INDEX incident_notices_account ON incident_notices (account_id, issued_at);
            """),
        Migration(source: "data-rights", version: 7, name: "rectification resolutions", sql: """
            -- How staff corrected what a rectification request said was wrong.
            ALTER TABLE data_requests ADD COLUMN resolution text;
            """),
    ]
}
