-- deploy/postgres/bootstrap.sql
--
-- Idempotent bootstrap of database `expo`: one LOGIN role and one schema per service,
-- each service confined to its own schema. Run by the superuser against database
-- `expo`; `deploy/stack infra up` runs it on every start.
--
--   psql -v ON_ERROR_STOP=1 -U postgres -d expo -f deploy/postgres/bootstrap.sql
--
-- LOCAL-ONLY PASSWORDS: a role created here gets the password 'expo-local-<role>'
-- (e.g. 'expo-local-data_rights'). They exist for the project-local stack, which
-- listens on 127.0.0.1 only. Anywhere else, create the roles beforehand with real
-- secrets: this script never changes the password of a role that already exists.

\set ON_ERROR_STOP on

-- 1. Login roles (created only if missing).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['accounts', 'matchmaking', 'messaging', 'marketing',
                             'complaints', 'data_rights', 'expo_test']
    LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L',
                           r, 'expo-local-' || r);
        END IF;
    END LOOP;
END
$$;

-- 2. Lock down the defaults: nobody may use schema public or connect to expo unless
--    granted explicitly below.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE expo FROM PUBLIC;

-- 3. One schema per role, owned by it, and the role's default search_path.
CREATE SCHEMA IF NOT EXISTS accounts AUTHORIZATION accounts;
ALTER SCHEMA accounts OWNER TO accounts;
ALTER ROLE accounts SET search_path = accounts;
GRANT CONNECT ON DATABASE expo TO accounts;

CREATE SCHEMA IF NOT EXISTS matchmaking AUTHORIZATION matchmaking;
ALTER SCHEMA matchmaking OWNER TO matchmaking;
ALTER ROLE matchmaking SET search_path = matchmaking;
GRANT CONNECT ON DATABASE expo TO matchmaking;

CREATE SCHEMA IF NOT EXISTS messaging AUTHORIZATION messaging;
ALTER SCHEMA messaging OWNER TO messaging;
ALTER ROLE messaging SET search_path = messaging;
GRANT CONNECT ON DATABASE expo TO messaging;

CREATE SCHEMA IF NOT EXISTS marketing AUTHORIZATION marketing;
ALTER SCHEMA marketing OWNER TO marketing;
ALTER ROLE marketing SET search_path = marketing;
GRANT CONNECT ON DATABASE expo TO marketing;

CREATE SCHEMA IF NOT EXISTS complaints AUTHORIZATION complaints;
ALTER SCHEMA complaints OWNER TO complaints;
ALTER ROLE complaints SET search_path = complaints;
GRANT CONNECT ON DATABASE expo TO complaints;

CREATE SCHEMA IF NOT EXISTS data_rights AUTHORIZATION data_rights;
ALTER SCHEMA data_rights OWNER TO data_rights;
ALTER ROLE data_rights SET search_path = data_rights;
GRANT CONNECT ON DATABASE expo TO data_rights;

-- Throwaway tables of integration tests.
CREATE SCHEMA IF NOT EXISTS expo_test AUTHORIZATION expo_test;
ALTER SCHEMA expo_test OWNER TO expo_test;
ALTER ROLE expo_test SET search_path = expo_test;
GRANT CONNECT ON DATABASE expo TO expo_test;

-- 3b. Extensions the services' indexes use, in a schema of their own that no service owns:
--     pg_trgm for matchmaking's typo-tolerant search. Services find it on their search_path.
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA extensions;
REVOKE ALL ON SCHEMA extensions FROM PUBLIC;
GRANT USAGE ON SCHEMA extensions TO matchmaking, expo_test;

-- 4. No role has any privilege on another role's schema (undoes manual grants, if any;
--    new schemas grant nothing to PUBLIC, so this is normally a no-op).
DO $$
DECLARE
    roles text[] := ARRAY['accounts', 'matchmaking', 'messaging', 'marketing',
                          'complaints', 'data_rights', 'expo_test'];
    s text;
    r text;
BEGIN
    FOREACH s IN ARRAY roles LOOP
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', s);
        FOREACH r IN ARRAY roles LOOP
            IF r <> s THEN
                EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %I', s, r);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
