-- 0005_runtime_role_key_expiry (expand): least privilege for the running application, and an
-- optional expiry on API keys (docs/security.md).
--
-- Migrations run as the role that owns every table (MIGRATION_DATABASE_URL). The worker and the
-- API log in as roles that are members of the NOLOGIN group role "stargue_runtime", which holds
-- only what they use. It owns nothing, so it can never ALTER (… DISABLE TRIGGER), DROP or
-- TRUNCATE a table, and on "audit" it may only INSERT and SELECT.
--
-- A later migration that creates a table grants on it in one line, e.g.
--   GRANT SELECT, INSERT ON "audit_seals" TO stargue_runtime;
-- (and USAGE on its sequence); test/security/runtime-role.test.ts fails on a table without one.

-- Roles belong to the whole cluster, not to this database: several databases (test databases
-- migrated side by side, staging next to production) share the group. It is created when
-- missing, which needs CREATEROLE; deploy/postgres/init-roles.sh creates it beforehand so the
-- owner role needs no such right.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stargue_runtime') THEN
        BEGIN
            CREATE ROLE stargue_runtime NOLOGIN;
        EXCEPTION
            -- A migration of another database on the same cluster created it meanwhile.
            WHEN duplicate_object OR unique_violation THEN NULL;
            WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role stargue_runtime does not exist and % may not create it: create it once as a superuser (CREATE ROLE stargue_runtime NOLOGIN;), or give % CREATEROLE', current_user, current_user;
        END;
    END IF;
END
$$;

-- Every table may be read and appended to; changing or removing rows is granted table by table.
GRANT USAGE ON SCHEMA public TO stargue_runtime;
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO stargue_runtime;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO stargue_runtime;
-- Migration history is the owner's business.
REVOKE ALL ON "_prisma_migrations" FROM stargue_runtime;
-- Singleton rows and flags written by migrations: updated in place, never inserted.
REVOKE INSERT ON "kill_switch", "outlet_feature_flags" FROM stargue_runtime;
GRANT UPDATE ON "content", "publications", "metrics", "linkedin_tokens", "kill_switch",
    "api_keys", "oauth_states", "review_sessions" TO stargue_runtime;
-- Expired OAuth states and review sessions are purged by the API.
GRANT DELETE ON "oauth_states", "review_sessions" TO stargue_runtime;

-- API keys may expire (npm run apikey -- create --expires-in 90d); NULL: never.
ALTER TABLE "api_keys" ADD COLUMN "expires_at" TIMESTAMPTZ(3);

-- The purge finds expired review sessions by this index (oauth_states has one since 0001).
CREATE INDEX "review_sessions_expires_at_idx" ON "review_sessions"("expires_at");
