# syntax=docker/dockerfile:1
# relearn as a container image. Every role runs from this one image; the role is chosen by
# the command, e.g. `node dist/cli/main.js start --roles trainer` (see docker-compose.yml).

# ---- build: all dependencies, compile TypeScript to dist/
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own `prepare` (a build) needs sources that are not copied yet.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
COPY topics ./topics
RUN npm run build

# ---- runtime: production dependencies and the compiled code only, run as a non-root user
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    RELEARN_API_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY topics ./topics
# The official Node images ship an unprivileged `node` user (uid 1000).
USER node
EXPOSE 8080
# Slim images have no curl: probe with Node's own fetch. Meaningful for the api role, which
# serves /health; docker-compose.yml turns it off for roles without the HTTP server.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.RELEARN_API_PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli/main.js", "start", "--roles", "ingest,trainer,api"]
