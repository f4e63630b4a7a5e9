// Requests that are not their method's message at all, sent through the
// gateway to every method of every service (a stream gets one such message) (the table grows with
// the services: it is read from the descriptors): each is refused with INVALID_ARGUMENT, never
// INTERNAL (which pages whoever watches server errors), nothing is written, and every service still
// serves.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/common/v1/changes.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/support/clients.h"
#include "tests/support/method_table.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"

namespace crm {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

std::string Varint(uint64_t value) {
  std::string bytes;
  while (value >= 0x80) {
    bytes.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  bytes.push_back(static_cast<char>(value));
  return bytes;
}

std::string LengthDelimited(int field_number, const std::string& payload) {
  return Varint(static_cast<uint64_t>(field_number) << 3 | 2) + Varint(payload.size()) + payload;
}

// The wire bytes of a message whose first string field (at any depth up to
// three messages down) holds bytes that are not UTF-8; nullopt when the
// message has no string field within reach.
std::optional<std::string> WithInvalidUtf8(const Descriptor& message, int depth = 0) {
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    if (field.type() == FieldDescriptor::TYPE_STRING) {
      return LengthDelimited(field.number(), "\xff\xfe not UTF-8");
    }
  }
  if (depth == 3) return std::nullopt;
  for (int i = 0; i < message.field_count(); ++i) {
    const FieldDescriptor& field = *message.field(i);
    if (field.type() != FieldDescriptor::TYPE_MESSAGE) continue;
    if (std::optional<std::string> inner = WithInvalidUtf8(*field.message_type(), depth + 1)) {
      return LengthDelimited(field.number(), *inner);
    }
  }
  return std::nullopt;
}

using BadInputTest = testing::EveryMethodTest;

TEST_F(BadInputTest, UnparsableMessagesAreInvalidArgumentEverywhereAndWriteNothing) {
  const std::map<std::string, int64_t> before = LastChanges();
  // Field 1, length 5, then only two bytes: cut off mid-field.
  const std::string truncated(
      "\x0a\x05"
      "ab",
      4);
  int with_strings = 0;
  const std::vector<testing::RpcMethod> methods = testing::AllMethods();
  ASSERT_GT(methods.size(), 50u);
  for (const testing::RpcMethod& method : methods) {
    std::vector<std::pair<std::string, std::string>> bodies = {{"truncated", truncated}};
    if (std::optional<std::string> bad = WithInvalidUtf8(*method.input)) {
      bodies.emplace_back("invalid UTF-8", *bad);
      ++with_strings;
    }
    for (const auto& [what, body] : bodies) {
      const bool open = method.path == "/crm.org.v1.OrgService/Login" ||
                        method.path == "/crm.org.v1.OrgService/RefreshToken";
      grpc::Status status = testing::CallWithOneMessage(
          *gateway_, method,
          open ? std::vector<std::pair<std::string, std::string>>{}
               : std::vector<std::pair<std::string, std::string>>{{"authorization", *bearer_}},
          body);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
          << method.path << " (" << what << "): " << status.error_message();
      EXPECT_EQ(status.error_message().find("Unable to parse"), std::string::npos);
    }
  }
  EXPECT_GT(with_strings, 30);
  EXPECT_EQ(LastChanges(), before) << "a refused call wrote something";
  EXPECT_TRUE(stack_->WaitAllServing(5000));
}

// The record an Update* request carries: its first message field whose type
// has both an id and an etag (Customer in UpdateCustomerRequest).
const FieldDescriptor* EditedRecord(const Descriptor& request) {
  for (int i = 0; i < request.field_count(); ++i) {
    const FieldDescriptor* field = request.field(i);
    if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
        field->message_type()->FindFieldByName("id") != nullptr &&
        field->message_type()->FindFieldByName("etag") != nullptr) {
      return field;
    }
  }
  return nullptr;
}

// Every record an Update* method edits is edited by more than one person:
// an update that does not say which version it changes would overwrite a
// change made since unseen. Each is refused naming <record>.etag, before
// anything is read or written.
TEST_F(BadInputTest, EveryUpdateWithoutAnEtagIsRefusedNamingIt) {
  const std::map<std::string, int64_t> before = LastChanges();
  int updates = 0;
  for (const testing::RpcMethod& method : testing::AllMethods()) {
    const std::string name = method.path.substr(method.path.rfind('/') + 1);
    if (name.rfind("Update", 0) != 0) continue;
    const FieldDescriptor* record = EditedRecord(*method.input);
    ASSERT_NE(record, nullptr) << method.path << " edits no record with an etag";
    ++updates;
    std::unique_ptr<google::protobuf::Message> request(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.input)->New());
    google::protobuf::Message* edited =
        request->GetReflection()->MutableMessage(request.get(), record);
    edited->GetReflection()->SetInt64(edited, record->message_type()->FindFieldByName("id"), 1);
    const grpc::Status status = testing::CallRaw(
        *gateway_, method.path, {{"authorization", *bearer_}}, request->SerializeAsString());
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method.path;
    google::rpc::Status rich;
    google::rpc::BadRequest bad_request;
    ASSERT_TRUE(rich.ParseFromString(status.error_details())) << method.path;
    for (const auto& detail : rich.details()) detail.UnpackTo(&bad_request);
    ASSERT_EQ(bad_request.field_violations_size(), 1)
        << method.path << ": " << status.error_message();
    EXPECT_EQ(bad_request.field_violations(0).field(), record->name() + ".etag") << method.path;
  }
  EXPECT_GE(updates, 18);
  EXPECT_EQ(LastChanges(), before) << "a refused update wrote something";
}

}  // namespace
}  // namespace crm
