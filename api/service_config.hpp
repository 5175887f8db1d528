// Settings of the emulated service that the api/ layer needs (the server's own
// settings, such as host and port, live in server/config.hpp).
#pragma once

#include <string>

namespace chime::api {

struct ServiceConfig {
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // Host[:port] handed out by GetMessagingSessionEndpoint.
  std::string messaging_endpoint_host = "127.0.0.1:4590";
};

}  // namespace chime::api
