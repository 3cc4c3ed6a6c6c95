#!/bin/sh
# The `temporal-namespace` one-shot of docker-compose.yml (temporalio/admin-tools): waits until
# the Temporal server answers, then creates Stargue's namespace unless it exists. The worker
# registers Stargue's search attributes in it at start-up.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${NAMESPACE:?}" "${RETENTION:?}"
tries=0
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "Temporal at $TEMPORAL_ADDRESS is not healthy" >&2; exit 1; }
  sleep 2
done
if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" -n "$NAMESPACE" --retention "$RETENTION"
fi
