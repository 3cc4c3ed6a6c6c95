-- 0008_partially_published (expand): an item published on some of its channels and failed on
-- the others ends `partially_published` (docs/operations.md, "Channels"). Only the status CHECK
-- widens; the previous release never writes the new value.
ALTER TABLE "content" DROP CONSTRAINT "content_status_known";
ALTER TABLE "content" ADD CONSTRAINT "content_status_known" CHECK ("status" IN ('validating', 'draft',
    'awaiting_approval', 'scheduled', 'publishing', 'published', 'partially_published', 'rejected',
    'cancelled', 'failed', 'halted'));
