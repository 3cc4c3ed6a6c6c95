-- 0003_review_sessions down: drops the review page's sessions. Everyone signed in to the review
-- page must sign in again; nothing else is lost.
DROP TABLE IF EXISTS "review_sessions";
