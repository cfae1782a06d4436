#include "server/CallerWatch.h"

#include "server/Exchange.h"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <cerrno>
#include <sys/socket.h>

namespace sluice::server {

namespace asio = boost::asio;

struct CallerWatch::State {
  State(asio::ip::tcp::socket& caller_socket, std::function<void()> gone)
      : socket(caller_socket), on_gone(std::move(gone)) {}
  asio::ip::tcp::socket& socket;
  std::function<void()> on_gone;
  asio::cancellation_signal stop;
  bool watching = true;
  bool left = false;
};

namespace {

void wait_for_caller(const std::shared_ptr<CallerWatch::State>& state) {
  state->socket.async_wait(
      asio::socket_base::wait_read,
      asio::bind_cancellation_slot(state->stop.slot(), [state](boost::system::error_code error) {
        if (!state->watching || error == asio::error::operation_aborted) return;
        if (!error) {
          char probe = 0;
          const auto peeked =
              ::recv(state->socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
          if (peeked > 0) {
            // A pipelined request: the caller is still there, and the socket would stay
            // readable. Stop looking.
            state->watching = false;
            return;
          }
          if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_for_caller(state);  // woken without data: keep watching
            return;
          }
        }
        // An orderly close (0), a reset, or a failed socket: the caller is gone.
        state->watching = false;
        state->left = true;
        const auto on_gone = std::move(state->on_gone);
        if (on_gone) on_gone();
      }));
}

}  // namespace

CallerWatch::CallerWatch(Exchange& exchange, std::function<void()> on_gone)
    : state_(std::make_shared<State>(exchange.caller_socket(), std::move(on_gone))) {
  wait_for_caller(state_);
}

CallerWatch::~CallerWatch() {
  state_->on_gone = nullptr;
  if (!state_->watching) return;
  state_->watching = false;
  // The pending wait completes with operation_aborted; its handler keeps the state alive until
  // then and does nothing.
  state_->stop.emit(asio::cancellation_type::all);
}

bool CallerWatch::caller_left() const { return state_->left; }

}  // namespace sluice::server
