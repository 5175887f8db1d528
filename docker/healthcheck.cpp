// chime-local-health: the image's HEALTHCHECK probe. The runtime image is FROM scratch (no shell,
// no curl), so this static program sends GET /_chime-local/health to the port the server listens
// on (CHIME_LOCAL_PORT, default 4590; loopback unless CHIME_LOCAL_HOST names one address) and
// exits 0 on HTTP 200, 1 otherwise, within 2 seconds.
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

int main() {
  const char* port = std::getenv("CHIME_LOCAL_PORT");
  const char* env_host = std::getenv("CHIME_LOCAL_HOST");
  std::string host = env_host && *env_host ? env_host : "127.0.0.1";
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "::1";
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);

  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* addr = nullptr;
  if (getaddrinfo(host.c_str(), port && *port ? port : "4590", &hints, &addr) != 0) return 1;
  int fd = socket(addr->ai_family, SOCK_STREAM, 0);
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (fd < 0 || connect(fd, addr->ai_addr, addr->ai_addrlen) != 0) return 1;
  static const char kRequest[] = "GET /_chime-local/health HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (send(fd, kRequest, sizeof kRequest - 1, 0) != static_cast<ssize_t>(sizeof kRequest - 1)) return 1;
  char reply[32] = {};
  size_t got = 0;
  while (got < 12) {
    ssize_t n = recv(fd, reply + got, sizeof reply - 1 - got, 0);
    if (n <= 0) return 1;
    got += static_cast<size_t>(n);
  }
  close(fd);
  // "HTTP/1.1 200" or "HTTP/1.0 200"
  return std::strncmp(reply, "HTTP/1.", 7) == 0 && std::strncmp(reply + 8, " 200", 4) == 0 ? 0 : 1;
}
