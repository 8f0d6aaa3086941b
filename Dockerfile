# One image for both processes: `node dist/src/main.js` (api) and `node dist/src/worker.js` (worker).
# Node 26, the active LTS line (README, *Supported Node versions*); CI tests the same major.
FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY client/package.json client/package.json
COPY web/package.json web/package.json
# The web app builds on install (root prepare) from the SDK's sources: both come first.
COPY client client
COPY web web
COPY scripts scripts
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src src
RUN npm run build && npm prune --omit=dev --workspaces=false

FROM node:26-slim
# HOST: inside a container the API must listen beyond loopback (its default).
ENV NODE_ENV=production HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/web/dist web/dist
USER node
EXPOSE 3000
# --max-semi-space-size=8: see API_NODE_OPTIONS in bench/infra.ts (uploads' socket buffers and full GCs).
CMD ["node", "--max-semi-space-size=8", "--enable-source-maps", "dist/src/main.js"]
