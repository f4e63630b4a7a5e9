// When a call or a piece of work must be done by, on the steady clock.
#pragma once

#include <chrono>

namespace crm {

using Deadline = std::chrono::steady_clock::time_point;

}  // namespace crm
