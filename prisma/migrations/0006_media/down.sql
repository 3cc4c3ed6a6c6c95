-- 0006_media down: drops the media store and the recorded LinkedIn media URNs. Uploaded images
-- and PDFs are lost (items referencing them fail validation until they are uploaded again);
-- posts already published on LinkedIn are not affected.
DROP TABLE IF EXISTS "publication_media";
DROP TABLE IF EXISTS "media";
