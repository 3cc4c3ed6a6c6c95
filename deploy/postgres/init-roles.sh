#!/bin/sh
# Runs once, when the Postgres volume is first initialised (the official image's
# /docker-entrypoint-initdb.d). Gives Stargue and Temporal logins and databases of their own:
#   stargue          owns database stargue and every table in it; only migrations log in as it
#   stargue_runtime  NOLOGIN group holding what the worker and API may do (granted by migration
#                    0005; on the audit log only INSERT and SELECT) — docs/operations.md, roles
#   stargue_app      the worker's and API's login, a member of stargue_runtime
#   temporal         owns databases temporal and temporal_visibility (Temporal's own schema)
# None is a superuser. Passwords arrive through the environment and reach SQL as psql variables
# (:'name' quotes them), never spliced into the SQL text.
# Changing a password in .env later does NOT re-run this: see deploy/README.md ("Passwords").
set -eu

: "${STARGUE_DB_PASSWORD:?STARGUE_DB_PASSWORD must be set}"
: "${STARGUE_APP_DB_PASSWORD:?STARGUE_APP_DB_PASSWORD must be set}"
: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v stargue_password="$STARGUE_DB_PASSWORD" \
  -v stargue_app_password="$STARGUE_APP_DB_PASSWORD" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE stargue LOGIN PASSWORD :'stargue_password';
CREATE DATABASE stargue OWNER stargue;
-- Created here so the owner needs no CREATEROLE; migration 0005 grants it what the app uses.
CREATE ROLE stargue_runtime NOLOGIN;
CREATE ROLE stargue_app LOGIN PASSWORD :'stargue_app_password' IN ROLE stargue_runtime;
-- Only Stargue's roles may connect to Stargue's database.
REVOKE CONNECT, TEMPORARY ON DATABASE stargue FROM PUBLIC;
GRANT CONNECT ON DATABASE stargue TO stargue_runtime;
CREATE ROLE temporal LOGIN PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal;
CREATE DATABASE temporal_visibility OWNER temporal;
\connect temporal_visibility
-- Temporal's visibility schema needs btree_gin; create it here rather than rely on the
-- temporal role being allowed to.
CREATE EXTENSION IF NOT EXISTS btree_gin;
SQL
