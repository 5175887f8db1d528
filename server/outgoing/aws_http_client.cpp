#include "server/outgoing/aws_http_client.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/outgoing/aws_answer_summary.hpp"

namespace chime::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

AwsHttpClient::AwsHttpClient(Options options) : options_(std::move(options)) {
  host_header_ = options_.endpoint.substr(std::string("http://").size());
  host_header_ = host_header_.substr(0, host_header_.find('/'));
  auto colon = host_header_.rfind(':');
  if (colon != std::string::npos && host_header_.find(']', colon) == std::string::npos) {
    host_ = host_header_.substr(0, colon);
    port_ = host_header_.substr(colon + 1);
  } else {
    host_ = host_header_;
    port_ = "80";
  }
  if (host_.size() > 2 && host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
}

HttpAttempt AwsHttpClient::Post(const std::string& service, const std::string& path,
                                const std::string& query,
                                std::vector<std::pair<std::string, std::string>> headers,
                                const std::string& content_type, const std::string& body,
                                Clock::time_point deadline) const {
  const std::string what = service + " call to " + options_.endpoint + path;
  HttpAttempt result;
  const auto now = Clock::now();
  if (deadline <= now) {
    result.detail = what + " not attempted: its deadline has passed";
    return result;
  }
  const auto timeout = std::min<Clock::duration>(options_.timeout, deadline - now);

  SigV4Request sig;
  sig.method = "POST";
  sig.path = path;
  sig.query = query;
  const std::string amz_date = AmzDateNow();
  sig.headers = std::move(headers);
  sig.headers.emplace_back("host", host_header_);
  sig.headers.emplace_back("x-amz-date", amz_date);
  if (!options_.credentials.session_token.empty()) {
    sig.headers.emplace_back("x-amz-security-token", options_.credentials.session_token);
  }
  sig.payload = body;

  http::request<http::string_body> req{http::verb::post, path + (query.empty() ? "" : "?" + query),
                                       11};
  for (const auto& [k, v] : sig.headers) req.set(k, v);
  req.set(http::field::content_type, content_type);
  req.set(http::field::authorization,
          SigV4Authorization(sig, options_.credentials, options_.region, service, amz_date));
  req.body() = body;
  req.prepare_payload();

  net::io_context ioc;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        auto ex = co_await net::this_coro::executor;
        net::ip::tcp::resolver resolver(ex);
        beast::tcp_stream stream(ex);
        stream.expires_after(timeout);  // one deadline for connect, write and read together
        auto endpoints = co_await resolver.async_resolve(host_, port_, net::use_awaitable);
        co_await stream.async_connect(endpoints, net::use_awaitable);
        co_await http::async_write(stream, req, net::use_awaitable);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(options_.max_answer_bytes);
        boost::system::error_code ec;
        co_await http::async_read(stream, buffer, parser,
                                  net::redirect_error(net::use_awaitable, ec));
        if (ec == http::error::body_limit) {
          // The start line is parsed before the limit can be hit.
          result.status = static_cast<int>(parser.get().result_int());
          result.unusable_answer = true;
          result.detail = what + " answered " + std::to_string(result.status) +
                          " with a body larger than " + std::to_string(options_.max_answer_bytes) +
                          " bytes (not read further)";
          co_return;
        }
        if (ec) throw boost::system::system_error(ec);
        const auto& res = parser.get();
        result.status = static_cast<int>(res.result_int());
        result.body = res.body();
        result.error_type = std::string(res["x-amzn-ErrorType"]);
        result.detail = what + " answered " + std::to_string(result.status) + "; " +
                        SummarizeAnswer(res.body(), res["x-amzn-ErrorType"]);
      },
      [&](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          result.status = 0;
          result.detail = what + " failed: " + x.what();
        }
      });
  ioc.run();
  return result;
}

}  // namespace chime::server
