#include "ledger/AlertMailer.h"

#include "config/EnumNames.h"
#include "core/ThreadName.h"
#include "ledger/BudgetWindow.h"
#include "ledger/TimeZone.h"
#include "store/StoreQueries.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace sluice::ledger {
namespace {

namespace asio = boost::asio;
namespace chr = std::chrono;

store::UnixMillis now_ms() {
  return chr::duration_cast<chr::milliseconds>(chr::system_clock::now().time_since_epoch())
      .count();
}

std::string local_minute(chr::local_seconds at) {
  const auto day = chr::floor<chr::days>(at);
  const chr::year_month_day date(day);
  const chr::hh_mm_ss time(at - day);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count());
}

std::string utc_minute(store::UnixMillis at) {
  return local_minute(chr::local_seconds(chr::duration_cast<chr::seconds>(chr::milliseconds(at))));
}

// "2024-03-01 00:00 to 2024-04-01 00:00 (Europe/Berlin)": the window in the budget's own zone.
std::string window_text(const store::BudgetRecord& budget, store::UnixMillis window_start) {
  const TimeZone zone = TimeZone::load(budget.timezone).value_or(TimeZone::utc());
  const chr::sys_seconds start(chr::duration_cast<chr::seconds>(chr::milliseconds(window_start)));
  const BudgetWindow window = BudgetWindow::containing(budget.cadence, zone, start);
  return fmt::format("{} to {} ({})", local_minute(zone.to_local(window.start)),
                     local_minute(zone.to_local(window.end)), zone.name());
}

std::string percent_of(config::Money4 spend, config::Money4 amount) {
  if (amount.units() <= 0) return "no limit";
  return fmt::format("{}%", spend.units() * 100 / amount.units());
}

}  // namespace

AlertMailerOptions AlertMailerOptions::from(const config::GatewayConfig& config) {
  AlertMailerOptions options;
  options.email = config.budget_alerts.email;
  options.smtp = SmtpClientOptions::from(config.budget_alerts.email.transport);
  if (config.auth.bootstrap_admin.enabled) {
    options.fallback_recipient = config.auth.bootstrap_admin.email;
  }
  return options;
}

MailMessage render_alert_email(const PendingAlert& pending,
                               const config::BudgetAlertEmailConfig& email,
                               std::vector<std::string> recipients) {
  const store::BudgetAlertRecord& alert = pending.alert;
  const store::BudgetRecord& budget = *pending.budget;
  const std::string_view cadence = config::to_string(budget.cadence);
  const std::string_view kind =
      budget.scope == store::BudgetScope::kServiceAccount ? "service account" : "user";
  const std::string models = budget.model_id ? "model " + *budget.model_id : "all models";

  MailMessage message;
  message.from_email = email.from_email;
  message.from_name = email.from_name;
  message.to = std::move(recipients);
  message.subject = fmt::format("Budget alert: {} reached {}% of its {} budget",
                                pending.audience.principal_label, alert.threshold_percent, cadence);
  message.body = fmt::format(
      "The {} budget of {} {} has reached {}% of its limit.\n"
      "\n"
      "Principal:  {} {}\n"
      "Budget:     #{}, {}, {}, {} limit\n"
      "Window:     {}\n"
      "Threshold:  {}%\n"
      "Spend:      {} USD of {} USD ({})\n"
      "\n"
      "Alert #{} raised {} UTC by Sluice.\n",
      cadence, kind, pending.audience.principal_label, alert.threshold_percent, kind,
      pending.audience.principal_label, budget.id, cadence, models,
      budget.hard_limit ? "hard" : "soft", window_text(budget, alert.window_start),
      alert.threshold_percent, alert.spend.to_string(), budget.amount.to_string(),
      percent_of(alert.spend, budget.amount), alert.id, utc_minute(alert.created_at));
  return message;
}

AlertMailer::AlertMailer(store::Store& store, AlertMailerOptions options)
    : store_(store), options_(std::move(options)), timer_(io_) {}

AlertMailer::~AlertMailer() { shutdown(); }

void AlertMailer::start() {
  if (thread_.joinable()) return;
  asio::co_spawn(io_, run(), asio::detached);
  thread_ = std::thread([this] {
    core::name_this_thread("alert-mailer");
    io_.run();
  });
}

void AlertMailer::shutdown() {
  if (!thread_.joinable()) return;
  stopping_.store(true);
  // Only the mailer's thread touches the timer; the cancel ends a sleep at once.
  asio::post(io_, [this] { timer_.cancel(); });
  thread_.join();
}

asio::awaitable<void> AlertMailer::run() {
  const chr::seconds interval(options_.email.poll_interval_secs);
  while (!stopping_.load()) {
    auto polled = co_await poll(io_);
    if (!polled) spdlog::warn("budget alert poll failed: {}", polled.error().message);
    if (stopping_.load()) break;
    timer_.expires_after(interval);
    auto sleeping = timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    co_await std::move(sleeping);
  }
}

asio::awaitable<Expected<AlertPoll>> AlertMailer::poll(asio::io_context& io) {
  if (options_.email.transport.kind == config::EmailTransportKind::kSink) {
    auto recorded = co_await record_in_sink();
    co_return recorded;
  }
  auto sent = co_await send_by_smtp(io);
  co_return sent;
}

