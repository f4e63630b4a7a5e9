// Loads the demo data through the gateway, as the administrator and then as
// the demo sales people. Loading twice creates nothing new.
#pragma once

#include <memory>
#include <string>

namespace grpc {
class Channel;
}

namespace crm::tools {

// Returns 0 on success, printing what is present.
int LoadDemo(const std::shared_ptr<grpc::Channel>& gateway, const std::string& admin_password);

}  // namespace crm::tools
