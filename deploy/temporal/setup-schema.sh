#!/bin/sh
# The `temporal-schema` one-shot of docker-compose.yml (temporalio/admin-tools): creates
# Temporal's schema in the `temporal` and `temporal_visibility` databases, or upgrades it to the
# version this admin-tools release ships, then exits. Safe on every `docker compose up`. The
# databases and the `temporal` user come from deploy/postgres/init-roles.sh.
set -eu
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
schema=/etc/temporal/schema/postgresql/v12
for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  dir=${pair##*:}
  echo "Temporal schema: $db"
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --db "$db" setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --db "$db" update-schema -d "$schema/$dir/versioned"
done
echo "Temporal schema ready"
