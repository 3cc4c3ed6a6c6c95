-- 0005_runtime_role_key_expiry down: the runtime group loses every grant in this database (the
-- worker and API stop working until they connect as the owner again) and key expiry dates are
-- dropped, so expiring keys never expire. The role itself stays: other databases on the
-- cluster may use it.
DROP INDEX IF EXISTS "review_sessions_expires_at_idx";
ALTER TABLE "api_keys" DROP COLUMN IF EXISTS "expires_at";
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM stargue_runtime;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM stargue_runtime;
REVOKE ALL ON SCHEMA public FROM stargue_runtime;
