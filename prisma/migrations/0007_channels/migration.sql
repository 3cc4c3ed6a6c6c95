-- 0007_channels (expand): channels — one connected account on one outlet each (docs/operations.md,
-- "Channels"). Expand, backfill and constrain in one, each step safe beside the previous
-- release, as in 0004: the previous release never reads the new table or columns, and every new
-- column is nullable, so its writes keep working.
--
-- 1. expand: `channels`; `publications.channel_id`, `record_key` (Bluesky's rkey, stored before
--    the first create) and `post_cid`; `content.targets` (the channels an item publishes to,
--    filled at submission by the new release); `oauth_states.channel_name` and
--    `organization_urn` (what an authorization connects).
-- 2. backfill: every connected LinkedIn account becomes a channel; the account the previous
--    release posts as (the most recently updated token row) becomes the LinkedIn default; each
--    existing LinkedIn publication points at the channel of the account it was sent as, or at
--    the default when it was never sent.
-- 3. constrain: the new columns' foreign keys and shape checks (only new, nullable columns, so
--    nothing the previous release writes can violate them).

CREATE TABLE "channels" (
    "id"                  UUID NOT NULL DEFAULT gen_random_uuid(),
    "outlet"              TEXT NOT NULL,
    "name"                TEXT NOT NULL,
    "display_name"        TEXT NOT NULL,
    "is_default"          BOOLEAN NOT NULL DEFAULT false,
    "disabled_at"         TIMESTAMPTZ(3),
    "status"              TEXT NOT NULL DEFAULT 'active',
    "reauth_reason"       TEXT,
    "rate_limited_until"  TIMESTAMPTZ(3),
    -- LinkedIn: the member's token row (several channels may share one: the member and a page
    -- the member administers) and the URN posts go out as.
    "linkedin_token_id"   TEXT,
    "author_urn"          TEXT,
    -- Bluesky: the account, the server every call goes to, the sign-in identifier, and the app
    -- password and current session, sealed with the vault to this row's id.
    "did"                 TEXT,
    "handle"              TEXT,
    "service"             TEXT,
    "identifier"          TEXT,
    "password_key_id"     TEXT,
    "password_nonce"      BYTEA,
    "password_ciphertext" BYTEA,
    "session_key_id"      TEXT,
    "session_nonce"       BYTEA,
    "session_ciphertext"  BYTEA,
    "created_by"          TEXT NOT NULL,
    "created_at"          TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by"          TEXT NOT NULL,
    "updated_at"          TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "channels_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "channels_outlet_known" CHECK ("outlet" IN ('linkedin', 'bluesky')),
    CONSTRAINT "channels_name_format" CHECK ("name" ~ '^[a-z0-9][a-z0-9.-]{0,62}$'),
    CONSTRAINT "channels_display_name_length" CHECK (char_length("display_name") BETWEEN 1 AND 200),
    CONSTRAINT "channels_status_known" CHECK ("status" IN ('active', 'reauth_required')),
    CONSTRAINT "channels_linkedin_shape" CHECK ("outlet" <> 'linkedin' OR (
        "linkedin_token_id" IS NOT NULL
        AND "author_urn" ~ '^urn:li:(person|organization):'
        AND "did" IS NULL AND "handle" IS NULL AND "service" IS NULL AND "identifier" IS NULL
        AND "password_ciphertext" IS NULL AND "session_ciphertext" IS NULL)),
    CONSTRAINT "channels_bluesky_shape" CHECK ("outlet" <> 'bluesky' OR (
        "linkedin_token_id" IS NULL AND "author_urn" IS NULL
        AND "did" ~ '^did:[a-z]+:' AND "handle" IS NOT NULL AND "service" ~ '^https?://'
        AND "identifier" IS NOT NULL
        AND "password_key_id" IS NOT NULL AND "password_ciphertext" IS NOT NULL
        AND octet_length("password_nonce") = 24)),
    CONSTRAINT "channels_session_sealed" CHECK (
        ("session_key_id" IS NULL) = ("session_ciphertext" IS NULL)
        AND ("session_nonce" IS NULL) = ("session_ciphertext" IS NULL)
        AND ("session_nonce" IS NULL OR octet_length("session_nonce") = 24)),
    CONSTRAINT "channels_linkedin_token_id_fkey" FOREIGN KEY ("linkedin_token_id")
        REFERENCES "linkedin_tokens"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "channels_outlet_name_key" ON "channels"("outlet", "name");
-- At most one default per outlet.
CREATE UNIQUE INDEX "channels_one_default_per_outlet" ON "channels"("outlet") WHERE "is_default";
-- One channel per author and per Bluesky account: two would post as the same account twice.
CREATE UNIQUE INDEX "channels_author_urn_key" ON "channels"("author_urn");
CREATE UNIQUE INDEX "channels_did_key" ON "channels"("did");
CREATE INDEX "channels_linkedin_token_id_idx" ON "channels"("linkedin_token_id");

