import Persistence

/// The accounts schema, one numbered step at a time (never edit a released step; add one).
enum AccountsMigrations {
    static let all: [Migration] = [
        Migration(source: "accounts", version: 1, name: "companies, accounts, sessions, logins, verification", sql: """
            -- The companies that exhibit or purchase; their public card is name, type, industry, country.
            CREATE TABLE companies (
                id            uuid        PRIMARY KEY,
                name          text        NOT NULL,
                business_type text        NOT NULL CHECK (business_type IN ('supplier', 'purchaser', 'individual-purchaser')),
                industry      text        NOT NULL,
                country       text        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
                created_at    timestamptz NOT NULL DEFAULT now(),
                updated_at    timestamptz NOT NULL DEFAULT now()
            );

            -- A person who signs in. Staff accounts have no company. Emails are unique ignoring case
            -- and kept as typed.
            CREATE TABLE accounts (
                id                  uuid        PRIMARY KEY,
                company_id          uuid        REFERENCES companies (id),
                email               text        NOT NULL,
                password_hash       text        NOT NULL,
                contact_name        text        NOT NULL,
                title               text,
                department          text,
                telephone           text,
                roles               text[]      NOT NULL,
                verification_status text        NOT NULL DEFAULT 'pending'
                                    CHECK (verification_status IN ('pending', 'approved', 'rejected')),
                failed_logins       integer     NOT NULL DEFAULT 0,
                locked_until        timestamptz,
                password_changed_at timestamptz NOT NULL DEFAULT now(),
                created_at          timestamptz NOT NULL DEFAULT now(),
                updated_at          timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));
            CREATE INDEX accounts_verification ON accounts (verification_status, created_at, id);
            CREATE INDEX accounts_company ON accounts (company_id);

            -- Every KYC decision, kept: what, why, who, when. The account holds the latest outcome.
            CREATE TABLE verification_decisions (
                id         bigserial   PRIMARY KEY,
                account_id uuid        NOT NULL REFERENCES accounts (id),
                decision   text        NOT NULL CHECK (decision IN ('approve', 'reject')),
                reason     text,
                decided_by uuid        NOT NULL REFERENCES accounts (id),
                decided_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX verification_decisions_account ON verification_decisions (account_id, id);

            -- Signed-in devices. Only the SHA-256 of the bearer token is stored.
            CREATE TABLE sessions (
                id             uuid        PRIMARY KEY,
                account_id     uuid        NOT NULL REFERENCES accounts (id),
                token_hash     bytea       NOT NULL UNIQUE,
                created_at     timestamptz NOT NULL DEFAULT now(),
                last_seen_at   timestamptz NOT NULL DEFAULT now(),
                expires_at     timestamptz NOT NULL,
                ip             text,
                user_agent     text,
                revoked_at     timestamptz,
                revoked_reason text
            );
            CREATE INDEX sessions_account ON sessions (account_id, created_at, id) WHERE revoked_at IS NULL;
            CREATE INDEX sessions_expires_at ON sessions (expires_at);

            -- Sign-in attempts on known accounts, shown to their owner.
            CREATE TABLE login_records (
                id          bigserial   PRIMARY KEY,
                account_id  uuid        NOT NULL REFERENCES accounts (id),
                occurred_at timestamptz NOT NULL DEFAULT now(),
                ip          text,
                user_agent  text,
                outcome     text        NOT NULL CHECK (outcome IN ('succeeded', 'invalid-credentials', 'account-locked'))
            );
            CREATE INDEX login_records_account ON login_records (account_id, occurred_at, id);
            CREATE INDEX login_records_occurred_at ON login_records (occurred_at);
            """),
        Migration(source: "accounts", version: 2, name: "erased accounts", sql: """
            -- Set when the owner had the account erased or cancelled: the row stays, anonymised.
            ALTER TABLE accounts ADD COLUMN erased_at timestamptz;
            """),
        Migration(source: "accounts", version: 3, name: "live tickets", sql: """
            -- Single-use tickets that open a live WebSocket for one session, kept hashed for a minute.
            CREATE TABLE live_tickets (
                token_hash bytea       PRIMARY KEY,
                session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
                expires_at timestamptz NOT NULL
            );
            CREATE INDEX live_tickets_expires_at ON live_tickets (expires_at);
            """),
        Migration(source: "accounts", version: 4, name: "email ownership", sql: """
            -- Set when the owner used the verification link for the current address; cleared by a change.
            ALTER TABLE accounts ADD COLUMN email_verified_at timestamptz;
            -- Single-use tokens of mailed links, kept hashed: a verification is for one address (the
            -- one mailed), a reset for the account. A new one replaces the older of its purpose.
            CREATE TABLE email_tokens (
                token_hash bytea       PRIMARY KEY,
                account_id uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                purpose    text        NOT NULL CHECK (purpose IN ('verify-email', 'reset-password')),
                email      text        NOT NULL,
                expires_at timestamptz NOT NULL
            );
            CREATE INDEX email_tokens_account ON email_tokens (account_id, purpose);
            CREATE INDEX email_tokens_expires_at ON email_tokens (expires_at);
            """),
        Migration(source: "accounts", version: 5, name: "language", sql: """
            -- The language the platform writes to the person in (Contracts' Language).
            ALTER TABLE accounts ADD COLUMN language text NOT NULL DEFAULT 'en';
            """),
        Migration(source: "accounts", version: 6, name: "company teams", sql: """
            -- A company has several members; what each may do in it. Until now every company had
            -- one account, which registered it: its admin.
            ALTER TABLE accounts ADD COLUMN company_role text CHECK (company_role IN ('admin', 'member'));
            ALTER TABLE accounts ADD COLUMN joined_at timestamptz;
            UPDATE accounts SET company_role = 'admin', joined_at = created_at WHERE company_id IS NOT NULL;
            ALTER TABLE accounts ADD CONSTRAINT accounts_company_role CHECK ((company_id IS NULL) = (company_role IS NULL));

            -- Verification is the company's, shared by its members; decisions name the company. An
            -- approval holds until verified_until (while a changed company is reviewed again, that
            -- still marks the earlier approval); then the company is `expired`. Its admins are
            -- reminded once before, at expiry_reminded_at.
            ALTER TABLE companies ADD COLUMN verification_status text NOT NULL DEFAULT 'pending'
                CHECK (verification_status IN ('pending', 'approved', 'rejected', 'expired'));
            ALTER TABLE companies ADD COLUMN verified_until timestamptz;
            ALTER TABLE companies ADD COLUMN expiry_reminded_at timestamptz;
            UPDATE companies c SET verification_status = a.verification_status FROM accounts a WHERE a.company_id = c.id;
            CREATE INDEX companies_verification ON companies (verification_status, created_at, id);
            ALTER TABLE verification_decisions ADD COLUMN company_id uuid REFERENCES companies (id);
            UPDATE verification_decisions d SET company_id = a.company_id FROM accounts a WHERE a.id = d.account_id;
            CREATE INDEX verification_decisions_company ON verification_decisions (company_id, id);
            -- Approvals made before teams run for the default year from their decision.
            UPDATE companies c SET verified_until = coalesce((
                SELECT max(decided_at) FROM verification_decisions d WHERE d.company_id = c.id AND d.decision = 'approve'
            ), now()) + interval '365 days'
            WHERE c.verification_status = 'approved';
            CREATE INDEX companies_verified_until ON companies (verified_until) WHERE verified_until IS NOT NULL;
            ALTER TABLE accounts DROP COLUMN verification_status;

            -- Open invitations: the address invited and the SHA-256 of the mailed link's token.
            -- Used or withdrawn ones are deleted; expired ones by retention.
            CREATE TABLE company_invitations (
                id         uuid        PRIMARY KEY,
                company_id uuid        NOT NULL REFERENCES companies (id),
                email      text        NOT NULL,
                role       text        NOT NULL CHECK (role IN ('admin', 'member')),
                token_hash bytea       NOT NULL UNIQUE,
                invited_by uuid        NOT NULL REFERENCES accounts (id),
                created_at timestamptz NOT NULL DEFAULT now(),
                expires_at timestamptz NOT NULL
            );
            CREATE UNIQUE INDEX company_invitations_address ON company_invitations (company_id, lower(email));
            CREATE INDEX company_invitations_expires_at ON company_invitations (expires_at);
            """),
        Migration(source: "accounts", version: 7, name: "consent required", sql: """
            -- From data-rights' events: under which privacy-policy version the person last chose their
            -- cookies, and the latest substantial version, which asks everyone again; both by their
            -- place in the publication order, so events that arrive out of order give the same answer.
            ALTER TABLE accounts ADD COLUMN consent_policy_sequence integer;
            CREATE TABLE privacy_policy_state (
                singleton            boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                substantial_sequence integer NOT NULL
            );
            """),
        Migration(source: "accounts", version: 8, name: "current-password checks", sql: """
            -- A wrong current password through a session counts with the sign-in failures and is
            -- shown to the owner beside them; `check` says which it was.
            ALTER TABLE login_records ADD COLUMN "check" text NOT NULL DEFAULT 'sign-in'
                CHECK ("check" IN ('sign-in', 'current-password'));
            """),
        Migration(source: "accounts", version: 9, name: "failed sign-ins per address", sql: """
            -- Failed sign-ins by source address, whatever the email (known or not), for the
            -- per-address throttle every replica shares; kept only for the counting window.
            CREATE TABLE failed_sign_ins (
                id          bigserial   PRIMARY KEY,
                address     text        NOT NULL,
                occurred_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX failed_sign_ins_address ON failed_sign_ins (address, occurred_at);
            CREATE INDEX failed_sign_ins_occurred_at ON failed_sign_ins (occurred_at);
            """),
        Migration(source: "accounts", version: 10, name: "sign-in locks per email and address", sql: """
            -- Which email each failure tried (its SHA-256, known accounts and unknown emails alike), so a
            -- lock holds one email at one address, not the account for everyone.
            ALTER TABLE failed_sign_ins ADD COLUMN email_hash bytea;
            CREATE INDEX failed_sign_ins_email ON failed_sign_ins (email_hash, occurred_at);
            """),
    ]
}
