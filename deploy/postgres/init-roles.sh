#!/bin/sh
# Runs once, when the Postgres volume is first initialised (the official image's
# /docker-entrypoint-initdb.d). Gives Stargue and Temporal a login and databases of their own:
#   stargue  owns database stargue (npm run db:migrate creates the tables)
#   temporal owns databases temporal and temporal_visibility (auto-setup creates the schema)
# Neither role is a superuser. Passwords arrive through the environment and reach SQL as psql
# variables (:'name' quotes them), never spliced into the SQL text.
# Changing a password in .env later does NOT re-run this: see deploy/README.md ("Passwords").
set -eu

: "${STARGUE_DB_PASSWORD:?STARGUE_DB_PASSWORD must be set}"
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v stargue_password="$STARGUE_DB_PASSWORD" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE stargue LOGIN PASSWORD :'stargue_password';
CREATE DATABASE stargue OWNER stargue;
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
\connect temporal_visibility
-- Temporal's visibility schema needs btree_gin; create it here rather than rely on the
-- temporal role being allowed to.
CREATE EXTENSION IF NOT EXISTS btree_gin;
SQL
