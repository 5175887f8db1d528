#include "server/lambda_invoker.hpp"

#include <cctype>
#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace chime::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// "arn:aws:lambda:R:A:function:NAME[:QUALIFIER]" -> NAME, QUALIFIER.
std::pair<std::string, std::string> FunctionOf(const std::string& arn) {
  const std::string marker = ":function:";
  auto at = arn.find(marker);
  std::string rest = at == std::string::npos ? arn : arn.substr(at + marker.size());
  auto colon = rest.find(':');
  if (colon == std::string::npos) return {rest, ""};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

std::string QueryEncode(const std::string& v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

bool Retryable(int status) { return status == 0 || status == 429 || status >= 500; }

}  // namespace

LambdaInvoker::LambdaInvoker(Options options, OnFailure on_failure)
    : options_(std::move(options)), on_failure_(std::move(on_failure)) {
  std::string hostport = options_.endpoint.substr(std::string("http://").size());
  hostport = hostport.substr(0, hostport.find('/'));
  auto colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']', colon) == std::string::npos) {
    host_ = hostport.substr(0, colon);
    port_ = hostport.substr(colon + 1);
  } else {
    host_ = hostport;
    port_ = "80";
  }
  if (host_.size() > 2 && host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
  for (size_t i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { Work(); });
}

LambdaInvoker::~LambdaInvoker() { Stop(); }

void LambdaInvoker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void LambdaInvoker::Invoke(api::ProcessorInvocation invocation) {
  {
    std::lock_guard lock(mu_);
    // Shutting down: the invocation stays PENDING in the database and times out after a restart.
    if (stopping_) return;
    if (queue_.size() < options_.max_queue) {
      queue_.push_back(std::move(invocation));
      cv_.notify_one();
      return;
    }
  }
  on_failure_(invocation.callback_id, "the Lambda invocation queue is full (" + std::to_string(options_.max_queue) +
                                          " waiting); the invocation was dropped");
}

void LambdaInvoker::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    api::ProcessorInvocation inv = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Attempt last;
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
      last = Send(inv);
      if (!Retryable(last.status) || attempt == options_.max_attempts) break;
      std::unique_lock wait(mu_);
      if (cv_.wait_for(wait, std::chrono::seconds(attempt), [this] { return stopping_; })) return;
    }
    if (last.status < 200 || last.status >= 300) on_failure_(inv.callback_id, last.detail);
    lock.lock();
  }
}

LambdaInvoker::Attempt LambdaInvoker::Send(const api::ProcessorInvocation& inv) const {
  auto [name, qualifier] = FunctionOf(inv.function_arn);
  SigV4Request sig;
  sig.method = "POST";
  sig.path = "/2015-03-31/functions/" + name + "/invocations";
  if (!qualifier.empty()) sig.query = "Qualifier=" + QueryEncode(qualifier);
  const std::string host_header = options_.endpoint.substr(std::string("http://").size());
  const std::string amz_date = AmzDateNow();
  sig.headers = {{"host", host_header}, {"x-amz-date", amz_date}, {"x-amz-invocation-type", "Event"}};
  if (!options_.credentials.session_token.empty()) {
    sig.headers.emplace_back("x-amz-security-token", options_.credentials.session_token);
  }
  sig.payload = inv.event;

  http::request<http::string_body> req{http::verb::post, sig.path + (sig.query.empty() ? "" : "?" + sig.query), 11};
  for (const auto& [k, v] : sig.headers) req.set(k, v);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::authorization,
          SigV4Authorization(sig, options_.credentials, options_.region, "lambda", amz_date));
  req.body() = inv.event;
  req.prepare_payload();

  Attempt result;
  net::io_context ioc;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        auto ex = co_await net::this_coro::executor;
        net::ip::tcp::resolver resolver(ex);
        beast::tcp_stream stream(ex);
        stream.expires_after(options_.timeout);
        auto endpoints = co_await resolver.async_resolve(host_, port_, net::use_awaitable);
        co_await stream.async_connect(endpoints, net::use_awaitable);
        co_await http::async_write(stream, req, net::use_awaitable);
        beast::flat_buffer buffer;
        http::response<http::string_body> res;
        co_await http::async_read(stream, buffer, res, net::use_awaitable);
        result.status = static_cast<int>(res.result_int());
        result.detail = "Lambda Invoke of " + inv.function_arn + " at " + options_.endpoint + " answered " +
                        std::to_string(result.status) + (res.body().empty() ? "" : ": " + res.body().substr(0, 300));
      },
      [&](std::exception_ptr e) {
        if (!e) return;
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& x) {
          result.status = 0;
          result.detail = "Lambda Invoke of " + inv.function_arn + " at " + options_.endpoint + " failed: " + x.what();
        }
      });
  ioc.run();
  return result;
}

}  // namespace chime::server
