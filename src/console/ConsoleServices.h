// ConsoleServices: what the admin API's handlers share — the store, the live config, the key
// directory to refresh after key changes, the cipher that seals managed keys, the password
// threads, the sign-in rate limit, the UI's files and the price catalog the models page shows
// (the one the accounting charges from). Built once in main and owned by the router.
#pragma once

#include "access/KeyDirectory.h"
#include "access/KeySecretCipher.h"
#include "api/ActiveState.h"
#include "console/LoginThrottle.h"
#include "console/PasswordWork.h"
#include "console/UiAssets.h"
#include "ledger/PriceCatalog.h"
#include "store/Store.h"

#include <memory>
#include <optional>

namespace sluice::console {

struct ConsoleServices {
  store::Store& store;
  std::shared_ptr<const api::ActiveState> state;
  std::shared_ptr<access::KeyDirectory> keys;
  std::optional<access::KeySecretCipher> cipher;
  PasswordWork passwords;
  LoginThrottle throttle;
  UiAssets ui;
  std::shared_ptr<const ledger::PriceCatalog> prices;  // null: every route shows `none` or its override
};

}  // namespace sluice::console
