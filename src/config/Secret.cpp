#include "config/Secret.h"

#include <openssl/crypto.h>

namespace sluice::config {

Secret::~Secret() {
  // Wipe the whole capacity: a moved-from or shrunk string may still hold the old bytes.
  if (value_.capacity() > 0) OPENSSL_cleanse(value_.data(), value_.capacity());
}

}  // namespace sluice::config
