// Logging in through the gateway, for the benchmark tools: the bearer header
// value, or the tool exits saying why.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm::perf {

inline std::string BearerOrExit(const std::shared_ptr<grpc::Channel>& channel,
                                const std::string& tool, const std::string& username,
                                const std::string& password,
                                crm::common::v1::Identity* identity = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  crm::org::v1::LoginRequest login;
  login.set_username(username);
  login.set_password(password);
  crm::org::v1::TokenResponse tokens;
  grpc::Status status = crm::org::v1::OrgService::NewStub(channel)->Login(&context, login, &tokens);
  if (!status.ok()) {
    std::cerr << tool << ": log in as " << username << ": " << status.error_message() << "\n";
    std::exit(2);
  }
  if (identity != nullptr) *identity = tokens.identity();
  return "Bearer " + tokens.access_token();
}

}  // namespace crm::perf
