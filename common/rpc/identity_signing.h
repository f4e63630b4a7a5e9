// Signs the identity on every call a channel makes, for the method called
// (auth/identity.h binds a signature to it). A call that carries the
// identity header (ServiceClient puts the serialized identity there) gets its
// signature header added just before it is sent, when gRPC knows the method:
// callers never name the method twice, and streams are covered too.
#pragma once

#include <grpcpp/support/client_interceptor.h>

#include <memory>

namespace crm {

class IdentityKey;

// For grpc::experimental::CreateCustomChannelWithInterceptors; `key` must
// outlive every channel made with it.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> MakeIdentitySigner(
    const IdentityKey& key);

}  // namespace crm
