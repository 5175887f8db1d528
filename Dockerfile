# chime-local container image.
#
#   docker build -t chime-local .
#   docker run --rm -p 4590:4590 -v chime-local-data:/data chime-local
#   docker run --rm -p 4590:4590 chime-local --in-memory --log-level info
#
# Stage 1 builds the emulator; stage 2 holds only the binary and its two shared libraries.

FROM debian:bookworm-slim AS build
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build \
      libboost1.81-dev nlohmann-json3-dev libsqlite3-dev libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build build -j2 --target chime-local \
 && strip build/chime-local

FROM debian:bookworm-slim
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends libsqlite3-0 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home chime \
 && mkdir -p /data \
 && chown chime:chime /data
COPY --from=build /src/build/chime-local /usr/local/bin/chime-local
USER chime
WORKDIR /data
VOLUME /data
EXPOSE 4590
ENV CHIME_LOCAL_HOST=0.0.0.0 \
    CHIME_LOCAL_PORT=4590 \
    CHIME_LOCAL_DATA_DIR=/data
# No curl in the image: bash's /dev/tcp speaks just enough HTTP for the health endpoint.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${CHIME_LOCAL_PORT:-4590} && printf 'GET /_chime-local/health HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200'"]
ENTRYPOINT ["chime-local"]
