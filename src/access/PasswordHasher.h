// PasswordHasher: Argon2id password hashes for the admin console's password sign-in (libargon2).
//
// Parameters follow OWASP's Argon2id recommendation (t=2, m=19 MiB, p=1) with a 16-byte random
// salt; the stored form is Argon2's own encoded string ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"),
// which carries its parameters, so hashes made with other parameters (older rows, a stronger future
// setting) still verify. Each hash costs tens of milliseconds of CPU and 19 MiB: never call these on
// an I/O thread (console/PasswordWork runs them on their own threads).
#pragma once

#include "core/Expected.h"

#include <string>
#include <string_view>

namespace sluice::access {

struct Argon2Parameters {
  unsigned time_cost = 2;
  unsigned memory_kib = 19 * 1024;
  unsigned parallelism = 1;
};

// The encoded Argon2id hash of `password` under a fresh random salt.
std::string hash_password(std::string_view password, const Argon2Parameters& parameters = {});

// True when `password` matches `encoded`; false for a wrong password and for anything that is not
// an Argon2id encoded hash (an empty or foreign value never verifies).
bool verify_password(std::string_view encoded, std::string_view password);

}  // namespace sluice::access
