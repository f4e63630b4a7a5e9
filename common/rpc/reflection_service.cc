// Reflection over DescriptorPool::generated_pool(); one implementation serves
// both protocol versions, whose messages are identical but for the package.
#include "common/rpc/reflection_service.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/server_builder.h>

#include "common/rpc/async_call.h"

namespace crm {

namespace v1 = grpc::reflection::v1;
namespace v1alpha = grpc::reflection::v1alpha;
using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptor;

void ReflectionResponder::Answer(const v1::ServerReflectionRequest& request,
                                 v1::ServerReflectionResponse* response) {
  AnswerAny(request, response);
}

void ReflectionResponder::Answer(const v1alpha::ServerReflectionRequest& request,
                                 v1alpha::ServerReflectionResponse* response) {
  AnswerAny(request, response);
}

template <typename Request, typename Response>
void ReflectionResponder::AnswerAny(const Request& request, Response* response) {
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  response->Clear();
  response->set_valid_host(request.host());
  *response->mutable_original_request() = request;
  auto error = [response](grpc::StatusCode code, const char* message) {
    response->mutable_error_response()->set_error_code(static_cast<int>(code));
    response->mutable_error_response()->set_error_message(message);
  };
  // The file and every file it depends on that this stream has not sent yet.
  auto send_file = [&](const FileDescriptor* file) {
    if (file == nullptr) return error(grpc::StatusCode::NOT_FOUND, "not found");
    auto* out = response->mutable_file_descriptor_response();
    std::vector<const FileDescriptor*> todo{file};
    while (!todo.empty()) {
      const FileDescriptor* f = todo.back();
      todo.pop_back();
      if (!sent_.insert(f->name()).second) continue;
      google::protobuf::FileDescriptorProto proto;
      f->CopyTo(&proto);
      out->add_file_descriptor_proto(proto.SerializeAsString());
      for (int i = 0; i < f->dependency_count(); ++i) todo.push_back(f->dependency(i));
    }
  };
  switch (request.message_request_case()) {
    case Request::kListServices:
      for (const std::string& name : services_) {
        response->mutable_list_services_response()->add_service()->set_name(name);
      }
      return;
    case Request::kFileByFilename:
      return send_file(pool->FindFileByName(request.file_by_filename()));
    case Request::kFileContainingSymbol:
      return send_file(pool->FindFileContainingSymbol(request.file_containing_symbol()));
    case Request::kFileContainingExtension: {
      const auto& ask = request.file_containing_extension();
      const auto* type = pool->FindMessageTypeByName(ask.containing_type());
      const auto* extension =
          type == nullptr ? nullptr : pool->FindExtensionByNumber(type, ask.extension_number());
      return send_file(extension == nullptr ? nullptr : extension->file());
    }
    case Request::kAllExtensionNumbersOfType: {
      const auto* type = pool->FindMessageTypeByName(request.all_extension_numbers_of_type());
      if (type == nullptr) return error(grpc::StatusCode::NOT_FOUND, "type not found");
      std::vector<const google::protobuf::FieldDescriptor*> extensions;
      pool->FindAllExtensions(type, &extensions);
      auto* out = response->mutable_all_extension_numbers_response();
      out->set_base_type_name(type->full_name());
      for (const auto* e : extensions) out->add_extension_number(e->number());
      return;
    }
    default:
      return error(grpc::StatusCode::UNIMPLEMENTED, "unsupported reflection request");
  }
}

namespace {

// One reflection stream: read a request, write its answer, repeat.
template <typename Service, typename Request, typename Response>
class ReflectionCall : public AsyncCall {
 public:
  static void Accept(Service& service, grpc::ServerCompletionQueue* cq,
                     const std::vector<std::string>& names) {
    auto* call = new ReflectionCall(service, cq, names);
    service.RequestServerReflectionInfo(&call->context_, &call->stream_, cq, cq,
                                        call->Tag(kAccepted));
  }

 protected:
  void OnEvent(int kind, bool ok) override {
    switch (kind) {
      case kAccepted:
        if (!ok) return;
        Accept(service_, cq_, names_);
        stream_.Read(&request_, Tag(kRead));
        return;
      case kRead:
        if (!ok) return stream_.Finish(grpc::Status::OK, Tag(kFinished));
        responder_.Answer(request_, &response_);
        stream_.Write(response_, Tag(kWritten));
        return;
      case kWritten:
        if (!ok) return stream_.Finish(grpc::Status::CANCELLED, Tag(kFinished));
        stream_.Read(&request_, Tag(kRead));
        return;
      default:
        return;
    }
  }

 private:
  enum Kind { kAccepted, kRead, kWritten, kFinished };
  ReflectionCall(Service& service, grpc::ServerCompletionQueue* cq,
                 const std::vector<std::string>& names)
      : service_(service), cq_(cq), names_(names), responder_(names), stream_(&context_) {}

  Service& service_;
  grpc::ServerCompletionQueue* cq_;
  const std::vector<std::string>& names_;
  ReflectionResponder responder_;
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<Response, Request> stream_;
  Request request_;
  Response response_;
};

}  // namespace

ReflectionServices::ReflectionServices(std::vector<std::string> services)
    : services_([&] {
        services.push_back("grpc.health.v1.Health");
        services.push_back(v1::ServerReflection::service_full_name());
        services.push_back(v1alpha::ServerReflection::service_full_name());
        return std::move(services);
      }()) {}

void ReflectionServices::Register(grpc::ServerBuilder& builder) {
  builder.RegisterService(&v1_);
  builder.RegisterService(&v1alpha_);
}

void ReflectionServices::Prime(grpc::ServerCompletionQueue* cq) {
  ReflectionCall<v1::ServerReflection::AsyncService, v1::ServerReflectionRequest,
                 v1::ServerReflectionResponse>::Accept(v1_, cq, services_);
  ReflectionCall<v1alpha::ServerReflection::AsyncService, v1alpha::ServerReflectionRequest,
                 v1alpha::ServerReflectionResponse>::Accept(v1alpha_, cq, services_);
}

}  // namespace crm
