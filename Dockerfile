# syntax=docker/dockerfile:1
# Stargue's one image: the API (default command), the worker, the migration, and the operator
# CLIs (`npm run apikey`, `tokens:rotate`, `audit:verify`, `db:status`). See deploy/README.md.
#
# Node 20 on Debian bookworm, pinned to a patch release; bump it (and rebuild) for Node
# security releases. The same image runs in both stages so native packages match.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- build: install, generate the Prisma client, prebuild the workflow bundle, drop dev deps
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

COPY package.json package-lock.json ./
# No install scripts: dependencies need none (DESIGN.md), and our own postinstall (Prisma client
# generation) needs the schema, which is copied below. Explicit, so npm 10 behaves like npm 11.
RUN npm ci --ignore-scripts

COPY . .
# 1. the Prisma client (offline generation, generated/prisma);
# 2. the workflow bundle (dist/workflow-bundle.js + manifest), used by the worker instead of
#    running webpack at every start;
# 3. dev dependencies out. tsx is a runtime dependency: the processes run TypeScript with it.
RUN node scripts/prisma-generate.mjs \
 && npx --no-install tsx deploy/bundle-workflows.ts \
 && npm prune --omit=dev --ignore-scripts \
 && npm cache clean --force

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app
# Owned by root and read-only to the process: the app writes nothing under /app.
COPY --from=build /app /app
USER node
EXPOSE 3000

# The API's liveness. The worker has no HTTP port: docker-compose.yml disables this check for
# the worker and the one-shot migrate service.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.API_PORT || 3000}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `npm run api`, minus the wrappers: npm runs scripts through `sh -c` and tsx's CLI runs the
# app in a child process, and a SIGTERM sent to npm never reaches the app (measured: the
# process kept running, so the worker's 30 s drain of an in-flight LinkedIn call would be cut
# off by SIGKILL). One node process with tsx as a loader gets the signal itself. Run it under
# an init process (`init: true` in compose, `docker run --init`).
CMD ["node", "--import", "tsx", "api/server.ts"]
