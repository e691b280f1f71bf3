# chimevoice as a static binary on distroless, running as a non-root user.
#   docker build -t chimevoice .
#   docker run -p 8080:8080 -v $PWD/credentials.yaml:/etc/chimevoice/credentials.yaml:ro \
#     -e CHIMEVOICE_DATABASE_URL=postgres://chimevoice:...@db:5432/chimevoice chimevoice
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Pure Go (SQLite is modernc.org/sqlite): no cgo, no libc in the image.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/chimevoice ./cmd/chimevoice

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/chimevoice /usr/local/bin/chimevoice
# Beyond loopback the server refuses to run with only the public development
# credential: mount a credentials file (and set an admin token for the clock).
ENV CHIMEVOICE_LISTEN=0.0.0.0:8080 \
    CHIMEVOICE_CREDENTIALS=/etc/chimevoice/credentials.yaml \
    CHIMEVOICE_DATA=/data/chimevoice.db \
    CHIMEVOICE_LOG_FORMAT=json
# For SQLite (no CHIMEVOICE_DATABASE_URL) mount a volume on /data, writable by uid 65532.
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/chimevoice"]
CMD ["serve"]
