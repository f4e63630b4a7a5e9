// Wiring a service's methods to their handlers, one line per method:
//
//   ServiceMethods<CustomerServiceImpl> m(methods, this, v1::CustomerService::service_full_name());
//   CRM_METHOD(m, CreateCustomer, &customer_handlers_);
//
// names the method once. The macro takes the generated RequestCreateCustomer
// member, the name (for logs, metrics and the access policy in the proto) and
// the handler member CustomerHandlers::CreateCustomer, whose shape says how the
// method is served:
//   unary          absl::Status Foo(const CallContext&, const FooRequest&, FooResponse*)
//   client stream  absl::StatusOr<std::unique_ptr<R>> Foo(const CallContext&),
//                  R a ClientStreamHandler<FooRequest, FooResponse>
//   server stream  absl::StatusOr<std::unique_ptr<W>> Foo(const CallContext&, const FooRequest&),
//                  W a ServerStreamHandler<FooResponse>
// A method of the proto left unwired, or wired twice, stops the process at
// start (AsyncMethods::CheckComplete).
#pragma once

#include <memory>
#include <string>
#include <type_traits>

#include "common/rpc/async_methods.h"
#include "common/rpc/async_streams.h"

namespace crm {

template <typename Service>
class ServiceMethods {
 public:
  using ServiceType = Service;

  // `service` is the generated AsyncService (or a class derived from it),
  // `name` the service's full name ("crm.customer.v1.CustomerService").
  ServiceMethods(AsyncMethods& methods, Service* service, std::string name)
      : methods_(methods), service_(service), name_(std::move(name)) {}

  // A unary method served by `(handlers->*handle)(call, request, response)`.
  template <typename Base, typename Request, typename Response, typename Handlers>
  void Add(AsyncUnaryRequest<Base, Request, Response> request, const char* name, Handlers* handlers,
           absl::Status (Handlers::*handle)(const CallContext&, const Request&, Response*)) {
    Add(request, name,
        UnaryHandler<Request, Response>(
            [handlers, handle](const CallContext& call, const Request& in, Response* out) {
              return (handlers->*handle)(call, in, out);
            }));
  }

  // A unary method served by a function.
  template <typename Base, typename Request, typename Response>
  void Add(AsyncUnaryRequest<Base, Request, Response> request, const char* name,
           UnaryHandler<Request, Response> handler) {
    using Call = async_methods_internal::UnaryCall<Base, Request, Response>;
    auto spec = std::make_shared<typename Call::Spec>(
        typename Call::Spec{static_cast<Base*>(service_), request, methods_.Register(name_, name),
                            &methods_.key(), std::move(handler), methods_.pool()});
    methods_.AddPrimer([spec](grpc::ServerCompletionQueue* cq) { Call::Accept(*spec, cq); }, spec);
  }

  // A client-streaming method: `(handlers->*start)(call)` makes each call's reader.
  template <typename Base, typename Request, typename Response, typename Handlers, typename Reader>
  void Add(AsyncClientStreamRequest<Base, Request, Response> request, const char* name,
           Handlers* handlers,
           absl::StatusOr<std::unique_ptr<Reader>> (Handlers::*start)(const CallContext&)) {
    static_assert(std::is_base_of_v<ClientStreamHandler<Request, Response>, Reader>);
    using Call = async_streams_internal::ClientStreamCall<Base, Request, Response>;
    ClientStreamFactory<Request, Response> factory = [handlers, start](const CallContext& call)
        -> absl::StatusOr<std::unique_ptr<ClientStreamHandler<Request, Response>>> {
      absl::StatusOr<std::unique_ptr<Reader>> reader = (handlers->*start)(call);
      if (!reader.ok()) return reader.status();
      return std::unique_ptr<ClientStreamHandler<Request, Response>>(std::move(*reader));
    };
    auto spec = std::make_shared<typename Call::Spec>(
        typename Call::Spec{static_cast<Base*>(service_), request, methods_.Register(name_, name),
                            &methods_.key(), std::move(factory), methods_.pool()});
    methods_.AddPrimer([spec](grpc::ServerCompletionQueue* cq) { Call::Accept(*spec, cq); }, spec);
  }

  // A server-streaming method: `(handlers->*start)(call, request)` makes each
  // call's writer.
  template <typename Base, typename Request, typename Response, typename Handlers, typename Writer>
  void Add(AsyncServerStreamRequest<Base, Request, Response> request, const char* name,
           Handlers* handlers,
           absl::StatusOr<std::unique_ptr<Writer>> (Handlers::*start)(const CallContext&,
                                                                      const Request&)) {
    static_assert(std::is_base_of_v<ServerStreamHandler<Response>, Writer>);
    using Call = async_streams_internal::ServerStreamCall<Base, Request, Response>;
    ServerStreamFactory<Request, Response> factory =
        [handlers, start](
            const CallContext& call,
            const Request& in) -> absl::StatusOr<std::unique_ptr<ServerStreamHandler<Response>>> {
      absl::StatusOr<std::unique_ptr<Writer>> writer = (handlers->*start)(call, in);
      if (!writer.ok()) return writer.status();
      return std::unique_ptr<ServerStreamHandler<Response>>(std::move(*writer));
    };
    auto spec = std::make_shared<typename Call::Spec>(
        typename Call::Spec{static_cast<Base*>(service_), request, methods_.Register(name_, name),
                            &methods_.key(), std::move(factory), methods_.pool()});
    methods_.AddPrimer([spec](grpc::ServerCompletionQueue* cq) { Call::Accept(*spec, cq); }, spec);
  }

 private:
  AsyncMethods& methods_;
  Service* const service_;
  const std::string name_;
};

}  // namespace crm

// Registers `Method` of the service `registrar` wires (a ServiceMethods) to
// `handlers`'s member of the same name.
#define CRM_METHOD(registrar, Method, handlers)                                                \
  (registrar).Add(&std::remove_reference_t<decltype(registrar)>::ServiceType::Request##Method, \
                  #Method, (handlers),                                                         \
                  &std::remove_pointer_t<std::decay_t<decltype(handlers)>>::Method)
