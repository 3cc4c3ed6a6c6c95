-- 0007_channels down: drops channels and the columns that point at them. The previous release
-- then posts as the most recently updated LinkedIn token row again (reconnect the intended
-- account last before rolling back); Bluesky channels and their sealed credentials are lost, and
-- so are the record keys and CIDs of Bluesky publications. LinkedIn tokens are kept.
ALTER TABLE "oauth_states"
    DROP CONSTRAINT IF EXISTS "oauth_states_organization_urn_format",
    DROP CONSTRAINT IF EXISTS "oauth_states_channel_name_format",
    DROP COLUMN IF EXISTS "organization_urn",
    DROP COLUMN IF EXISTS "channel_name";
ALTER TABLE "content"
    DROP CONSTRAINT IF EXISTS "content_targets_list",
    DROP COLUMN IF EXISTS "targets";
DROP INDEX IF EXISTS "publications_channel_id_idx";
ALTER TABLE "publications"
    DROP CONSTRAINT IF EXISTS "publications_record_key_format",
    DROP CONSTRAINT IF EXISTS "publications_channel_id_fkey",
    DROP COLUMN IF EXISTS "post_cid",
    DROP COLUMN IF EXISTS "record_key",
    DROP COLUMN IF EXISTS "channel_id";
DROP TABLE IF EXISTS "channels";
