-- 0001_init (expand): every table of the first release.

CREATE TABLE "content" (
    "content_id"   TEXT NOT NULL,
    "version"      INTEGER NOT NULL,
    "workflow_id"  TEXT NOT NULL,
    "source_hash"  TEXT NOT NULL,
    "markdown"     TEXT NOT NULL,
    "status"       TEXT NOT NULL,
    "language"     TEXT NOT NULL,
    "outlets"      TEXT[] NOT NULL,
    "sanitize"     BOOLEAN NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3),
    "content_hash" TEXT NOT NULL,
    "rendered"     JSONB NOT NULL,
    "title"        TEXT NOT NULL,
    "submitted_by" TEXT NOT NULL,
    "halt_reason"  TEXT,
    "last_error"   TEXT,
    "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "content_pkey" PRIMARY KEY ("content_id", "version"),
    CONSTRAINT "content_id_format" CHECK ("content_id" ~ '^[a-z0-9][a-z0-9-]{0,127}$'),
    CONSTRAINT "content_version_positive" CHECK ("version" > 0),
    CONSTRAINT "content_status_known" CHECK ("status" IN ('validating', 'draft', 'awaiting_approval',
        'scheduled', 'publishing', 'published', 'rejected', 'cancelled', 'failed', 'halted')),
    CONSTRAINT "content_outlets_nonempty" CHECK (cardinality("outlets") > 0),
    CONSTRAINT "content_hashes_hex" CHECK ("source_hash" ~ '^[0-9a-f]{64}$' AND "content_hash" ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX "content_workflow_id_key" ON "content"("workflow_id");
CREATE INDEX "content_status_created_at_idx" ON "content"("status", "created_at" DESC);
CREATE INDEX "content_created_at_idx" ON "content"("created_at" DESC);

CREATE TABLE "approvals" (
    "id"           BIGSERIAL NOT NULL,
    "content_id"   TEXT NOT NULL,
    "version"      INTEGER NOT NULL,
    "decision"     TEXT NOT NULL,
    "actor"        TEXT NOT NULL,
    "note"         TEXT,
    "content_hash" TEXT NOT NULL,
    "request_id"   TEXT NOT NULL,
    "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "approvals_decision_known" CHECK ("decision" IN ('approved', 'rejected')),
    CONSTRAINT "approvals_content_fkey" FOREIGN KEY ("content_id", "version")
        REFERENCES "content"("content_id", "version") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "approvals_request_id_key" ON "approvals"("request_id");
CREATE INDEX "approvals_content_id_version_idx" ON "approvals"("content_id", "version");

CREATE TABLE "publications" (
    "id"              BIGSERIAL NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "content_id"      TEXT NOT NULL,
    "version"         INTEGER NOT NULL,
    "outlet"          TEXT NOT NULL,
    "state"           TEXT NOT NULL,
    "attempt"         INTEGER NOT NULL DEFAULT 0,
    "account_id"      TEXT,
    "author_urn"      TEXT,
    "commentary_hash" TEXT NOT NULL,
    "post_urn"        TEXT,
    "sending_at"      TIMESTAMPTZ(3),
    "confirmed_at"    TIMESTAMPTZ(3),
    "resolution"      TEXT,
    "last_error"      TEXT,
    "created_at"      TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at"      TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "publications_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "publications_state_known" CHECK ("state" IN ('intent', 'sending', 'confirmed', 'failed', 'unresolved')),
    CONSTRAINT "publications_confirmed_has_urn" CHECK ("state" <> 'confirmed' OR "post_urn" IS NOT NULL),
    CONSTRAINT "publications_content_fkey" FOREIGN KEY ("content_id", "version")
        REFERENCES "content"("content_id", "version") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "publications_idempotency_key_key" ON "publications"("idempotency_key");
CREATE INDEX "publications_content_id_version_idx" ON "publications"("content_id", "version");
CREATE INDEX "publications_state_idx" ON "publications"("state");

CREATE TABLE "metrics" (
    "id"             BIGSERIAL NOT NULL,
    "publication_id" BIGINT NOT NULL,
    "checkpoint"     TEXT NOT NULL,
    "status"         TEXT NOT NULL,
    "impressions"    INTEGER,
    "reactions"      INTEGER,
    "comments"       INTEGER,
    "reshares"       INTEGER,
    "detail"         TEXT,
    "collected_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "metrics_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "metrics_status_known" CHECK ("status" IN ('collected', 'refused', 'unavailable')),
    CONSTRAINT "metrics_counts_nonnegative" CHECK (coalesce("impressions", 0) >= 0 AND coalesce("reactions", 0) >= 0
        AND coalesce("comments", 0) >= 0 AND coalesce("reshares", 0) >= 0),
    CONSTRAINT "metrics_publication_fkey" FOREIGN KEY ("publication_id")
        REFERENCES "publications"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "metrics_publication_id_checkpoint_key" ON "metrics"("publication_id", "checkpoint");

CREATE TABLE "linkedin_tokens" (
    "id"                 TEXT NOT NULL,
    "member_urn"         TEXT NOT NULL,
    "organization_urn"   TEXT,
    "display_name"       TEXT,
    "scopes"             TEXT[] NOT NULL,
    "key_id"             TEXT NOT NULL,
    "access_ciphertext"  BYTEA NOT NULL,
    "access_nonce"       BYTEA NOT NULL,
    "refresh_ciphertext" BYTEA,
    "refresh_nonce"      BYTEA,
    "access_expires_at"  TIMESTAMPTZ(3) NOT NULL,
    "refresh_expires_at" TIMESTAMPTZ(3),
    "status"             TEXT NOT NULL DEFAULT 'active',
    "connected_by"       TEXT NOT NULL,
    "created_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at"         TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "linkedin_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "linkedin_tokens_member_urn_format" CHECK ("member_urn" LIKE 'urn:li:person:%'),
    CONSTRAINT "linkedin_tokens_org_urn_format" CHECK ("organization_urn" IS NULL OR "organization_urn" LIKE 'urn:li:organization:%'),
    CONSTRAINT "linkedin_tokens_nonce_size" CHECK (octet_length("access_nonce") = 24
        AND ("refresh_nonce" IS NULL OR octet_length("refresh_nonce") = 24)),
    CONSTRAINT "linkedin_tokens_refresh_pair" CHECK (("refresh_ciphertext" IS NULL) = ("refresh_nonce" IS NULL)),
    CONSTRAINT "linkedin_tokens_status_known" CHECK ("status" IN ('active', 'reauth_required'))
);
CREATE UNIQUE INDEX "linkedin_tokens_member_urn_key" ON "linkedin_tokens"("member_urn");
CREATE INDEX "linkedin_tokens_key_id_idx" ON "linkedin_tokens"("key_id");

CREATE TABLE "audit" (
    "id"          BIGSERIAL NOT NULL,
    "at"          TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor"       TEXT NOT NULL,
    "action"      TEXT NOT NULL,
    "subject"     TEXT NOT NULL,
    "workflow_id" TEXT,
    "run_id"      TEXT,
    "from_status" TEXT,
    "to_status"   TEXT,
    "reason"      TEXT,
    "details"     JSONB,
    "dedupe_key"  TEXT,
    "prev_hash"   TEXT NOT NULL,
    "hash"        TEXT NOT NULL,
    CONSTRAINT "audit_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_hashes_hex" CHECK ("prev_hash" ~ '^[0-9a-f]{64}$' AND "hash" ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX "audit_dedupe_key_key" ON "audit"("dedupe_key");
CREATE UNIQUE INDEX "audit_hash_key" ON "audit"("hash");
CREATE INDEX "audit_subject_id_idx" ON "audit"("subject", "id" DESC);

-- The audit log is append-only for everyone, whatever role the application connects as.
CREATE FUNCTION "audit_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "audit_append_only" BEFORE UPDATE OR DELETE ON "audit"
    FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "audit_no_truncate" BEFORE TRUNCATE ON "audit"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();

CREATE TABLE "outlet_feature_flags" (
    "outlet"     TEXT NOT NULL,
    "flag"       TEXT NOT NULL,
    "enabled"    BOOLEAN NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "outlet_feature_flags_pkey" PRIMARY KEY ("outlet", "flag")
);
INSERT INTO "outlet_feature_flags" ("outlet", "flag", "enabled", "updated_by") VALUES
    ('linkedin', 'member_posting', true, 'migration:0001_init'),
    ('linkedin', 'organization_posting', false, 'migration:0001_init');

CREATE TABLE "kill_switch" (
    "id"         INTEGER NOT NULL DEFAULT 1,
    "engaged"    BOOLEAN NOT NULL DEFAULT false,
    "reason"     TEXT,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "kill_switch_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "kill_switch_singleton" CHECK ("id" = 1),
    CONSTRAINT "kill_switch_reason_when_engaged" CHECK (NOT "engaged" OR "reason" IS NOT NULL)
);
INSERT INTO "kill_switch" ("id", "engaged", "updated_by") VALUES (1, false, 'migration:0001_init');

CREATE TABLE "api_keys" (
    "id"           UUID NOT NULL,
    "name"         TEXT NOT NULL,
    "role"         TEXT NOT NULL,
    "key_hash"     TEXT NOT NULL,
    "prefix"       TEXT NOT NULL,
    "created_at"   TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at"   TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_keys_role_known" CHECK ("role" IN ('integration', 'editor', 'operator')),
    CONSTRAINT "api_keys_hash_hex" CHECK ("key_hash" ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys"("name");
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

CREATE TABLE "oauth_states" (
    "state_hash" TEXT NOT NULL,
    "api_key_id" UUID NOT NULL,
    "scopes"     TEXT[] NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at"    TIMESTAMPTZ(3),
    CONSTRAINT "oauth_states_pkey" PRIMARY KEY ("state_hash"),
    CONSTRAINT "oauth_states_expiry_after_creation" CHECK ("expires_at" > "created_at"),
    CONSTRAINT "oauth_states_api_key_fkey" FOREIGN KEY ("api_key_id")
        REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "oauth_states_expires_at_idx" ON "oauth_states"("expires_at");
