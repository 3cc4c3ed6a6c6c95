-- 0002_content_schedule_zone (expand): the IANA zone the editor scheduled in, kept for display
-- only (RELIABILITY.md C5). scheduled_at stays the UTC instant that drives the timer.
-- Nullable with no default, so existing rows are untouched and adding it rewrites nothing.

ALTER TABLE "content" ADD COLUMN "scheduled_zone" TEXT;

-- A loose shape check (Area/Location[/Sub], Etc/GMT+5, UTC): whether the zone really exists is
-- the application's job, because the tz database changes more often than this schema.
ALTER TABLE "content" ADD CONSTRAINT "content_scheduled_zone_format" CHECK (
    "scheduled_zone" IS NULL
    OR ("scheduled_zone" ~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' AND length("scheduled_zone") <= 64)
);
