-- 0009_follow_up_outbox (expand): a confirmed publication carries the engagement follow-up still
-- to be started (its workflow input), written in the confirmation's own statement; the worker
-- starts marked follow-ups once no post is going out and clears the mark (docs/architecture.md,
-- "Engagement follow-ups"). The previous release ignores the column and starts follow-ups itself.
ALTER TABLE "publications" ADD COLUMN "follow_up" JSONB;
CREATE INDEX "publications_follow_up_pending_idx" ON "publications" ("id") WHERE "follow_up" IS NOT NULL;
