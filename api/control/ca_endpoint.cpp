#include "api/control/ca_endpoint.hpp"

#include <fstream>
#include <sstream>

#include "api/protocol/encoder.hpp"

namespace chime::api {

ControlRequest GetCaPem(const ControlCall& call) {
  ControlRequest c;
  c.operation = "GetCaPem";
  const std::string& file = call.config.tls_ca_file;
  auto refuse = [&](ErrorType type, std::string message) {
    c.response = EncodeError(type, std::move(message), call.request_id);
    c.response->operation = c.operation;
    return c;
  };
  if (file.empty()) {
    return refuse(ErrorType::kNotFound,
                  "chime-local serves the certificate given with --tls-cert: trust its issuer (there is no local CA)");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream pem;
  pem << in.rdbuf();
  // A CA certificate is about 700 bytes: anything large is not ours.
  if (!in.good() && !in.eof()) return refuse(ErrorType::kServiceFailure, "cannot read the local CA " + file);
  if (pem.str().empty() || pem.str().size() > 65536) {
    return refuse(ErrorType::kServiceFailure, "cannot read the local CA " + file);
  }
  HttpResponse r;
  r.status = 200;
  r.operation = c.operation;
  r.headers.emplace_back("x-amzn-RequestId", call.request_id);
  r.headers.emplace_back("Content-Type", "application/x-pem-file");
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"chime-local-ca.pem\"");
  r.body = pem.str();
  c.response = std::move(r);
  return c;
}

}  // namespace chime::api
