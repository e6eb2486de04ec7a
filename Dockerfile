# syntax=docker/dockerfile:1
# The bot's image. Both stages use the same Debian (bookworm) Node 20 base:
# sqlite3's native module is compiled in the first and loaded in the second,
# and it breaks on musl (Alpine) and on an older glibc than it was built with.
# Pin the base by digest for reproducible builds (docker buildx imagetools inspect).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# node-gyp's toolchain: sqlite3 is compiled here from source, on this base, rather
# than downloaded as a prebuilt binary made elsewhere. Node's headers ship in the image.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false
WORKDIR /app
# The production install that .ci/run checks in a fresh directory: dependencies from
# the lockfile (no devDependencies), sqlite3 compiled, and `prepare` compiling src/ and
# commands/ to dist/. One step on purpose: what CI proves is what the image runs.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src/ src/
COPY commands/ commands/
RUN npm ci --omit=dev

FROM ${NODE_IMAGE}
# tini as PID 1: forwards SIGTERM to node (which drains before it exits) and reaps
# zombies, under `docker run`, compose or any orchestrator alike.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATABASE_PATH=/data/bot.sqlite
WORKDIR /app
# The code stays root-owned, so the bot cannot change it; only /data is its own.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/dist/ dist/
RUN mkdir /data && chown node:node /data && chmod 0700 /data
VOLUME ["/data"]
USER node
# The shutdown drains interactions for up to 20 s, then Binance calls for 5 s:
# give `docker stop` 45 s (--stop-timeout 45; compose.yaml's stop_grace_period).
STOPSIGNAL SIGTERM
# `npm run health`'s node command: a bot process beating in /data/bot.sqlite, connected to Discord.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["node", "dist/src/health.js"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# `npm start`'s node command, run directly: npm would not forward signals.
CMD ["node", "--max-semi-space-size=2", "dist/src/main.js"]
