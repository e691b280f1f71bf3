# chimevoice as a static binary on distroless, running as the non-root user 65532.
#
#   docker build -t chimevoice .
#   docker run --rm -p 8080:8080 chimevoice                  # development emulator: test/test, admin API open
#   docker run -d -p 8080:8080 -v chimevoice-data:/data \
#     -v $PWD/credentials.yaml:/etc/chimevoice/credentials.yaml:ro chimevoice   # operator's service
#
# The base images are build arguments with fully qualified names (Podman
# refuses short ones), so that a machine without registry access can build
# from local images: --build-arg GO_IMAGE=localhost/go:local ... (see
# scripts/container-test.sh). GOPROXY and GOSUMDB pass through for offline
# module downloads.
ARG GO_IMAGE=docker.io/library/golang:1.26
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

FROM ${GO_IMAGE} AS build
ARG GOPROXY
ARG GOSUMDB
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (SQLite is modernc.org/sqlite): no cgo, no libc in the image.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/chimevoice ./cmd/chimevoice
# /data must exist in the image, owned by the server's user: a named volume
# copies its owner (Docker would otherwise create it root-owned).
RUN mkdir -p /out/data && chown 65532:65532 /out/data && chmod 0750 /out/data

FROM ${RUNTIME_IMAGE}
COPY --from=build /out/chimevoice /usr/local/bin/chimevoice
COPY --from=build --chown=65532:65532 /out/data /data
# Without a credentials file at CHIMEVOICE_CREDENTIALS and without
# CHIMEVOICE_ADMIN_TOKEN the container is a development emulator (test/test,
# admin API open through the published port; it says so at start). Mount a
# credentials file or set an admin token and it is an operator's service.
# TMPDIR on the volume: a throwaway store (CHIMEVOICE_DATA=:memory:) works
# with --read-only, where /tmp is not writable.
ENV CHIMEVOICE_LISTEN=0.0.0.0:8080 \
    CHIMEVOICE_CREDENTIALS=/etc/chimevoice/credentials.yaml \
    CHIMEVOICE_DEV=auto \
    CHIMEVOICE_DATA=/data/chimevoice.db \
    CHIMEVOICE_LOG_FORMAT=json \
    TMPDIR=/data
VOLUME /data
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/chimevoice", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/chimevoice"]
CMD ["serve"]
