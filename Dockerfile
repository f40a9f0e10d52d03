# One image for the three Callboard services (ingestion, catalog, query).
# The service is chosen by the command, e.g. (see docker-compose.yml):
#   docker run ... callboard node dist/apps/ingestion/src/main.js
#
# Works with the classic builder and BuildKit alike (no BuildKit-only syntax).

# Node 20 images bundle npm 10, whose `npm ci` accepts package-lock.json as committed (it lists
# only the linux x64/arm64 optional binaries; npm 11's `npm ci` would reject it as out of sync).
# Debian (glibc) rather than Alpine: the locked prebuilt binaries cover both, but glibc is the
# path checked here (npm 10.8.2 `npm ci` / `npm ci --omit=dev` + build with Node 20 on glibc).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------
# builder: full dependency tree, compile TypeScript (tsc + tsc-alias) to dist/
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS builder
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Everything tsconfig.build.json compiles: apps/, libs/, tools/ (test/ and *.spec.ts are excluded).
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY tools ./tools
RUN npm run build

# ---------------------------------------------------------------------------
# runtime: production dependencies + compiled output only, non-root
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    HOST=0.0.0.0

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# dist/apps/<name>/src/main.js require dist/libs/... by relative paths (tsc-alias).
COPY --from=builder /app/dist/apps ./dist/apps
COPY --from=builder /app/dist/libs ./dist/libs
# The operator's dead-letter replay (`npm run dlq:replay`); the other tools are for development.
COPY --from=builder /app/dist/tools/dlq-replay ./dist/tools/dlq-replay

# Files stay root-owned (read-only for the app); the process runs as the image's `node` user.
USER node

EXPOSE 7001 7002 7007

# Slim images have no curl: probe GET /health with Node's fetch on the service's own PORT
# (set PORT when running the image; docker-compose.yml does, and repeats this check).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 7007) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# No default service: say how to pick one instead of silently starting the wrong one.
CMD ["node", "-e", "console.error('choose a service: node dist/apps/<ingestion|catalog|query>/src/main.js'); process.exit(64)"]
