import Persistence

/// The complaints schema, one numbered step at a time (never edit a released step; add one).
enum ComplaintsMigrations {
    static let all: [Migration] = [
        Migration(source: "complaints", version: 1, name: "parties, complaints, timeline, evidence, staff notes", sql: """
            -- Who took part in what, from matchmaking's and messaging's events: what a complaint may be about.
            CREATE TABLE rfq_parties (
                rfq_id           uuid   PRIMARY KEY,
                buyer_company_id uuid   NOT NULL,
                matched          uuid[] NOT NULL
            );
            CREATE TABLE quote_parties (
                quote_id            uuid PRIMARY KEY,
                rfq_id              uuid NOT NULL,
                buyer_company_id    uuid NOT NULL,
                supplier_company_id uuid NOT NULL
            );
            CREATE TABLE conversation_parties (
                conversation_id uuid PRIMARY KEY,
                started_by      uuid NOT NULL,
                recipient       uuid NOT NULL,
                subject_kind    text,
                subject_id      uuid
            );
            CREATE INDEX conversation_parties_subject ON conversation_parties (subject_kind, subject_id);

            -- A complaint of one company against another; the current state of its lifecycle. The
            -- clocks are stored as deadlines, so timers survive restarts and need no broker.
            CREATE TABLE complaints (
                id                     uuid        PRIMARY KEY,
                complainant_company_id uuid        NOT NULL,
                respondent_company_id  uuid        NOT NULL,
                filed_by               uuid,
                subject_kind           text        NOT NULL CHECK (subject_kind IN ('product', 'rfq', 'quote', 'conversation')),
                subject_id             uuid        NOT NULL,
                category               text        NOT NULL,
                description            text        NOT NULL,
                desired_outcome        text,
                concerns_minors        boolean     NOT NULL DEFAULT false,
                status                 text        NOT NULL CHECK (status IN
                                           ('negotiating', 'escalated', 'under-review', 'resolved', 'decided', 'withdrawn')),
                filed_at               timestamptz NOT NULL,
                respond_by             timestamptz NOT NULL,
                responded_at           timestamptz,
                escalatable_at         timestamptz NOT NULL,
                negotiation_ends_at    timestamptz NOT NULL,
                escalated_at           timestamptz,
                decide_by              timestamptz,
                assigned_to            uuid,
                proposal               jsonb,
                decision               jsonb,
                closed_at              timestamptz,
                updated_at             timestamptz NOT NULL
            );
            CREATE INDEX complaints_complainant ON complaints (complainant_company_id, filed_at);
            CREATE INDEX complaints_respondent ON complaints (respondent_company_id, filed_at);
            CREATE INDEX complaints_filed_by ON complaints (filed_by) WHERE filed_by IS NOT NULL;
            CREATE INDEX complaints_queue ON complaints (status, escalated_at, id);
            CREATE INDEX complaints_negotiating ON complaints (respond_by, negotiation_ends_at) WHERE status = 'negotiating';
            CREATE INDEX complaints_closed ON complaints (closed_at) WHERE closed_at IS NOT NULL;

            -- The timeline: every transition and message with its actor and time. Append-only: a row
            -- changes only to forget an erased actor, and goes only with its complaint.
            CREATE TABLE complaint_events (
                sequence     bigserial   PRIMARY KEY,
                complaint_id uuid        NOT NULL REFERENCES complaints ON DELETE CASCADE,
                at           timestamptz NOT NULL,
                kind         text        NOT NULL,
                party        text        NOT NULL CHECK (party IN ('complainant', 'respondent', 'staff', 'system')),
                actor        uuid,
                text         text,
                proposal     jsonb,
                status       text        NOT NULL
            );
            CREATE INDEX complaint_events_complaint ON complaint_events (complaint_id, sequence);
            CREATE INDEX complaint_events_actor ON complaint_events (actor) WHERE actor IS NOT NULL;
            CREATE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND NEW.actor IS NULL
                   AND (NEW.sequence, NEW.complaint_id, NEW.at, NEW.kind, NEW.party, NEW.text, NEW.proposal::text, NEW.status)
                       IS NOT DISTINCT FROM (OLD.sequence, OLD.complaint_id, OLD.at, OLD.kind, OLD.party, OLD.text, OLD.proposal::text, OLD.status) THEN
                    RETURN NEW;
                END IF;
                IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM complaints WHERE id = OLD.complaint_id) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION 'a complaint''s timeline is append-only';
            END $$;
            CREATE TRIGGER complaint_events_append_only BEFORE UPDATE OR DELETE ON complaint_events
                FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();

            CREATE TABLE complaint_evidence (
                id              uuid        PRIMARY KEY,
                complaint_id    uuid        NOT NULL REFERENCES complaints ON DELETE CASCADE,
                party           text        NOT NULL,
                added_by        uuid,
                added_at        timestamptz NOT NULL,
                concerns_minors boolean     NOT NULL,
                description     text        NOT NULL,
                url             text,
                attachment      jsonb
            );
            CREATE INDEX complaint_evidence_complaint ON complaint_evidence (complaint_id, added_at);
            CREATE INDEX complaint_evidence_added_by ON complaint_evidence (added_by) WHERE added_by IS NOT NULL;

            CREATE TABLE staff_notes (
                id           uuid        PRIMARY KEY,
                complaint_id uuid        NOT NULL REFERENCES complaints ON DELETE CASCADE,
                author       uuid,
                text         text        NOT NULL,
                created_at   timestamptz NOT NULL
            );
            CREATE INDEX staff_notes_complaint ON staff_notes (complaint_id, created_at);
            CREATE INDEX staff_notes_author ON staff_notes (author) WHERE author IS NOT NULL;
            """),
    ]
}
