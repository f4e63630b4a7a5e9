// AsyncMethods: what was registered, and the start-up check of it.
#include "common/rpc/async_methods.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace crm {

MethodSpec AsyncMethods::Register(const std::string& service, const char* method) {
  ++registered_[service][method];
  const std::string path = absl::StrCat("/", service, "/", method);
  MethodSpec spec{
      method, PolicyForPath(path), &MethodMetrics::For(service, method), &ready_, &clock_, path};
  // A method unknown to the descriptor pool would refuse every call; that is a
  // build mistake (its proto file not linked), not something to serve.
  if (!spec.policy.declared) {
    errors_.push_back(absl::StrCat(service, "/", method, " has no access policy"));
  }
  return spec;
}

absl::Status AsyncMethods::CheckComplete() const {
  std::vector<std::string> problems = errors_;
  for (const auto& [service_name, methods] : registered_) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    if (service == nullptr) {
      problems.push_back(absl::StrCat(service_name, " is not in this build"));
      continue;
    }
    std::vector<std::string> missing;
    for (int i = 0; i < service->method_count(); ++i) {
      if (methods.count(service->method(i)->name()) == 0) {
        missing.push_back(service->method(i)->name());
      }
    }
    if (!missing.empty()) {
      problems.push_back(
          absl::StrCat(service_name, " has no handler for ", absl::StrJoin(missing, ", ")));
    }
    for (const auto& [method, count] : methods) {
      if (service->FindMethodByName(method) == nullptr) {
        problems.push_back(absl::StrCat(service_name, " has no method ", method));
      } else if (count > 1) {
        problems.push_back(
            absl::StrCat(service_name, "/", method, " is registered ", count, " times"));
      }
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrJoin(problems, "; "));
}

}  // namespace crm
