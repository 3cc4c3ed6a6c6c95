#!/usr/bin/env bash
# The README's quick start as a new user runs it on a fresh machine (Node >= 20 and Python 3,
# nothing else set up): a clean clone, no Temporal CLI anywhere on PATH, no TEMPORAL_CLI_PATH,
# no DATABASE_URL or TEST_ADMIN_DATABASE_URL, then
#   npm ci && npm run dev   → the API and the Temporal UI answer; Ctrl-C (SIGINT to the whole
#                             process group, as a terminal sends it) stops it quietly and
#                             leaves nothing running
#   npm test                → passes, on a PostgreSQL and a Temporal CLI it fetches itself
#
# Usage: bash scripts/fresh-machine-check.sh [--dev-only] [--in-place] [--stop-cluster] [--keep]
#   --dev-only      only the npm run dev half (what CI runs)
#   --in-place      use this checkout (already `npm ci`-ed, e.g. CI's fresh clone) instead of
#                   cloning HEAD into a temporary folder and running `npm ci` there
#   --stop-cluster  stop the machine's Debian PostgreSQL cluster for the run (so nothing answers
#                   on 5432 and no `stargue` role is reachable) and start it again afterwards;
#                   needs root. Without it the cluster is left alone, and the run still uses none
#                   of it (the check fails if npm test did not start its own PostgreSQL)
#   --keep          keep the temporary clone and its logs
# Exit 0 when every step passed; the last lines summarise what was checked.
set -euo pipefail

dev_only=0 in_place=0 stop_cluster=0 keep=0
for arg in "$@"; do
  case "$arg" in
    --dev-only) dev_only=1 ;;
    --in-place) in_place=1 ;;
    --stop-cluster) stop_cluster=1 ;;
    --keep) keep=1 ;;
    *) echo "unknown option: $arg (see the header of $0)" >&2; exit 2 ;;
  esac
done

src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/stargue-fresh-XXXXXX")
summary=()
step() { printf '\n== fresh-machine check: %s\n' "$1"; }
fail() { printf '\nFRESH-MACHINE CHECK FAILED: %s\n' "$1" >&2; exit 1; }

