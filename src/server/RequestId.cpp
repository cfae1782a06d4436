#include "server/RequestId.h"

#include <chrono>
#include <cstdint>
#include <random>

namespace sluice::server {
namespace {

// splitmix64: tiny, fast, and good enough spread for ids; seeded once per thread.
std::uint64_t next_random() {
  thread_local std::uint64_t state = [] {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
  }();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

bool is_acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (const char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string generate_request_id() {
  return generate_request_id(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

std::string generate_request_id(std::int64_t unix_ms) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string id(32, '0');
  // 48 bits of milliseconds, most significant digit first, so ids sort by time.
  auto time = static_cast<std::uint64_t>(unix_ms);
  for (int i = 11; i >= 0; --i, time >>= 4) id[i] = kDigits[time & 0x0f];
  // 80 random bits.
  std::uint64_t bits = next_random();
  for (int i = 12; i < 28; ++i, bits >>= 4) id[i] = kDigits[bits & 0x0f];
  bits = next_random();
  for (int i = 28; i < 32; ++i, bits >>= 4) id[i] = kDigits[bits & 0x0f];
  return id;
}

}  // namespace sluice::server
