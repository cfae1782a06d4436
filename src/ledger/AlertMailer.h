// AlertMailer: delivers budget alerts (rows BudgetGuard writes to budget_alerts) by email, from a
// thread of its own, every budget_alerts.email.poll_interval_secs.
//
// Each poll lists up to batch_size undelivered alerts, oldest first, through the StoreExecutor.
// With transport `sink` (the default) an alert is only marked delivered: the row is the record,
// nothing leaves the gateway. With `smtp` each alert becomes one email to its audience, sent by
// SmtpClient, and is marked delivered once the server accepted it:
//
//   - a user (or user-model) budget: that user;
//   - a service-account budget: the owners and admins of the account's team; with none, every
//     platform admin; with none of those either, the bootstrap admin (when enabled).
//
// A failed send leaves the alert undelivered for the next poll, counted in its `attempts` with
// the error in `last_error`. After max_attempts (5) failures it is abandoned (abandoned_at set,
// logged at error) so that a permanently refused address cannot hold a batch place forever. An
// alert sent but not marked (the store failed in between) is sent again: delivery is at least
// once. Logs name alerts, budgets and recipients, never message bodies or credentials.
//
// shutdown() stops the loop after the send in flight (bounded by the SMTP timeouts) and joins the
// thread; the destructor calls it. The store must outlive the mailer.
#pragma once

#include "config/GatewayConfig.h"
#include "ledger/SmtpClient.h"
#include "store/Store.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sluice::ledger {

struct AlertMailerOptions {
  config::BudgetAlertEmailConfig email;
  SmtpClientOptions smtp;  // used when email.transport.kind is smtp
  // Told about a service-account budget when its team has no admin and there is no platform admin.
  std::optional<std::string> fallback_recipient;
  int max_attempts = 5;

  static AlertMailerOptions from(const config::GatewayConfig& config);
};

// An undelivered alert with what its email needs.
struct PendingAlert {
  store::BudgetAlertRecord alert;
  std::optional<store::BudgetRecord> budget;  // nullopt only if the budget vanished meanwhile
  store::BudgetAlertAudience audience;
};

// What one poll did.
struct AlertPoll {
  int delivered = 0;  // marked delivered (sent, or recorded by the sink)
  int failed = 0;     // left for the next poll
  int abandoned = 0;  // failed for the last time
};

class AlertMailer {
 public:
  AlertMailer(store::Store& store, AlertMailerOptions options);
  ~AlertMailer();
  AlertMailer(const AlertMailer&) = delete;
  AlertMailer& operator=(const AlertMailer&) = delete;

  // Starts polling on the mailer's own thread.
  void start();
  void shutdown();

  // One poll, run on `io`: what the loop does every interval, and what tests call directly.
  boost::asio::awaitable<Expected<AlertPoll>> poll(boost::asio::io_context& io);

 private:
  boost::asio::awaitable<void> run();
  boost::asio::awaitable<Expected<AlertPoll>> record_in_sink();
  boost::asio::awaitable<Expected<AlertPoll>> send_by_smtp(boost::asio::io_context& io);
  boost::asio::awaitable<void> deliver(SmtpClient& client, const PendingAlert& pending,
                                       AlertPoll& outcome);
  boost::asio::awaitable<void> record_failure(const PendingAlert& pending,
                                              const std::string& error, AlertPoll& outcome);
  std::vector<std::string> recipients_of(const PendingAlert& pending) const;

  store::Store& store_;
  const AlertMailerOptions options_;
  std::atomic<bool> stopping_{false};
  boost::asio::io_context io_;
  boost::asio::steady_timer timer_;
  std::thread thread_;
};

// The email for one alert: subject and plain-text body (spend and limit as Money4 strings).
MailMessage render_alert_email(const PendingAlert& pending, const config::BudgetAlertEmailConfig& email,
                               std::vector<std::string> recipients);

}  // namespace sluice::ledger
