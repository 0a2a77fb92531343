# diffmock: both mock APIs on port 3000. Multi-stage: build (compiles better-sqlite3 and TypeScript,
# generates the fixtures), then a slim runtime with production dependencies only, as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY data ./data
COPY src ./src
COPY openapi ./openapi
COPY tsconfig.json tsconfig.build.json ./
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DIFFMOCK_DATA=/app/data
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/openapi ./openapi
COPY --from=build --chown=node:node /app/data ./data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/_mock/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# A 2 MB semi-space (V8's young generation; a busy server grows it to 16 MB) keeps the resident
# memory of a server under load lower at the same throughput, and --expose-gc lets the server collect
# the garbage of compiling its validators once they are compiled; npm start runs it the same way.
CMD ["node", "--max-semi-space-size=2", "--expose-gc", "dist/src/cli.js"]
