// AwsCredentialCache: static credentials kept for good, temporary ones refreshed 5 minutes early,
// one load for many concurrent callers on several I/O threads, and old-but-valid credentials kept
// when a refresh fails.
#include "auth/AwsCredentialCache.h"

#include "auth/AwsCredentialChain.h"

#include "AwsCredentialTestSupport.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <thread>

namespace sluice::auth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::system_clock;
using test::FakeClock;
using test::FakeEnvironment;
using test::run_on;
using test::utc;

// What the fake source will answer; shared with the test, which changes it between loads.
struct Script {
  std::mutex mutex;
  std::deque<Expected<AwsCredentials>> answers;  // the last one repeats
  std::chrono::milliseconds delay{0};
  std::atomic<int> loads{0};
  std::thread::id thread;  // where load() last ran
};

class FakeSource final : public AwsCredentialSource {
 public:
  explicit FakeSource(std::shared_ptr<Script> script) : script_(std::move(script)) {}
  std::string_view name() const override { return "fake"; }
  asio::awaitable<Expected<AwsCredentials>> load() override {
    ++script_->loads;
    script_->thread = std::this_thread::get_id();
    if (script_->delay > 0ms) {
      asio::steady_timer timer(co_await asio::this_coro::executor, script_->delay);
      co_await timer.async_wait(asio::use_awaitable);
    }
    std::lock_guard lock(script_->mutex);
    auto answer = script_->answers.front();
    if (script_->answers.size() > 1) script_->answers.pop_front();
    co_return answer;
  }

 private:
  std::shared_ptr<Script> script_;
};

AwsCredentials temporary(std::string id, std::optional<system_clock::time_point> expiration) {
  AwsCredentials credentials;
  credentials.access_key_id = config::Secret(std::move(id));
  credentials.secret_access_key = config::Secret("secret");
  credentials.session_token = config::Secret("token");
  credentials.expiration = expiration;
  credentials.source = "fake";
  return credentials;
}

class AwsCredentialCacheTest : public ::testing::Test {
 protected:
  std::shared_ptr<AwsCredentialCache> make_cache() {
    AwsCredentialCache::Options options;
    options.now = clock_.clock();
    return AwsCredentialCache::create(
        [script = script_](upstream::UpstreamClient&) { return std::make_unique<FakeSource>(script); },
        options);
  }
  void answer(Expected<AwsCredentials> next) {
    std::lock_guard lock(script_->mutex);
    script_->answers.push_back(std::move(next));
  }
  void answer_only(Expected<AwsCredentials> next) {
    std::lock_guard lock(script_->mutex);
    script_->answers.clear();
    script_->answers.push_back(std::move(next));
  }
  Expected<AwsCredentials> get(AwsCredentialCache& cache) { return run_on(io_, cache.get()); }
  std::string key_of(const Expected<AwsCredentials>& credentials) {
    return credentials.ok() ? credentials->access_key_id.reveal() : "error: " + credentials.error().message;
  }

  asio::io_context io_;
  FakeClock clock_{utc(2030, 5, 1, 12)};
  std::shared_ptr<Script> script_ = std::make_shared<Script>();
};

TEST_F(AwsCredentialCacheTest, StaticCredentialsAreLoadedOnceAndKept) {
  answer(temporary("STATIC", std::nullopt));
  auto cache = make_cache();
  EXPECT_EQ(key_of(get(*cache)), "STATIC");
  clock_.advance(24h * 365 * 10);
  EXPECT_EQ(key_of(get(*cache)), "STATIC");
  EXPECT_EQ(script_->loads.load(), 1);
  EXPECT_EQ(cache->loads(), 1u);
}

TEST_F(AwsCredentialCacheTest, LoadsRunOnTheCredentialsThread) {
  answer(temporary("A", std::nullopt));
  auto cache = make_cache();
  ASSERT_TRUE(get(*cache).ok());
  EXPECT_NE(script_->thread, std::this_thread::get_id());
}

TEST_F(AwsCredentialCacheTest, TemporaryCredentialsAreRefreshedFiveMinutesEarly) {
  answer(temporary("FIRST", clock_.now() + 1h));
  answer(temporary("SECOND", clock_.now() + 2h));
  auto cache = make_cache();
  EXPECT_EQ(key_of(get(*cache)), "FIRST");
  clock_.advance(54min);  // 6 minutes left: served from the cache
  EXPECT_EQ(key_of(get(*cache)), "FIRST");
  EXPECT_EQ(script_->loads.load(), 1);
  clock_.advance(1min + 1s);  // 4:59 left: inside the refresh window
  EXPECT_EQ(key_of(get(*cache)), "SECOND");
  EXPECT_EQ(script_->loads.load(), 2);
  EXPECT_EQ(key_of(get(*cache)), "SECOND");
  EXPECT_EQ(script_->loads.load(), 2);
}

