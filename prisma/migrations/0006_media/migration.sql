-- 0006_media (expand): the media store and the LinkedIn media of each publication.
--
-- `media` keeps uploaded images and PDFs content-addressed (`sha256:<hex>` of the bytes), in
-- Postgres so every API and worker process reads the same bytes (docs/media.md). Rows are never
-- updated: the same bytes always have the same id.
--
-- `publication_media` records, per publication and position, the image or document URN the
-- outlet returned for a media item, under which author, and how far it got (initialized →
-- uploaded → available). It is written before the post is created, so a retried attempt reuses
-- the same URNs and a re-sent create is identical to the first.
--
-- Two new, empty tables: old releases never read them.

CREATE TABLE "media" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "frames" INTEGER,
    "pages" INTEGER,
    "data" BYTEA NOT NULL,
    "uploaded_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "media_id_is_sha256" CHECK ("id" ~ '^sha256:[0-9a-f]{64}$'),
    CONSTRAINT "media_type_known" CHECK (
        "type" IN ('image/png', 'image/jpeg', 'image/gif', 'application/pdf')
    ),
    CONSTRAINT "media_bytes_of_data" CHECK ("bytes" = octet_length("data") AND "bytes" > 0),
    CONSTRAINT "media_dimensions_positive" CHECK (
        ("width" IS NULL OR "width" > 0) AND ("height" IS NULL OR "height" > 0)
        AND ("frames" IS NULL OR "frames" > 0) AND ("pages" IS NULL OR "pages" > 0)
    )
);

-- PNG, JPEG, GIF and PDF are compressed already: store out of line without trying again.
ALTER TABLE "media" ALTER COLUMN "data" SET STORAGE EXTERNAL;

CREATE TABLE "publication_media" (
    "publication_id" BIGINT NOT NULL,
    "position" INTEGER NOT NULL,
    "media_id" TEXT NOT NULL,
    "owner_urn" TEXT NOT NULL,
    "asset_urn" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "uploaded_at" TIMESTAMPTZ(3),
    "available_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "publication_media_pkey" PRIMARY KEY ("publication_id", "position"),
    CONSTRAINT "publication_media_position_range" CHECK ("position" >= 0 AND "position" < 100),
    CONSTRAINT "publication_media_state_known" CHECK (
        "state" IN ('initialized', 'uploaded', 'available')
    ),
    CONSTRAINT "publication_media_publication_id_fkey" FOREIGN KEY ("publication_id")
        REFERENCES "publications"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "publication_media_media_id_fkey" FOREIGN KEY ("media_id")
        REFERENCES "media"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE INDEX "publication_media_media_id_idx" ON "publication_media"("media_id");

-- The worker and the API log in as a member of stargue_runtime (0005, docs/operations.md
-- "Database roles"): media are only added; a publication's media move initialized → uploaded →
-- available.
GRANT SELECT, INSERT ON "media" TO stargue_runtime;
GRANT SELECT, INSERT, UPDATE ON "publication_media" TO stargue_runtime;
