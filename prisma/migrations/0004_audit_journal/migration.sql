-- 0004_audit_journal: appends to the audit log become plain concurrent inserts (no lock, no
-- hash chain on the write path); tamper evidence moves to signed seals that the sealer writes
-- off the hot path (docs/architecture.md, "Audit journal"). Each step below leaves the database
-- valid for the previous release too, which keeps writing chained rows until it is replaced.

-- 1. expand and backfill -----------------------------------------------------------------------
-- The transaction that wrote each row: the sealer seals only rows whose writers have all
-- finished, so a slow-committing row is sealed later, never skipped. A constant default is
-- stored once in the catalogue, so every existing row reads 0 without a table rewrite and
-- without an UPDATE of append-only rows: 0 marks the rows from before this migration (the
-- backfill). New rows then get their writer's transaction id (xid8; below 2^63 for as long as
-- the cluster can live, so a bigint that Prisma maps natively).
ALTER TABLE "audit" ADD COLUMN "writer_xid" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "audit" ALTER COLUMN "writer_xid" SET DEFAULT (pg_current_xact_id()::text::bigint);

-- New rows are not chained: the old chain stays on the rows that have it and is still verified.
ALTER TABLE "audit" ALTER COLUMN "prev_hash" DROP NOT NULL, ALTER COLUMN "hash" DROP NOT NULL;

-- Seals cover rows in (writer_xid, id) order; the sealer and the verifier walk this index.
CREATE INDEX "audit_writer_xid_id_idx" ON "audit"("writer_xid", "id");

-- One seal covers the rows whose position (writer_xid, id) lies in [from, to): their ids, the
-- SHA-256 of each, the SHA-256 over those, the previous seal's hash, and an ed25519 signature by
-- a key that only the sealer holds (AUDIT_SIGNING_KEY, never stored here).
CREATE TABLE "audit_seals" (
    "id"          BIGSERIAL NOT NULL,
    "sealed_at"   TIMESTAMPTZ(3) NOT NULL,
    "from_xid"    BIGINT NOT NULL,
    "from_id"     BIGINT NOT NULL,
    "to_xid"      BIGINT NOT NULL,
    "to_id"       BIGINT NOT NULL,
    "row_count"   INTEGER NOT NULL,
    "row_ids"     BIGINT[] NOT NULL,
    "row_digests" BYTEA NOT NULL,
    "rows_hash"   TEXT NOT NULL,
    "prev_hash"   TEXT NOT NULL,
    "hash"        TEXT NOT NULL,
    "key_id"      TEXT NOT NULL,
    "signature"   TEXT NOT NULL,
    CONSTRAINT "audit_seals_pkey" PRIMARY KEY ("id")
);
-- A seal has at most one successor, so two sealers can never fork the chain.
CREATE UNIQUE INDEX "audit_seals_prev_hash_key" ON "audit_seals"("prev_hash");
CREATE UNIQUE INDEX "audit_seals_hash_key" ON "audit_seals"("hash");

-- Seals are append-only too, whatever role the application connects as.
CREATE TRIGGER "audit_seals_append_only" BEFORE UPDATE OR DELETE ON "audit_seals"
    FOR EACH ROW EXECUTE FUNCTION "audit_refuse_change"();
CREATE TRIGGER "audit_seals_no_truncate" BEFORE TRUNCATE ON "audit_seals"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_refuse_change"();

-- 2. constrain ------------------------------------------------------------------------------
-- A row is chained completely or not at all (the previous release writes both hashes).
ALTER TABLE "audit" ADD CONSTRAINT "audit_chain_whole" CHECK (("prev_hash" IS NULL) = ("hash" IS NULL));
ALTER TABLE "audit" ADD CONSTRAINT "audit_writer_xid_valid" CHECK ("writer_xid" >= 0);
ALTER TABLE "audit_seals"
    ADD CONSTRAINT "audit_seals_range_forward" CHECK (("to_xid", "to_id") > ("from_xid", "from_id")),
    ADD CONSTRAINT "audit_seals_rows_listed" CHECK (
        "row_count" >= 1
        AND cardinality("row_ids") = "row_count"
        AND octet_length("row_digests") = 32 * "row_count"),
    ADD CONSTRAINT "audit_seals_hashes_hex" CHECK (
        "rows_hash" ~ '^[0-9a-f]{64}$' AND "prev_hash" ~ '^[0-9a-f]{64}$' AND "hash" ~ '^[0-9a-f]{64}$'),
    ADD CONSTRAINT "audit_seals_key_id_shape" CHECK ("key_id" ~ '^[A-Za-z0-9_-]{1,32}$'),
    ADD CONSTRAINT "audit_seals_signature_shape" CHECK ("signature" ~ '^[A-Za-z0-9+/]{86}==$');
