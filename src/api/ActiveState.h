// ActiveState: the configuration requests start on, replaceable while the gateway runs.
//
// A reload (SIGHUP, POST /admin/reload) builds a whole new GatewayState and calls replace(); each
// request takes current() once when it starts and keeps that state to its end, so in-flight
// requests finish on the configuration they began with while new ones see the new one. current()
// takes no lock (core/SharedSnapshot.h).
#pragma once

#include "api/GatewayState.h"
#include "core/SharedSnapshot.h"

namespace sluice::api {

using ActiveState = SharedSnapshot<const GatewayState>;

}  // namespace sluice::api
