// ws_load: a WebSocket load client for the messaging-session benchmark
// (bench/messaging_session.mjs --client c), in C so that the client is not
// what the figures measure: one thread, epoll, non-blocking sockets, OpenSSL
// directly on the socket for wss://. It opens one session per line of a file
// of AppInstanceUser ARNs, then counts the frames that carry a benchmark
// message and their send-to-receive time.
//
//   ws_load --port P --users FILE [--tls 1] [--first K] [--count N]
//
// Opens sessions for lines K .. K+N-1 of FILE (sessionId = line number), prints
// "ready <open>" once every session has its SESSION_ESTABLISHED frame, then
// reads commands on stdin: "report" prints "stats <deliveries> <closed>
// <bucket>:<count> ..." (the latency histogram's non-empty buckets of 50 us, up
// to 10 s; the last one holds everything above), "reset" zeroes the counters,
// "quit" exits.
// A benchmark message's Content is "bench-<seq>-<send time, epoch us>"; the
// latency is the receive time (CLOCK_REALTIME) minus that send time.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { kBuckets = 200000, kBucketUs = 50, kBufSize = 1 << 16 };

typedef struct {
  int fd;
  SSL* ssl;
  int upgraded;      // the 101 answer was read
  int established;   // SESSION_ESTABLISHED was received
  int closed;
  char* buf;         // bytes read and not yet parsed
  size_t len;
  size_t cap;
  char request[1024];
  size_t request_len;
  size_t request_sent;
} Conn;

static uint64_t deliveries;
static uint64_t histogram[kBuckets];
static int closed_count;
static int established_count;

static int64_t NowUs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void Die(const char* what) {
  perror(what);
  exit(2);
}

// A benchmark message in `text`: one delivery and its latency.
static void CountFrame(Conn* c, const char* text, size_t n) {
  if (!c->established) {
    if (memmem(text, n, "SESSION_ESTABLISHED", 19)) {
      c->established = 1;
      established_count++;
    }
    return;
  }
  const char* at = memmem(text, n, "bench-", 6);
  if (!at) return;
  const char* dash = memchr(at + 6, '-', n - (size_t)(at + 6 - text));
  if (!dash) return;
  int64_t sent_us = strtoll(dash + 1, NULL, 10);
  int64_t latency = NowUs() - sent_us;
  int64_t bucket = latency < 0 ? 0 : latency / kBucketUs;
  if (bucket >= kBuckets) bucket = kBuckets - 1;
  histogram[bucket]++;
  deliveries++;
}

static void SendPong(Conn* c, const unsigned char* payload, size_t n) {
  if (n > 125) return;
  unsigned char frame[2 + 4 + 125];
  frame[0] = 0x8A;
  frame[1] = (unsigned char)(0x80 | n);
  memset(frame + 2, 0, 4);  // a zero mask: the payload goes as it is
  memcpy(frame + 6, payload, n);
  if (c->ssl) SSL_write(c->ssl, frame, (int)(6 + n));
  else if (write(c->fd, frame, 6 + n) < 0) { /* the next read reports it */ }
}

// Parses the complete frames in c->buf (server frames are never masked).
static void ParseFrames(Conn* c) {
  size_t at = 0;
  if (!c->upgraded) {
    char* end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end) return;
    if (c->len < 12 || memcmp(c->buf + 9, "101", 3) != 0) {
      fprintf(stderr, "upgrade refused: %.*s\n", (int)(end - c->buf), c->buf);
      c->closed = 1;
      closed_count++;
      return;
    }
    c->upgraded = 1;
    at = (size_t)(end - c->buf) + 4;
  }
  for (;;) {
    if (c->len - at < 2) break;
    const unsigned char* p = (const unsigned char*)c->buf + at;
    int opcode = p[0] & 0x0F;
    uint64_t n = p[1] & 0x7F;
    size_t header = 2;
    if (n == 126) {
      if (c->len - at < 4) break;
      n = ((uint64_t)p[2] << 8) | p[3];
      header = 4;
    } else if (n == 127) {
      if (c->len - at < 10) break;
      n = 0;
      for (int i = 0; i < 8; i++) n = (n << 8) | p[2 + i];
      header = 10;
    }
    if (c->len - at < header + n) break;
    const char* payload = (const char*)p + header;
    if (opcode == 0x1 || opcode == 0x0) CountFrame(c, payload, n);
    else if (opcode == 0x9) SendPong(c, (const unsigned char*)payload, n);
    else if (opcode == 0x8 && !c->closed) {
      c->closed = 1;
      closed_count++;
    }
    at += header + n;
  }
  memmove(c->buf, c->buf + at, c->len - at);
  c->len -= at;
}

