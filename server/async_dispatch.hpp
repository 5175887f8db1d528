// AsyncDispatch / AsyncBeginSession: start a request (or a messaging
// session's start) on api::Dispatcher and complete, on the awaiting
// coroutine's executor, when its storage work is done (the pipeline calls
// back from its own thread). The tracked executor keeps the io_context
// running while a request is in the pipeline. Used by the HTTP session
// (server/http_session.cpp) and the WebSocket session
// (server/messaging_transport.cpp).
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <memory>
#include <utility>

#include "api/dispatcher.hpp"

namespace chime::server {

// `begin(request, done)` calls `done(Result)` once, from any thread.
template <typename Result, typename CompletionToken, typename Begin>
auto AsyncOnDispatcher(Begin begin, api::HttpRequest request, CompletionToken&& token) {
  namespace asio = boost::asio;
  return asio::async_initiate<CompletionToken, void(Result)>(
      [begin](auto handler, api::HttpRequest req) {
        auto ex = asio::prefer(asio::get_associated_executor(handler),
                               asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        begin(std::move(req), [shared, ex](Result result) {
          asio::post(
              ex, [shared, result = std::move(result)]() mutable { (*shared)(std::move(result)); });
        });
      },
      token, std::move(request));
}

template <typename CompletionToken>
auto AsyncDispatch(api::Dispatcher& dispatcher, api::HttpRequest request, CompletionToken&& token) {
  return AsyncOnDispatcher<api::Outcome>(
      [&dispatcher](api::HttpRequest req, api::Dispatcher::Done done) {
        dispatcher.Begin(std::move(req), std::move(done));
      },
      std::move(request), std::forward<CompletionToken>(token));
}

template <typename CompletionToken>
auto AsyncBeginSession(api::Dispatcher& dispatcher, api::HttpRequest upgrade,
                       CompletionToken&& token) {
  return AsyncOnDispatcher<api::SessionOutcome>(
      [&dispatcher](api::HttpRequest req, std::function<void(api::SessionOutcome)> done) {
        dispatcher.BeginSession(req, std::move(done));
      },
      std::move(upgrade), std::forward<CompletionToken>(token));
}

}  // namespace chime::server