cluster_stopped=0
dev_pid=''
cleanup() {
  if [ -n "$dev_pid" ] && kill -0 "$dev_pid" 2>/dev/null; then kill -KILL -- "-$dev_pid" 2>/dev/null || true; fi
  if [ "$cluster_stopped" = 1 ]; then
    echo "restarting the Debian PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect 15 main start || echo "could not restart it: pg_ctlcluster 15 main start" >&2
  fi
  if [ "$keep" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# A PATH like the caller's, minus every `temporal`: a folder holding one is replaced by a folder
# of links to everything else in it (python3, pip and node stay reachable).
step "PATH without a Temporal CLI"
shadow_path=''
index=0
IFS=: read -r -a dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  if [ -x "$dir/temporal" ]; then
    index=$((index + 1))
    shadow="$work/path-$index"
    mkdir -p "$shadow"
    for entry in "$dir"/*; do
      [ "$(basename "$entry")" = temporal ] || ln -s "$entry" "$shadow/$(basename "$entry")"
    done
    echo "hiding $dir/temporal"
    dir=$shadow
  fi
  shadow_path="${shadow_path:+$shadow_path:}$dir"
done
export PATH="$shadow_path"
unset TEMPORAL_CLI_PATH TEST_ADMIN_DATABASE_URL DATABASE_URL TEMPORAL_ADDRESS \
  TEST_TEMPLATE_DATABASE_URL LINKEDIN_CLIENT_ID STARGUE_TOOLS_DIR STARGUE_DATA_DIR STARGUE_ENV_FILE
if command -v temporal >/dev/null; then fail "a temporal is still on PATH: $(command -v temporal)"; fi
node --version && python3 --version
summary+=("no Temporal CLI on PATH, no TEMPORAL_CLI_PATH, no database URLs")

if [ "$stop_cluster" = 1 ]; then
  step "Debian PostgreSQL cluster stopped"
  if pg_lsclusters --no-header 2>/dev/null | awk '$1 == 15 && $2 == "main" && $4 == "online"' | grep -q .; then
    pg_ctlcluster --skip-systemctl-redirect 15 main stop
    cluster_stopped=1
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then fail "something still answers on 127.0.0.1:5432"; fi
  summary+=("nothing on 127.0.0.1:5432 (the Debian cluster stopped, so no stargue role)")
fi

if [ "$in_place" = 1 ]; then
  app=$src
else
  step "clean clone of $(git -C "$src" rev-parse --short HEAD) and npm ci"
  git clone -q "$src" "$work/stargue"
  app="$work/stargue"
  (cd "$app" && npm ci --no-audit --no-fund)
  summary+=("npm ci on a clean clone")
fi
cd "$app"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

step "npm run dev (the first run fetches the Temporal CLI)"
api_port=$(free_port) ui_port=$(free_port) temporal_port=$(free_port) pg_port=$(free_port)
log="$work/dev.log"
# The ports are picked free so the check can run beside other work; the data folder is fresh.
API_PORT=$api_port DEV_TEMPORAL_PORT=$temporal_port DEV_TEMPORAL_UI_PORT=$ui_port \
  DEV_PG_PORT=$pg_port STARGUE_DATA_DIR="$work/dev-data" \
  setsid npm run dev >"$log" 2>&1 </dev/null &
dev_pid=$!
deadline=$((SECONDS + 900))
until grep -q 'Press Ctrl-C to stop.' "$log"; do
  kill -0 "$dev_pid" 2>/dev/null || { cat "$log"; fail "npm run dev exited before it was ready"; }
  [ $SECONDS -lt $deadline ] || { cat "$log"; fail "npm run dev was not ready within 15 minutes"; }
  sleep 1
done
cat "$log"
api=$(sed -n 's/^  API  *\(http:[^ ]*\)$/\1/p' "$log" | head -1)
ui=$(sed -n 's/^  Temporal UI  *\(http:[^ ]*\)$/\1/p' "$log" | head -1)
[ -n "$api" ] && [ -n "$ui" ] || fail "npm run dev printed no API or Temporal UI address"
key=$(sed -n 's/^  editor  *\(stg_[^ ]*\)$/\1/p' "$log" | head -1)
status_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@"; }
for check in "$api/healthz" "$api/readyz" "$api/docs/" "$ui/"; do
  code=$(status_of -L "$check")
  echo "GET $check → $code"
  [ "$code" = 200 ] || fail "GET $check answered $code"
done
code=$(status_of -H "Authorization: Bearer $key" "$api/v1/content")
echo "GET $api/v1/content with the printed editor key → $code"
[ "$code" = 200 ] || fail "the printed editor key was refused ($code)"
summary+=("npm run dev: API $api (healthz, readyz, docs, a key it printed) and Temporal UI $ui answer")

step "Ctrl-C"
kill -INT -- "-$dev_pid"
code=0
wait "$dev_pid" || code=$?
# npm returns at once (exit 130, 128 + SIGINT, as shells report Ctrl-C) while the app, which
# got the same SIGINT, still stops its parts in order: wait for the whole process group.
deadline=$((SECONDS + 120))
while pgrep -g "$dev_pid" >/dev/null; do
  [ $SECONDS -lt $deadline ] || fail "still running 2 minutes after Ctrl-C:\n$(pgrep -a -g "$dev_pid")"
  sleep 1
done
stopped_in=$((SECONDS - deadline + 120))
group=$dev_pid
dev_pid=''
after=$(sed -n '/Press Ctrl-C to stop./,$p' "$log" | tail -n +2 | sed '/^\s*$/d')
echo "npm exit code $code; every process gone after ${stopped_in} s; printed after Ctrl-C: ${after:-(nothing)}"
[ "$code" = 0 ] || [ "$code" = 130 ] || fail "npm run dev exited with $code after Ctrl-C"
[ "$after" = 'stopping…' ] || fail "Ctrl-C printed more than 'stopping…':\n$after"
left=$(pgrep -a -f "$work/dev-data" || true)
[ -z "$left" ] || fail "still running after Ctrl-C (outside process group $group):\n$left"
for port in "$api_port" "$ui_port" "$temporal_port" "$pg_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "port $port still open after Ctrl-C"; fi
done
summary+=("Ctrl-C: npm exit $code, everything gone in ${stopped_in} s, only 'stopping…' printed, no process left, every port closed")

if [ "$dev_only" = 0 ]; then
  step "npm test"
  test_log="$work/test.log"
  code=0
  npm test 2>&1 | tee "$test_log" || code=$?
  [ "$code" = 0 ] || fail "npm test exited with $code"
  grep -q 'PostgreSQL .* (a throwaway cluster' "$test_log" || fail "npm test did not run its own PostgreSQL"
  summary+=("npm test: $(grep -E '^# (pass|fail|skipped) ' "$test_log" | tr '\n' ' ')on its own PostgreSQL")
fi

step "passed"
printf '  - %s\n' "${summary[@]}"
