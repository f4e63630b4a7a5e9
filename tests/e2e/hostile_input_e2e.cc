// Well-formed but hostile requests, sent through the gateway as an
// administrator to every method of every service (a stream gets one such
// message) (read from the
// descriptors, so the table grows with the services): every string field
// empty, SQL-looking, full of control and direction characters, or 100,000
// characters long; every number 0, the largest or the smallest there is
// (ids, money, quantities, timestamps, unknown enum values); and a 5 MB
// message. Each call must be answered with a code a client can act on, never
// INTERNAL or UNKNOWN, with no SQL or C++ in the message; a refused call
// writes nothing (its service's change feed does not move); and every
// process still serves. Every refusal carries a google.rpc.ErrorInfo (and a
// PreconditionFailure or BadRequest where they apply). (Truncated messages
// and invalid UTF-8 are e2e_bad_input's.)
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/status.pb.h"
#include "tests/support/clients.h"
#include "tests/support/method_table.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"

namespace crm {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One way of being hostile: what every string and every number becomes.
struct Variant {
  std::string name;
  std::string text;
  int64_t number;
};

std::vector<Variant> Variants() {
  return {
      {"empty", "", 0},
      {"injection", "' OR '1'='1'; DROP TABLE customers; -- %_\\", 0},
      {"control characters", std::string("a\x01\x1b[31m\x7f\xe2\x80\xae\xef\xbb\xbf\x00z", 14), -1},
      {"100,000 characters", std::string(100'000, 'x'), 1},
      {"largest numbers", "9223372036854775807", std::numeric_limits<int64_t>::max()},
      {"smallest numbers", "-9223372036854775808", std::numeric_limits<int64_t>::min()},
  };
}

// Fills every field of `message` (messages three deep, one element per
// repeated field) the variant's way.
void Fill(Message& message, const Variant& v, int depth = 0) {
  const Reflection& r = *message.GetReflection();
  const Descriptor& d = *message.GetDescriptor();
  for (int i = 0; i < d.field_count(); ++i) {
    const FieldDescriptor* f = d.field(i);
    const bool repeated = f->is_repeated();
    const int64_t n = v.number;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        repeated ? r.AddString(&message, f, v.text) : r.SetString(&message, f, v.text);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        repeated ? r.AddInt64(&message, f, n) : r.SetInt64(&message, f, n);
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        repeated ? r.AddUInt64(&message, f, static_cast<uint64_t>(n))
                 : r.SetUInt64(&message, f, static_cast<uint64_t>(n));
        break;
      case FieldDescriptor::CPPTYPE_INT32: {
        const auto n32 =
            static_cast<int32_t>(n > 0 ? std::numeric_limits<int32_t>::max()
                                       : (n < -1 ? std::numeric_limits<int32_t>::min() : n));
        repeated ? r.AddInt32(&message, f, n32) : r.SetInt32(&message, f, n32);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        const auto n32 = static_cast<uint32_t>(n);
        repeated ? r.AddUInt32(&message, f, n32) : r.SetUInt32(&message, f, n32);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        break;  // the CRM's messages carry no floating point
      case FieldDescriptor::CPPTYPE_BOOL:
        repeated ? r.AddBool(&message, f, n != 0) : r.SetBool(&message, f, n != 0);
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        // Proto3 enums are open: an unknown value reaches the server as is.
        const int value = n == 0 ? 0 : (n > 0 ? 1'000'000 : -1'000'000);
        repeated ? r.AddEnumValue(&message, f, value) : r.SetEnumValue(&message, f, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth < 3) {
          Fill(repeated ? *r.AddMessage(&message, f) : *r.MutableMessage(&message, f), v,
               depth + 1);
        }
        break;
    }
  }
}

// Ends the administrator's own session or credentials, which would turn
// every later call into UNAUTHENTICATED and test nothing.
bool EndsTheSession(const std::string& path) {
  return absl::EndsWith(path, "/Logout") || absl::EndsWith(path, "/ChangePassword");
}

// The type URLs of the standard details (google.rpc) a status carries.
std::set<std::string> DetailTypes(const grpc::Status& status) {
  std::set<std::string> types;
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return types;
  for (const auto& any : rich.details()) types.insert(any.type_url());
  return types;
}

// What a client can act on: anything but a server fault.
bool Actionable(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return true;
    default:
      return false;
  }
}

// Words that only a leaked database error or C++ exception would bring.
bool LeaksInternals(const std::string& message) {
  for (const char* word : {"SQL", "sql", "MariaDB", "MySQL", "mysql", "syntax to use",
                           "std::", "exception", "Exception", "Duplicate entry", "constraint"}) {
    if (absl::StrContains(message, word)) return true;
  }
  return false;
}

using HostileInputTest = testing::EveryMethodTest;

TEST_F(HostileInputTest, EveryMethodAnswersHostileFieldsWithACodeAndRefusalsWriteNothing) {
  const std::vector<testing::RpcMethod> methods = testing::AllMethods();
  ASSERT_GT(methods.size(), 100u);
  std::map<std::string, int64_t> last = LastChanges();  // service -> last change sequence
  std::map<grpc::StatusCode, int> codes;
  int streams = 0;
  for (const testing::RpcMethod& method : methods) {
    if (EndsTheSession(method.path)) continue;
    streams += method.streaming;
    for (const Variant& variant : Variants()) {
      std::unique_ptr<Message> request(
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.input)->New());
      Fill(*request, variant);
      const std::string what = absl::StrCat(method.path, " (", variant.name, ")");
      grpc::Status status = testing::CallWithOneMessage(
          *gateway_, method, {{"authorization", *bearer_}}, request->SerializeAsString());
      ++codes[status.error_code()];
      EXPECT_TRUE(Actionable(status.error_code()))
          << what << ": " << status.error_code() << " " << status.error_message();
      EXPECT_FALSE(LeaksInternals(status.error_message()))
          << what << ": " << status.error_message();
      // The answer reached the client: an error echoing a long field must
      // still fit in the response metadata a client accepts.
      EXPECT_FALSE(absl::StrContains(status.error_message(), "metadata size exceeds"))
          << what << ": " << status.error_message();
      // Every refusal says why in the standard details a client decodes.
      if (!status.ok()) {
        const std::set<std::string> types = DetailTypes(status);
        EXPECT_EQ(types.count("type.googleapis.com/google.rpc.ErrorInfo"), 1u) << what;
        if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
          EXPECT_EQ(types.count("type.googleapis.com/google.rpc.PreconditionFailure"), 1u) << what;
        }
        if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT &&
            !absl::StrContains(status.error_message(), "cannot be parsed")) {
          EXPECT_EQ(types.count("type.googleapis.com/google.rpc.BadRequest"), 1u) << what;
        }
      }
      const int64_t now =
          testing::LastChange(*gateway_, *bearer_, method.service, last[method.service]);
      if (!status.ok()) {
        EXPECT_EQ(now, last[method.service]) << what << " was refused but wrote a change";
      }
      last[method.service] = now;
    }
  }
  for (const auto& [code, count] : codes) {
    std::cout << "status " << code << ": " << count << " calls\n";
  }
  EXPECT_GE(streams, 3) << "the import and the exports are in the table";
  EXPECT_TRUE(stack_->WaitAllServing(5000));
}

// Five megabytes in one string field, to every method: refused by size at
// the gateway (4 MiB), before any backend sees it, and nothing is written.
TEST_F(HostileInputTest, EveryMethodRefusesAFiveMegabyteMessage) {
  const std::map<std::string, int64_t> before = LastChanges();
  const std::string payload(5 * 1024 * 1024, 'x');
  std::string body = "\x0a";  // field 1, length-delimited
  for (uint64_t n = payload.size(); n > 0; n >>= 7) {
    body.push_back(static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
  }
  body += payload;
  for (const testing::RpcMethod& method : testing::AllMethods()) {
    grpc::Status status =
        testing::CallWithOneMessage(*gateway_, method, {{"authorization", *bearer_}}, body);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << method.path << ": " << status.error_message();
  }
  for (const auto& [service, last] : before) {
    EXPECT_EQ(testing::LastChange(*gateway_, *bearer_, service), last) << service;
  }
  EXPECT_TRUE(stack_->WaitAllServing(5000));
}

}  // namespace
}  // namespace crm
