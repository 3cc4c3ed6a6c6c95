-- 0001_init down: removes every table (a contract step by nature: it drops all data).
DROP TABLE IF EXISTS "oauth_states";
DROP TABLE IF EXISTS "api_keys";
DROP TABLE IF EXISTS "kill_switch";
DROP TABLE IF EXISTS "outlet_feature_flags";
DROP TRIGGER IF EXISTS "audit_no_truncate" ON "audit";
DROP TRIGGER IF EXISTS "audit_append_only" ON "audit";
DROP TABLE IF EXISTS "audit";
DROP FUNCTION IF EXISTS "audit_refuse_change"();
DROP TABLE IF EXISTS "linkedin_tokens";
DROP TABLE IF EXISTS "metrics";
DROP TABLE IF EXISTS "publications";
DROP TABLE IF EXISTS "approvals";
DROP TABLE IF EXISTS "content";
