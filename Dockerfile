# chime-local container image.
#
#   docker build -t chime-local .                     (podman: podman build --format docker ...)
#   docker run --rm -p 4590:4590 -v chime-local-data:/data chime-local
#   docker run --rm -p 4590:4590 chime-local --in-memory --log-level info
#
# Stage 1 builds a fully static emulator and health probe on debian:bookworm-slim; stage 2 is
# FROM scratch with only those two files (9.6 MB). See docker/README.md.

FROM debian:bookworm-slim AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build \
      libboost1.81-dev nlohmann-json3-dev libsqlite3-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the emulator is built from (tests and docs stay out of the image's cache key).
COPY CMakeLists.txt ./
COPY cmake cmake
COPY api api
COPY storage storage
COPY server server
COPY docker/healthcheck.cpp docker/
# Static: glibc, libstdc++, OpenSSL's libcrypto/libssl and SQLite linked in, so the runtime stage
# needs no distribution. (The linker warns that getaddrinfo would need glibc's NSS modules at
# run time; chime-local only resolves numeric addresses, which need none.)
RUN multiarch="$(gcc -print-multiarch)" \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DCHIME_BENCH=OFF \
      -DCMAKE_EXE_LINKER_FLAGS=-static -DOPENSSL_USE_STATIC_LIBS=TRUE \
      -DSQLite3_LIBRARY="/usr/lib/${multiarch}/libsqlite3.a" \
 && cmake --build build -j"$(nproc)" --target chime-local \
 && g++ -O2 -static -o build/chime-local-health docker/healthcheck.cpp \
 && strip build/chime-local build/chime-local-health \
 && mkdir -p /out/data /out/tmp && chmod 1777 /out/tmp

FROM scratch
COPY --from=build /src/build/chime-local /src/build/chime-local-health /usr/local/bin/
COPY --from=build --chown=10001:10001 /out/tmp /tmp
COPY --from=build --chown=10001:10001 /out/data /data
# A numeric user: the image has no /etc/passwd. The volume /data must be writable by uid 10001.
USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 4590
ENV CHIME_LOCAL_HOST=0.0.0.0 \
    CHIME_LOCAL_PORT=4590 \
    CHIME_LOCAL_DATA_DIR=/data \
    CHIME_LOCAL_CA_DIR=/data/tls
# Kept only in the docker image format: `podman build --format docker` (podman's default OCI
# format drops HEALTHCHECK).
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["/usr/local/bin/chime-local-health"]
ENTRYPOINT ["/usr/local/bin/chime-local"]
