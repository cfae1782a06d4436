// KeyDirectory over a seeded store: what a refresh brings in, and lookups racing a refresh.
#include "IdentityTestSupport.h"
#include "access/IdentitySeeder.h"
#include "access/KeyDirectory.h"
#include "store/ConsoleQueries.h"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <thread>

namespace sluice::access {
namespace {

using testing::load_config;
using testing::must;

constexpr const char* kCiKey = "gwk_ciValueKey01.ci-secret-0123456789abcdef";
constexpr const char* kUserKey = "gwk_annLaptop001.ann-secret-0123456789abcdef";

constexpr std::string_view kConfig = R"(
teams:
  - { id: platform, name: Platform }
service_accounts:
  - id: ci
    team: platform
    budget: { cadence: daily, amount_usd: "25" }
    keys:
      - { id: pinned, value: "literal.gwk_ciValueKey01.ci-secret-0123456789abcdef" }
users:
  - { name: Ann, email: ann@example.com, auth_mode: password, membership: { team: platform } }
)";

template <typename Backend>
class KeyDirectoryTest : public testing::StoreFixture<Backend> {
 protected:
  void SetUp() override {
    testing::StoreFixture<Backend>::SetUp();
    if (::testing::Test::HasFatalFailure()) return;
    must(seed_identities(*load_config(kConfig), *this->store_, std::nullopt));
    directory_ = std::make_shared<KeyDirectory>(*this->store_);
    must(directory_->refresh());
  }

  // Ann's own key, as the admin UI would create it: owned by her email, no config key id.
  std::int64_t add_user_key() {
    store::ApiKeyRecord key;
    key.public_id = "annLaptop001";
    key.secret_hash = to_hex(sha256("ann-secret-0123456789abcdef"));
    key.name = "laptop";
    key.owner = {store::PrincipalKind::kUser, "ann@example.com"};
    return must(this->store_->upsert_api_key_sync(key));
  }

  std::string code_for(const char* presented) {
    const auto key = directory_->current()->authenticate(presented);
    return key ? "ok" : key.error().code;
  }

  std::shared_ptr<KeyDirectory> directory_;
};

TYPED_TEST_SUITE(KeyDirectoryTest, testing::Backends, testing::BackendNames);

TYPED_TEST(KeyDirectoryTest, AuthenticatesTheSeededKeys) {
  EXPECT_EQ(this->directory_->current()->size(), 1u);
  EXPECT_EQ(this->code_for(kCiKey), "ok");
}

TYPED_TEST(KeyDirectoryTest, ANewKeyAuthenticatesAfterARefresh) {
  this->add_user_key();
  EXPECT_EQ(this->code_for(kUserKey), "api_key_not_found");
  must(this->directory_->refresh());
  ASSERT_EQ(this->code_for(kUserKey), "ok");
  const auto key = this->directory_->current()->authenticate(kUserKey);
  EXPECT_EQ((*key)->principal.kind, PrincipalKind::kUser);
  EXPECT_EQ((*key)->principal.id, "ann@example.com");
  EXPECT_EQ((*key)->principal.team, "platform");
}

TYPED_TEST(KeyDirectoryTest, ARevokedKeyIsRefusedAfterARefresh) {
  const std::int64_t id = this->add_user_key();
  must(this->directory_->refresh());
  ASSERT_EQ(this->code_for(kUserKey), "ok");
  must(this->store_->executor().template run_sync<bool>(
      [id](store::StoreConnection& c) { return store::queries::revoke_api_key(c, id, 5'000); }));
  must(this->directory_->refresh());
  EXPECT_EQ(this->code_for(kUserKey), "api_key_revoked");
}

TYPED_TEST(KeyDirectoryTest, AKeyWhoseOwnerIsGoneIsAnInvalidOwner) {
  store::ApiKeyRecord orphan;
  orphan.public_id = "orphanKey001";
  orphan.secret_hash = to_hex(sha256("orphan-secret-0123456789"));
  orphan.name = "orphan";
  orphan.owner = {store::PrincipalKind::kUser, "gone@example.com"};
  must(this->store_->upsert_api_key_sync(orphan));
  must(this->directory_->refresh());
  const auto key =
      this->directory_->current()->authenticate("gwk_orphanKey001.orphan-secret-0123456789");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().status, 500);
  EXPECT_EQ(key.error().code, "api_key_owner_invalid");
}

TYPED_TEST(KeyDirectoryTest, KeysOfADeactivatedUserOrDisabledAccountAreRefusedWith401) {
  this->add_user_key();
  must(this->store_->executor().template run_sync<std::optional<store::UserRecord>>(
      [](store::StoreConnection& c) -> Expected<std::optional<store::UserRecord>> {
        auto ann = store::queries::find_user(c, "ann@example.com");
        if (!ann || !*ann) return ann;
        return store::queries::deactivate_user(c, (*ann)->id);
      }));
  must(this->store_->executor().template run_sync<bool>([](store::StoreConnection& c) {
    return store::queries::disable_service_account(c, "ci", 5'000);
  }));
  must(this->directory_->refresh());
  for (const char* presented : {kUserKey, kCiKey}) {
    const auto key = this->directory_->current()->authenticate(presented);
    ASSERT_FALSE(key) << presented;
    EXPECT_EQ(key.error().status, 401) << presented;
    EXPECT_EQ(key.error().code, "api_key_owner_disabled") << presented;
  }
}

TYPED_TEST(KeyDirectoryTest, ARequestKeepsItsSnapshotAcrossARefresh) {
  const auto before = this->directory_->current();
  this->add_user_key();
  must(this->directory_->refresh());
  EXPECT_EQ(before->size(), 1u);
  EXPECT_EQ(this->directory_->current()->size(), 2u);
}

TYPED_TEST(KeyDirectoryTest, LookupsDuringRefreshesAlwaysSeeAWholeSnapshot) {
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!done) {
        if (!this->directory_->current()->authenticate(kCiKey)) ++failures;
      }
    });
  }
  this->add_user_key();
  for (int i = 0; i < 20; ++i) must(this->directory_->refresh());
  done = true;
  for (auto& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(this->code_for(kUserKey), "ok");
}

TYPED_TEST(KeyDirectoryTest, PeriodicRefreshBringsInNewKeys) {
  boost::asio::io_context io;
  this->directory_->start_periodic_refresh(io, std::chrono::seconds(1));
  this->add_user_key();
  const auto refreshed_before = this->directory_->refreshes();
  std::thread runner([&io] { io.run(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (this->directory_->refreshes() == refreshed_before &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  this->directory_->stop();
  runner.join();
  EXPECT_EQ(this->code_for(kUserKey), "ok");
}

}  // namespace
}  // namespace sluice::access
