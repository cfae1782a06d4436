// ConsoleServices: what the admin API's handlers share — the store, the live config, the key
// directory to refresh after key changes, the cipher that seals managed keys, the password
// threads, the sign-in rate limit and the UI's files. Built once in main and owned by the router.
#pragma once

#include "access/KeyDirectory.h"
#include "access/KeySecretCipher.h"
#include "api/ActiveState.h"
#include "console/LoginThrottle.h"
#include "console/PasswordWork.h"
#include "console/UiAssets.h"
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
};

}  // namespace sluice::console
