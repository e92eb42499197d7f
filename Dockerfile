# Cognate as a container: docker build -t cognate . && docker run -p 9229:9229 -v cognate-data:/data cognate
# Ready when the log shows "Cognate listening on http://0.0.0.0:9229"; healthy when GET /health answers 200.

# ---- build: compile TypeScript and the SQLite driver, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies, compiled code, migrations and the service model ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    COGNATE_HOST=0.0.0.0 \
    COGNATE_PORT=9229 \
    COGNATE_DB=/data/cognate.db \
    COGNATE_PUBLIC_URL=http://localhost:9229
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY model ./model
# The SQLite file and its sealing.key (mode 0600) live in /data: mount a volume there to keep them.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 9229
# No curl in slim images: node asks /health itself.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.COGNATE_PORT || 9229) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli/main.js", "serve"]
