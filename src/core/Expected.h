// Expected<T>: a value or the GatewayError that explains why there is none.
// (std::expected is C++23; g++ 12 does not have it.)
#pragma once

#include "core/GatewayError.h"

#include <utility>
#include <variant>

namespace sluice {

template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Expected(GatewayError error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  const GatewayError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, GatewayError> state_;
};

}  // namespace sluice