TEST_F(AwsCredentialCacheTest, FailedRefreshKeepsServingStillValidCredentials) {
  answer(temporary("OLD", clock_.now() + 1h));
  auto cache = make_cache();
  EXPECT_EQ(key_of(get(*cache)), "OLD");
  answer_only(credentials_unavailable("STS is down"));
  clock_.advance(57min);  // in the refresh window, still valid
  EXPECT_EQ(key_of(get(*cache)), "OLD");
  EXPECT_EQ(script_->loads.load(), 2);
  EXPECT_EQ(key_of(get(*cache)), "OLD");  // no retry on every request
  EXPECT_EQ(script_->loads.load(), 2);
  clock_.advance(11s);
  EXPECT_EQ(key_of(get(*cache)), "OLD");  // retried after the back-off, failed again
  EXPECT_EQ(script_->loads.load(), 3);
  clock_.advance(4min);  // now expired: the failure is the answer
  EXPECT_EQ(key_of(get(*cache)), "error: STS is down");
}

// The observer feeds sluice_credential_refreshes_total: every finished load, success or failure.
TEST_F(AwsCredentialCacheTest, TellsItsRefreshObserverOfEveryLoadAndItsOutcome) {
  answer(credentials_unavailable("IMDS unreachable"));
  answer(temporary("LATER", std::nullopt));
  auto cache = make_cache();
  std::mutex mutex;
  std::vector<bool> outcomes;
  cache->set_refresh_observer([&](bool loaded) {
    std::lock_guard lock(mutex);
    outcomes.push_back(loaded);
  });
  EXPECT_FALSE(get(*cache).ok());
  EXPECT_EQ(key_of(get(*cache)), "LATER");
  EXPECT_EQ(key_of(get(*cache)), "LATER");  // served from the cache: no load, nothing to tell
  std::lock_guard lock(mutex);
  EXPECT_EQ(outcomes, (std::vector<bool>{false, true}));
}

TEST_F(AwsCredentialCacheTest, FailureWithNothingCachedIsTheAnswerAndIsRetriedNextTime) {
  answer(credentials_unavailable("no AWS credentials: environment: AWS_ACCESS_KEY_ID not set"));
  auto cache = make_cache();
  const auto credentials = get(*cache);
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().code, "upstream_credentials");
  answer_only(temporary("LATER", std::nullopt));
  EXPECT_EQ(key_of(get(*cache)), "LATER");
}

TEST_F(AwsCredentialCacheTest, ExpiredCredentialsAreNeverServed) {
  answer(temporary("SHORT", clock_.now() + 2min));  // less life than the refresh window
  answer(temporary("NEXT", clock_.now() + 1h));
  auto cache = make_cache();
  EXPECT_EQ(key_of(get(*cache)), "SHORT");  // still valid: served
  EXPECT_EQ(key_of(get(*cache)), "SHORT");  // and not reloaded on every call
  EXPECT_EQ(script_->loads.load(), 1);
  clock_.advance(2min);
  EXPECT_EQ(key_of(get(*cache)), "NEXT");
}

TEST_F(AwsCredentialCacheTest, ConcurrentCallersOnTwoIoThreadsShareOneLoad) {
  answer(temporary("SHARED", clock_.now() + 1h));
  script_->delay = 300ms;
  auto cache = make_cache();

  constexpr int kCallers = 50;
  std::atomic<int> succeeded{0};
  std::atomic<int> finished{0};
  asio::io_context io_a;
  asio::io_context io_b;
  for (int i = 0; i < kCallers; ++i) {
    asio::io_context& io = i % 2 == 0 ? io_a : io_b;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          const auto credentials = co_await cache->get();
          if (credentials.ok() && credentials->access_key_id.reveal() == "SHARED") ++succeeded;
          ++finished;
        },
        asio::detached);
  }
  std::thread thread_a([&] { io_a.run_for(20s); });
  std::thread thread_b([&] { io_b.run_for(20s); });
  thread_a.join();
  thread_b.join();
  EXPECT_EQ(finished.load(), kCallers);
  EXPECT_EQ(succeeded.load(), kCallers);
  EXPECT_EQ(script_->loads.load(), 1);
}

TEST_F(AwsCredentialCacheTest, DefaultChainCacheServesEnvironmentCredentials) {
  FakeEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDCHAIN");
  env.set("AWS_SECRET_ACCESS_KEY", "s");
  auto cache = make_default_chain("us-east-1", env.lookup());
  EXPECT_EQ(cache->source_name(), "default chain");
  const auto credentials = get(*cache);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDCHAIN");
  EXPECT_EQ(credentials->source, "environment");
}

}  // namespace
}  // namespace sluice::auth
