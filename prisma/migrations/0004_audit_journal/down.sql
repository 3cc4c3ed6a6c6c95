-- 0004_audit_journal down: back to the hash chain of the previous release. The seals are dropped
-- (export them first: `pg_dump --table=audit_seals`). Rows written since 0004 were never chained,
-- but the previous release needs both hashes on every row: they get placeholders (prev_hash all
-- zeros, hash = SHA-256 of "unchained audit row <id>"), keep their content, and the previous
-- release's `npm run audit:verify` reports each of them until the chain is started afresh.
DROP TABLE IF EXISTS "audit_seals";

ALTER TABLE "audit" DROP CONSTRAINT IF EXISTS "audit_writer_xid_valid";
ALTER TABLE "audit" DROP CONSTRAINT IF EXISTS "audit_chain_whole";

ALTER TABLE "audit" DISABLE TRIGGER "audit_append_only";
UPDATE "audit"
   SET "prev_hash" = repeat('0', 64),
       "hash" = encode(sha256(convert_to('unchained audit row ' || "id", 'UTF8')), 'hex')
 WHERE "hash" IS NULL;
ALTER TABLE "audit" ENABLE TRIGGER "audit_append_only";
ALTER TABLE "audit" ALTER COLUMN "prev_hash" SET NOT NULL, ALTER COLUMN "hash" SET NOT NULL;

DROP INDEX IF EXISTS "audit_writer_xid_id_idx";
ALTER TABLE "audit" DROP COLUMN IF EXISTS "writer_xid";
