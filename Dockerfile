# syntax=docker/dockerfile:1
# kith: a static, cgo-free binary on a distroless base, running as non-root.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .ci/run runs this very line, so CI proves the image's build works.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/kith ./cmd/kith
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kith /kith
# The embedded SQLite default keeps its file here; mount a volume, or set
# KITH_DATABASE_URL=postgres://… for PostgreSQL.
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV KITH_ADDR=0.0.0.0:8080 \
    KITH_DATABASE_URL=sqlite:///data/kith.db \
    KITH_LOG_FORMAT=json
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/kith"]
CMD ["serve"]
