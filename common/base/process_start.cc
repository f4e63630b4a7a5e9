// Start-up outcomes shared by the gateway's and the backends' main().
#include "common/base/process_start.h"

#include <signal.h>

#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/base/config.h"
#include "common/base/logging.h"

namespace crm {

void InitServerProcess(absl::string_view service) {
  log::Init(service, "info");
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

std::optional<int> FinishConfiguration(const Config& config, absl::string_view program,
                                       absl::string_view log_level) {
  if (config.help_requested()) {
    std::cout << config.Usage(program);
    return 0;
  }
  if (absl::Status status = config.Finish(); !status.ok()) {
    return StartupFailed("bad configuration (see --help)", status, kExitBadConfiguration);
  }
  // Only the level: workers that make_services started may be logging already.
  if (!log::SetLevel(log_level)) {
    return StartupFailed("bad configuration (see --help)",
                         absl::InvalidArgumentError(absl::StrCat(
                             "log-level: '", log_level, "' is not debug, info, warn or error")),
                         kExitBadConfiguration);
  }
  return std::nullopt;
}

int StartupFailed(absl::string_view cause, const absl::Status& error, int exit_code) {
  log::Error("start-up failed", {{"cause", cause}, {"error", error.message()}});
  log::Flush();
  return exit_code;
}

}  // namespace crm
