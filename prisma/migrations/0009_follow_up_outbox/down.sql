-- 0009_follow_up_outbox down: follow-ups not yet started are lost with the column (the previous
-- release starts a follow-up only from the publish activity that confirms the post).
DROP INDEX "publications_follow_up_pending_idx";
ALTER TABLE "publications" DROP COLUMN "follow_up";
