// AsyncDispatch: starts a request on api::Dispatcher and completes, on the
// awaiting coroutine's executor, when its storage work is done (the pipeline
// calls back from its own thread). The tracked executor keeps the io_context
// running while a request is in the pipeline. Used by the HTTP and HTTPS
// request loops (server/http_server.cpp, server/messaging_transport.cpp).
#pragma once

#include <memory>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include "api/dispatcher.hpp"

namespace chime::server {

template <typename CompletionToken>
auto AsyncDispatch(api::Dispatcher& dispatcher, api::HttpRequest request, CompletionToken&& token) {
  namespace asio = boost::asio;
  return asio::async_initiate<CompletionToken, void(api::Outcome)>(
      [&dispatcher](auto handler, api::HttpRequest req) {
        auto ex = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        dispatcher.Begin(std::move(req), [shared, ex](api::Outcome outcome) {
          asio::post(ex, [shared, outcome = std::move(outcome)]() mutable { (*shared)(std::move(outcome)); });
        });
      },
      token, std::move(request));
}

}  // namespace chime::server
