// The identity-signing client interceptor.
#include "common/rpc/identity_signing.h"

#include <grpcpp/support/interceptor.h>

#include <string>

#include "common/auth/identity.h"

namespace crm {
namespace {

class IdentitySigner : public grpc::experimental::Interceptor {
 public:
  IdentitySigner(const IdentityKey& key, const char* method) : key_(key), method_(method) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      auto identity = metadata->find(kIdentityHeader);
      if (identity != metadata->end() && metadata->count(kIdentitySignatureHeader) == 0) {
        SignedIdentity signed_identity = SignIdentity(identity->second, key_, method_, UnixNow());
        metadata->emplace(kIdentitySignatureHeader, std::move(signed_identity.signature));
      }
    }
    methods->Proceed();
  }

 private:
  const IdentityKey& key_;
  const char* const method_;  // owned by the call's ClientRpcInfo
};

class IdentitySignerFactory : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit IdentitySignerFactory(const IdentityKey& key) : key_(key) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return new IdentitySigner(key_, info->method());
  }

 private:
  const IdentityKey& key_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> MakeIdentitySigner(
    const IdentityKey& key) {
  return std::make_unique<IdentitySignerFactory>(key);
}

}  // namespace crm
