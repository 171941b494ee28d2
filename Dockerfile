# syntax=docker/dockerfile:1
# A small keelson image: the bundled CLI, its runtime dependencies, Node 20, a non-root user.
# Build:  docker build -t keelson .        Run:  docker run --rm keelson scan alpine:3.20
# See docs/docker.md. (Not built in this repository's CI: there is no Docker engine there.)

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Bundle the CLI (esbuild is a dev dependency, so this stage has all of them).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# better-sqlite3 falls back to compiling when no prebuilt binary matches: give it the tools.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY scripts/bundle-cli.mjs scripts/
COPY src/ src/
RUN node scripts/bundle-cli.mjs

# 2. Runtime dependencies only (native better-sqlite3 built for this same base image).
FROM build AS deps
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The image: no compilers, no dev dependencies, no sources.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# A fixed non-root user. Its home is writable by any uid (sticky, like /tmp), so that
# `docker run --user "$(id -u):$(id -g)"` can keep the database and caches there too.
RUN groupadd --system --gid 10001 keelson \
 && useradd --system --uid 10001 --gid keelson --home-dir /home/keelson --shell /usr/sbin/nologin keelson \
 && mkdir -p /home/keelson/.local/share/keelson /home/keelson/.cache/keelson \
 && chown -R keelson:keelson /home/keelson \
 && chmod 1777 /home/keelson /home/keelson/.local /home/keelson/.local/share \
      /home/keelson/.local/share/keelson /home/keelson/.cache /home/keelson/.cache/keelson
COPY --from=deps /src/node_modules/ node_modules/
COPY --from=build /src/dist/ dist/
COPY package.json ./
COPY bin/ bin/
COPY LICENSE NOTICE ./
USER keelson
ENV HOME=/home/keelson
# Progress bars only appear with `docker run -t`; without a terminal keelson prints results only.
ENTRYPOINT ["node", "/app/bin/keelson.js"]
CMD ["--help"]
