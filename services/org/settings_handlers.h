// System parameters (R30): key and value checks around SettingsRepository.
#pragma once

#include "absl/status/status.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/settings.pb.h"

namespace crm::org {

class SettingsRepository;

class SettingsHandlers {
 public:
  explicit SettingsHandlers(SettingsRepository& repository) : repository_(repository) {}

  absl::Status GetSystemParameter(const CallContext& call,
                                  const v1::GetSystemParameterRequest& request,
                                  v1::SystemParameter* response);
  absl::Status ListSystemParameters(const CallContext& call,
                                    const v1::ListSystemParametersRequest& request,
                                    v1::ListSystemParametersResponse* response);
  absl::Status SetSystemParameter(const CallContext& call,
                                  const v1::SetSystemParameterRequest& request,
                                  v1::SystemParameter* response);

 private:
  SettingsRepository& repository_;
};

}  // namespace crm::org
