-- 0002_content_schedule_zone down: drops the display zone (and its check with it). The instant
-- in scheduled_at is kept, so no schedule is lost; only the zone shown to editors is.
ALTER TABLE "content" DROP COLUMN IF EXISTS "scheduled_zone";