ALTER TABLE "publications"
    ADD COLUMN "channel_id" UUID,
    ADD COLUMN "record_key" TEXT,
    ADD COLUMN "post_cid" TEXT;
ALTER TABLE "content" ADD COLUMN "targets" JSONB;
ALTER TABLE "oauth_states"
    ADD COLUMN "channel_name" TEXT,
    ADD COLUMN "organization_urn" TEXT;

-- Backfill. The name is the member's name slugged (`Jane Doe` → `jane-doe`), else
-- `linkedin-<member id>`, made unique with `-2`, `-3`…; the author is whom the previous release
-- posts as: the organization when organization posting is on and the token may post for it.
DO $$
DECLARE
    token record;
    org_posting boolean;
    default_token text;
    author text;
    base text;
    candidate text;
    n integer;
BEGIN
    SELECT coalesce((SELECT "enabled" FROM "outlet_feature_flags"
                      WHERE "outlet" = 'linkedin' AND "flag" = 'organization_posting'), false)
      INTO org_posting;
    SELECT "id" INTO default_token FROM "linkedin_tokens" ORDER BY "updated_at" DESC, "id" DESC LIMIT 1;
    FOR token IN SELECT * FROM "linkedin_tokens" ORDER BY "created_at", "id" LOOP
        author := CASE
            WHEN org_posting AND token."organization_urn" IS NOT NULL
                 AND 'w_organization_social' = ANY (token."scopes")
                 AND NOT EXISTS (SELECT FROM "channels" WHERE "author_urn" = token."organization_urn")
            THEN token."organization_urn"
            ELSE token."member_urn"
        END;
        base := regexp_replace(lower(coalesce(token."display_name", '')), '[^a-z0-9]+', '-', 'g');
        base := left(trim(both '-' from base), 52);
        IF base = '' THEN
            base := left('linkedin-' || trim(both '-' from regexp_replace(
                lower(split_part(token."member_urn", ':', 4)), '[^a-z0-9]+', '-', 'g')), 52);
        END IF;
        base := trim(both '-' from base);
        candidate := base;
        n := 1;
        WHILE EXISTS (SELECT FROM "channels" WHERE "outlet" = 'linkedin' AND "name" = candidate) LOOP
            n := n + 1;
            candidate := base || '-' || n;
        END LOOP;
        INSERT INTO "channels" ("outlet", "name", "display_name", "is_default", "status",
                                "reauth_reason", "linkedin_token_id", "author_urn",
                                "created_by", "created_at", "updated_by", "updated_at")
        VALUES ('linkedin', candidate,
                left(coalesce(nullif(trim(token."display_name"), ''), author), 200),
                token."id" = default_token, token."status",
                CASE WHEN token."status" = 'reauth_required'
                     THEN 'the LinkedIn account must be reconnected' END,
                token."id", author,
                'migration:0007_channels', token."created_at", 'migration:0007_channels', now());
    END LOOP;
END
$$;

UPDATE "publications" AS p SET "channel_id" = c."id"
  FROM "channels" AS c
 WHERE p."outlet" = 'linkedin' AND p."channel_id" IS NULL AND c."linkedin_token_id" = p."account_id";
UPDATE "publications" SET "channel_id" =
       (SELECT "id" FROM "channels" WHERE "outlet" = 'linkedin' AND "is_default")
 WHERE "outlet" = 'linkedin' AND "channel_id" IS NULL;

-- Constrain: only the new columns, which the previous release never writes.
ALTER TABLE "publications"
    ADD CONSTRAINT "publications_channel_id_fkey" FOREIGN KEY ("channel_id")
        REFERENCES "channels"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    ADD CONSTRAINT "publications_record_key_format"
        CHECK ("record_key" IS NULL OR "record_key" ~ '^[234567a-j][234567a-z]{12}$');
CREATE INDEX "publications_channel_id_idx" ON "publications"("channel_id");
ALTER TABLE "content"
    ADD CONSTRAINT "content_targets_list" CHECK ("targets" IS NULL OR jsonb_typeof("targets") = 'array');
ALTER TABLE "oauth_states"
    ADD CONSTRAINT "oauth_states_channel_name_format"
        CHECK ("channel_name" IS NULL OR "channel_name" ~ '^[a-z0-9][a-z0-9.-]{0,62}$'),
    ADD CONSTRAINT "oauth_states_organization_urn_format"
        CHECK ("organization_urn" IS NULL OR "organization_urn" ~ '^urn:li:organization:[0-9]+$');

-- The worker and the API (stargue_runtime, 0005): channels are created, changed (renamed,
-- disabled, sessions renewed) and never deleted. The other tables' grants cover their new columns.
GRANT SELECT, INSERT, UPDATE ON "channels" TO stargue_runtime;