asio::awaitable<Expected<AlertPoll>> AlertMailer::record_in_sink() {
  const std::int64_t limit = options_.email.batch_size;
  const store::UnixMillis at = now_ms();
  store::StoreExecutor::Job<AlertPoll> job = [limit, at](store::StoreConnection& db)
      -> Expected<AlertPoll> {
    auto alerts = store::queries::list_undelivered_alerts(db, limit);
    if (!alerts) return alerts.error();
    AlertPoll outcome;
    for (const auto& alert : *alerts) {
      if (auto marked = store::queries::mark_alert_delivered(db, alert.id, at); !marked) {
        return marked.error();
      }
      spdlog::info("budget alert {} (budget {}, {}%) recorded; transport is sink, no email sent",
                   alert.id, alert.budget_id, alert.threshold_percent);
      ++outcome.delivered;
    }
    return outcome;
  };
  // Jobs and awaitables are built outside the co_await: GCC 12 can destroy an argument built
  // inside a co_await expression twice.
  auto recording = store_.executor().run<AlertPoll>(std::move(job));
  auto recorded = co_await std::move(recording);
  co_return recorded;
}

asio::awaitable<Expected<AlertPoll>> AlertMailer::send_by_smtp(asio::io_context& io) {
  const std::int64_t limit = options_.email.batch_size;
  store::StoreExecutor::Job<std::vector<PendingAlert>> job =
      [limit](store::StoreConnection& db) -> Expected<std::vector<PendingAlert>> {
        auto alerts = store::queries::list_undelivered_alerts(db, limit);
        if (!alerts) return alerts.error();
        std::vector<PendingAlert> batch;
        for (auto& alert : *alerts) {
          PendingAlert item{std::move(alert), std::nullopt, {}};
          auto budget = store::queries::find_budget(db, item.alert.budget_id);
          if (!budget) return budget.error();
          item.budget = std::move(*budget);
          if (item.budget) {
            auto audience = store::queries::budget_alert_audience(db, *item.budget);
            if (!audience) return audience.error();
            item.audience = std::move(*audience);
          }
          batch.push_back(std::move(item));
        }
        return batch;
      };
  auto listing = store_.executor().run<std::vector<PendingAlert>>(std::move(job));
  auto pending = co_await std::move(listing);
  if (!pending) co_return pending.error();
  AlertPoll outcome;
  if (pending->empty()) co_return outcome;
  // Built per batch, not per mailer: the trust store is loaded only when there is mail to send.
  SmtpClient client(io, options_.smtp);
  for (const PendingAlert& item : *pending) {
    if (stopping_.load()) break;
    co_await deliver(client, item, outcome);
  }
  co_return outcome;
}

std::vector<std::string> AlertMailer::recipients_of(const PendingAlert& pending) const {
  if (!pending.audience.emails.empty()) return pending.audience.emails;
  if (pending.budget && pending.budget->scope == store::BudgetScope::kServiceAccount &&
      options_.fallback_recipient) {
    return {*options_.fallback_recipient};
  }
  return {};
}

asio::awaitable<void> AlertMailer::deliver(SmtpClient& client, const PendingAlert& pending,
                                           AlertPoll& outcome) {
  if (!pending.budget) {
    const std::string error = "the alert's budget no longer exists";
    co_await record_failure(pending, error, outcome);
    co_return;
  }
  auto recipients = recipients_of(pending);
  if (recipients.empty()) {
    const std::string error = "no one to tell: the budget's principal has no email address";
    co_await record_failure(pending, error, outcome);
    co_return;
  }
  const std::string recipient_list = fmt::format("{}", fmt::join(recipients, ", "));
  const MailMessage message = render_alert_email(pending, options_.email, std::move(recipients));
  auto sent = co_await client.send(message);
  if (!sent) {
    co_await record_failure(pending, sent.error().message, outcome);
    co_return;
  }
  const std::int64_t id = pending.alert.id;
  const store::UnixMillis at = now_ms();
  store::StoreExecutor::Job<store::Done> job = [id, at](store::StoreConnection& db) {
    return store::queries::mark_alert_delivered(db, id, at);
  };
  auto marking = store_.executor().run<store::Done>(std::move(job));
  auto marked = co_await std::move(marking);
  if (!marked) {
    // Sent but not marked: the next poll sends it again, which beats never sending it.
    spdlog::error("budget alert {} was emailed but could not be marked delivered: {}", id,
                  marked.error().message);
    ++outcome.failed;
    co_return;
  }
  spdlog::info("budget alert {} (budget {}, {}%) emailed to {}", id, pending.alert.budget_id,
               pending.alert.threshold_percent, recipient_list);
  ++outcome.delivered;
}

asio::awaitable<void> AlertMailer::record_failure(const PendingAlert& pending,
                                                  const std::string& error, AlertPoll& outcome) {
  const std::int64_t id = pending.alert.id;
  const store::UnixMillis at = now_ms();
  const int max_attempts = options_.max_attempts;
  store::StoreExecutor::Job<int> job = [id, error, at, max_attempts](store::StoreConnection& db) {
    return store::queries::record_alert_failure(db, id, error, at, max_attempts);
  };
  auto recording = store_.executor().run<int>(std::move(job));
  auto attempts = co_await std::move(recording);
  if (!attempts) {
    spdlog::error("budget alert {} could not be delivered ({}) nor the failure recorded: {}", id,
                  error, attempts.error().message);
    ++outcome.failed;
  } else if (*attempts >= max_attempts) {
    spdlog::error("budget alert {} abandoned after {} failed deliveries; last: {}", id, *attempts,
                  error);
    ++outcome.abandoned;
  } else {
    spdlog::warn("budget alert {} not delivered (attempt {} of {}), retrying next poll: {}", id,
                 *attempts, max_attempts, error);
    ++outcome.failed;
  }
}

}  // namespace sluice::ledger
