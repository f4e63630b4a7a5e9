// How every process's start-up ends when it cannot go on: one error line
// naming the cause and a non-zero exit code; never an abort, a core or a hang.
#pragma once

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace crm {

class Config;

// Exit codes of a process that did not start.
inline constexpr int kExitCannotStart = 1;       // address in use, database unreachable, ...
inline constexpr int kExitBadConfiguration = 2;  // unknown flag, bad value, missing secret

// Call first thing in main(), before any thread starts: logging carries
// `service` from here on (at info until the configured level is known),
// SIGTERM and SIGINT are blocked in every thread (GrpcServer takes them), and
// abseil's mutex deadlock detection, a debugging aid that costs gRPC
// noticeable CPU on every lock, is off.
void InitServerProcess(absl::string_view service);

// After every setting was read: prints the usage for --help (exit 0), or
// logs the unknown flags and bad values, or a bad `log_level`, as one line
// (exit 2). nullopt: go on, logging at `log_level`.
std::optional<int> FinishConfiguration(const Config& config, absl::string_view program,
                                       absl::string_view log_level);

// Logs `cause` and `error` as the one error line of a failed start-up and
// returns `exit_code` for main() to return.
int StartupFailed(absl::string_view cause, const absl::Status& error,
                  int exit_code = kExitCannotStart);

}  // namespace crm
