# syntax=docker/dockerfile:1
# The image `make image` builds (hack/image/build.sh, without a daemon), for those who build with Docker:
#   docker build -t ecs-scheduler .
# Not built or tested here: the development machines have Docker's CLI but no daemon, so `make image` is
# the tested path (test/integration/image.test.ts). Both put the same files in the same four layers, staged by the same script
# (hack/image/stage.sh from the same pins); this one keeps Docker's file times and history, so its digest
# is not make image's. For repeatable Docker builds, add --build-arg SOURCE_DATE_EPOCH=... and
# --output type=docker,rewrite-timestamp=true (BuildKit >= 0.13). What runs in the image: docs/image.md.

# The staging tools: bash, apt-get and dpkg-deb (Debian packages), node and npm (Node.js 22 from the npm
# registry, production dependencies, the TypeScript build).
FROM node:22-bookworm AS stage
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN hack/image/stage.sh /stage

FROM scratch
COPY --from=stage /stage/base/ /
COPY --from=stage /stage/node/ /
COPY --from=stage /stage/deps/ /
COPY --from=stage /stage/app/ /
LABEL org.opencontainers.image.title=ecs-scheduler org.opencontainers.image.licenses=MIT
# The same run configuration as hack/image/image-archive.ts (test/integration/image.test.ts checks that they agree).
USER 65532:65532
ENV PATH=/usr/local/bin:/usr/bin:/bin
WORKDIR /app
ENTRYPOINT ["/usr/local/bin/ecs-scheduler"]
CMD ["--help"]