// Reads what the socket has; returns 0 when the connection is over.
static int ReadSome(Conn* c) {
  for (;;) {
    if (c->cap - c->len < 4096) {
      c->cap *= 2;
      c->buf = realloc(c->buf, c->cap);
      if (!c->buf) Die("realloc");
    }
    ssize_t n;
    if (c->ssl) {
      n = SSL_read(c->ssl, c->buf + c->len, (int)(c->cap - c->len));
      if (n <= 0) {
        int e = SSL_get_error(c->ssl, (int)n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 1;
        return 0;
      }
    } else {
      n = read(c->fd, c->buf + c->len, c->cap - c->len);
      if (n < 0) return errno == EAGAIN ? 1 : 0;
      if (n == 0) return 0;
    }
    c->len += (size_t)n;
    ParseFrames(c);
  }
}

// Sends the rest of the upgrade request (after the TLS handshake).
static int WriteRequest(Conn* c) {
  while (c->request_sent < c->request_len) {
    ssize_t n;
    const char* from = c->request + c->request_sent;
    size_t left = c->request_len - c->request_sent;
    if (c->ssl) {
      int r = SSL_write(c->ssl, from, (int)left);
      if (r <= 0) {
        int e = SSL_get_error(c->ssl, r);
        return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 1 : 0;
      }
      n = r;
    } else {
      n = write(c->fd, from, left);
      if (n < 0) return errno == EAGAIN ? 1 : 0;
    }
    c->request_sent += (size_t)n;
  }
  return 1;
}

static void Encode(const char* in, char* out, size_t cap) {
  static const char hex[] = "0123456789ABCDEF";
  size_t j = 0;
  for (; *in && j + 4 < cap; in++) {
    unsigned char ch = (unsigned char)*in;
    if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
        ch == '_' || ch == '.' || ch == '~') {
      out[j++] = (char)ch;
    } else {
      out[j++] = '%';
      out[j++] = hex[ch >> 4];
      out[j++] = hex[ch & 15];
    }
  }
  out[j] = 0;
}

static void Report(void) {
  printf("stats %llu %d", (unsigned long long)deliveries, closed_count);
  for (int i = 0; i < kBuckets; i++) {
    if (histogram[i]) printf(" %d:%llu", i, (unsigned long long)histogram[i]);
  }
  printf("\n");
  fflush(stdout);
}

int main(int argc, char** argv) {
  int port = 0, tls = 0, first = 0, count = -1;
  const char* users_file = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--users")) users_file = argv[i + 1];
    else if (!strcmp(argv[i], "--tls")) tls = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--first")) first = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--count")) count = atoi(argv[i + 1]);
  }
  if (!port || !users_file) {
    fprintf(stderr, "usage: ws_load --port P --users FILE [--tls 1] [--first K] [--count N]\n");
    return 2;
  }
  FILE* f = fopen(users_file, "r");
  if (!f) Die(users_file);
  char line[512];
  int index = 0, opened = 0;
  int cap = 1024;
  Conn* conns = calloc((size_t)cap, sizeof(Conn));
  SSL_CTX* ctx = NULL;
  if (tls) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);  // a benchmark of the server, on loopback
  }
  int ep = epoll_create1(0);
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    int mine = index >= first && (count < 0 || index < first + count);
    if (!mine || !*line) {
      index++;
      continue;
    }
    if (opened == cap) {
      cap *= 2;
      conns = realloc(conns, (size_t)cap * sizeof(Conn));
      memset(conns + opened, 0, (size_t)(cap - opened) * sizeof(Conn));
    }
    Conn* c = &conns[opened];
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) Die("socket");
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr*)&addr, sizeof addr) < 0) Die("connect");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char arn[1200];
    Encode(line, arn, sizeof arn);
    c->request_len = (size_t)snprintf(c->request, sizeof c->request,
                                      "GET /connect?userArn=%s&sessionId=%d HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                      "Sec-WebSocket-Version: 13\r\n\r\n",
                                      arn, index, port);
    if (tls) {
      c->ssl = SSL_new(ctx);
      SSL_set_fd(c->ssl, c->fd);
      if (SSL_connect(c->ssl) != 1) {  // blocking handshake while opening: simple, and not measured
        ERR_print_errors_fp(stderr);
        return 2;
      }
    }
    if (!WriteRequest(c)) Die("upgrade request");
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    c->cap = kBufSize;
    c->buf = malloc(c->cap);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)opened};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) Die("epoll_ctl");
    opened++;
    index++;
  }
  fclose(f);
  struct epoll_event in_ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
  fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in_ev);
  int ready_said = 0;
  char command[256];
  size_t command_len = 0;
  struct epoll_event events[256];
  for (;;) {
    if (!ready_said && established_count + closed_count >= opened) {
      printf("ready %d\n", established_count);
      fflush(stdout);
      ready_said = 1;
    }
    int n = epoll_wait(ep, events, 256, 1000);
    for (int i = 0; i < n; i++) {
      if (events[i].data.u32 == UINT32_MAX) {
        ssize_t r = read(0, command + command_len, sizeof command - 1 - command_len);
        if (r == 0) return 0;  // stdin closed: the driver is gone
        if (r < 0) continue;
        command_len += (size_t)r;
        command[command_len] = 0;
        char* nl;
        while ((nl = strchr(command, '\n'))) {
          *nl = 0;
          if (!strcmp(command, "report")) Report();
          else if (!strcmp(command, "reset")) {
            deliveries = 0;
            memset(histogram, 0, sizeof histogram);
          } else if (!strcmp(command, "quit")) return 0;
          size_t used = (size_t)(nl + 1 - command);
          memmove(command, nl + 1, command_len - used + 1);
          command_len -= used;
        }
        continue;
      }
      Conn* c = &conns[events[i].data.u32];
      if (c->closed) continue;
      if (!ReadSome(c)) {
        c->closed = 1;
        closed_count++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
      }
    }
  }
}
