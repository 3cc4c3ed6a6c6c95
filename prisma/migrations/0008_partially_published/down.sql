-- 0008_partially_published down: the previous release knows no `partially_published`; such items
-- become `published` (at least one post went out; each channel's outcome stays on its
-- publication row) before the narrower CHECK returns.
UPDATE "content" SET "status" = 'published' WHERE "status" = 'partially_published';
ALTER TABLE "content" DROP CONSTRAINT "content_status_known";
ALTER TABLE "content" ADD CONSTRAINT "content_status_known" CHECK ("status" IN ('validating', 'draft',
    'awaiting_approval', 'scheduled', 'publishing', 'published', 'rejected', 'cancelled', 'failed',
    'halted'));
