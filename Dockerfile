# syntax=docker/dockerfile:1
# Augur's image. The build steps live in scripts/build-image-root.mjs, which test/cluster/image.test.ts also runs
# into a clean folder and starts: what this image holds is tested without a container engine.
#
#   docker build -t augur .
#   docker run -p 4000:4000 augur      # every platform emulated; set their URLs and keys to use real ones
ARG NODE_IMAGE=node:20.20-bookworm-slim

# ---- Build: npm ci, tsc and the esbuild bundle, then the runtime files with production dependencies only.
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN node scripts/build-image-root.mjs /image --in-place

# ---- Runtime: the bundle, the files it reads, production dependencies; owned by root, run as the unprivileged user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
COPY --from=build /image /app
USER node
EXPOSE 4000
# /healthz answers 200 while the process serves; readiness (/readyz) is for load balancers, not for restarts.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 itself (exec form, no shell or npm in between), so SIGTERM reaches Augur's handler: readiness fails,
# AUGUR_SHUTDOWN_DELAY_MS passes, requests in flight drain within AUGUR_SHUTDOWN_GRACE_MS, then it exits.
STOPSIGNAL SIGTERM
# The Node.js flags of `npm start` (package.json), which the image test checks.
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=1024", "dist/augur/main.js"]
