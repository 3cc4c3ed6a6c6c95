-- 0003_review_sessions (expand): browser sessions of the editors' review page (docs/review.md).
-- An API key is exchanged once for a random session id kept in an httpOnly cookie; only its
-- SHA-256 is stored here, with the SHA-256 of the session's CSRF token. A new, empty table:
-- old releases never read it.

CREATE TABLE "review_sessions" (
    "id_hash" TEXT NOT NULL,
    "api_key_id" UUID NOT NULL,
    "csrf_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "review_sessions_pkey" PRIMARY KEY ("id_hash"),
    CONSTRAINT "review_sessions_expiry_after_creation" CHECK ("expires_at" > "created_at"),
    CONSTRAINT "review_sessions_api_key_id_fkey" FOREIGN KEY ("api_key_id")
        REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE INDEX "review_sessions_api_key_id_idx" ON "review_sessions"("api_key_id");
