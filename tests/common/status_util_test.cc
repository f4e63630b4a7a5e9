// Status mapping: connector errors to codes, violations to BadRequest details.
#include "common/base/status_util.h"

#include <cppconn/exception.h>
#include <grpcpp/support/status.h>
#include <gtest/gtest.h>

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/mysql_errors.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace crm {
namespace {

absl::StatusCode CodeFor(int mysql_error) {
  return MapSqlError(sql::SQLException("boom: SELECT secret FROM t", "HY000", mysql_error), "test")
      .code();
}

TEST(MapSqlErrorTest, KnownErrorsMapToTheirCodes) {
  EXPECT_EQ(CodeFor(1062), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeFor(1213), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeFor(1205), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeFor(2006), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeFor(2013), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeFor(1969), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(CodeFor(1290), absl::StatusCode::kUnavailable);  // read-only
  EXPECT_EQ(CodeFor(1021), absl::StatusCode::kUnavailable);  // disk full
  EXPECT_EQ(CodeFor(1114), absl::StatusCode::kUnavailable);  // table full
  EXPECT_EQ(CodeFor(1064), absl::StatusCode::kInternal);
}

TEST(MapSqlErrorTest, NoSqlTextReachesTheMessage) {
  absl::Status status =
      MapSqlError(sql::SQLException("syntax near 'SELECT secret FROM t'", "42000", 1064), "test");
  EXPECT_EQ(std::string(status.message()).find("SELECT"), std::string::npos);
  EXPECT_EQ(std::string(status.message()).find("secret"), std::string::npos);
}

TEST(MapSqlErrorTest, ConnectionLossIsRecognised) {
  EXPECT_TRUE(IsConnectionLost(2006));
  EXPECT_TRUE(IsConnectionLost(2013));
  EXPECT_FALSE(IsConnectionLost(1062));
  EXPECT_TRUE(IsTransactionRetryable(1213));
  EXPECT_FALSE(IsTransactionRetryable(1062));
}

// The detail of type T in a status's grpc-status-details-bin, if there.
template <typename T>
std::optional<T> Detail(const grpc::Status& status) {
  google::rpc::Status rich;
  if (!rich.ParseFromString(status.error_details())) return std::nullopt;
  for (const auto& any : rich.details()) {
    T detail;
    if (any.type_url() == "type.googleapis.com/" + T::descriptor()->full_name() &&
        detail.ParseFromString(any.value())) {
      return detail;
    }
  }
  return std::nullopt;
}

TEST(FieldViolationsTest, EmptyIsOk) { EXPECT_TRUE(FieldViolations().ToStatus().ok()); }

TEST(FieldViolationsTest, GrpcStatusCarriesBadRequestNamingEachField) {
  FieldViolations v;
  v.Add("customer.name", "is required");
  v.Add("customer.email", "must be an e-mail address");
  grpc::Status status = ToGrpcStatus(v.ToStatus());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "customer.name: is required; customer.email: must be an e-mail address");
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(status.error_details()));
  EXPECT_EQ(rich.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  std::optional<google::rpc::BadRequest> bad_request = Detail<google::rpc::BadRequest>(status);
  ASSERT_TRUE(bad_request.has_value());
  ASSERT_EQ(bad_request->field_violations_size(), 2);
  EXPECT_EQ(bad_request->field_violations(0).field(), "customer.name");
  EXPECT_EQ(bad_request->field_violations(1).field(), "customer.email");
  std::optional<google::rpc::ErrorInfo> info = Detail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(info->domain(), "crm");
}

TEST(ToGrpcStatusTest, PlainStatusesKeepCodeAndMessage) {
  grpc::Status status = ToGrpcStatus(absl::NotFoundError("customer 7 not found"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "customer 7 not found");
  std::optional<google::rpc::ErrorInfo> info = Detail<google::rpc::ErrorInfo>(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "NOT_FOUND");
  EXPECT_FALSE(Detail<google::rpc::RetryInfo>(status).has_value());
  EXPECT_FALSE(Detail<google::rpc::PreconditionFailure>(status).has_value());
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

// A client acts on more than the code: the rule and what it concerns, and
// when to retry.
TEST(ToGrpcStatusTest, ErrorsCarryTheirReasonRuleAndRetryAdvice) {
  grpc::Status stock = ToGrpcStatus(
      WithErrorInfo(absl::FailedPreconditionError("product 12 (配电柜) has 0 available, not 1"),
                    "INSUFFICIENT_STOCK", {{"product_id", "12"}}, "product/12"));
  std::optional<google::rpc::ErrorInfo> info = Detail<google::rpc::ErrorInfo>(stock);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "INSUFFICIENT_STOCK");
  EXPECT_EQ(info->metadata().at("product_id"), "12");
  std::optional<google::rpc::PreconditionFailure> failure =
      Detail<google::rpc::PreconditionFailure>(stock);
  ASSERT_TRUE(failure.has_value());
  ASSERT_EQ(failure->violations_size(), 1);
  EXPECT_EQ(failure->violations(0).type(), "INSUFFICIENT_STOCK");
  EXPECT_EQ(failure->violations(0).subject(), "product/12");

  grpc::Status busy = ToGrpcStatus(
      WithRetryDelay(absl::ResourceExhaustedError("too many calls"), absl::Milliseconds(1500)));
  std::optional<google::rpc::RetryInfo> retry = Detail<google::rpc::RetryInfo>(busy);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->retry_delay().seconds(), 1);
  EXPECT_EQ(retry->retry_delay().nanos(), 500'000'000);
  std::optional<google::rpc::RetryInfo> fallback =
      Detail<google::rpc::RetryInfo>(ToGrpcStatus(absl::UnavailableError("down")));
  ASSERT_TRUE(fallback.has_value());
  EXPECT_EQ(fallback->retry_delay().seconds(), 1);
}

// Whatever a message echoes, the status fits in the response metadata a
// client accepts (8 KiB by default in several gRPC clients).
TEST(ToGrpcStatusTest, LongMessagesAndManyViolationsAreBounded) {
  const std::string echoed(100'000, 'x');
  grpc::Status plain = ToGrpcStatus(absl::InvalidArgumentError("unknown field '" + echoed + "'"));
  EXPECT_LE(plain.error_message().size(), 768u + 3);
  EXPECT_TRUE(absl::EndsWith(plain.error_message(), "…"));
  FieldViolations v;
  for (int i = 0; i < 500; ++i) v.Add(absl::StrCat("ids[", i, "] ", echoed), echoed);
  grpc::Status rich = ToGrpcStatus(v.ToStatus());
  // Worst case on the wire: the message percent-encoded (3 bytes per byte),
  // the details in base64.
  EXPECT_LE(rich.error_message().size() * 3 + (rich.error_details().size() + 2) / 3 * 4, 8192u);
  std::optional<google::rpc::BadRequest> bad_request = Detail<google::rpc::BadRequest>(rich);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations_size(), 10);
  EXPECT_TRUE(absl::StartsWith(bad_request->field_violations(0).field(), "ids[0] xxx"));
}

TEST(TruncateUtf8Test, CutsAtACharacterBoundary) {
  EXPECT_EQ(TruncateUtf8("客户", 6), "客户");
  EXPECT_EQ(TruncateUtf8("客户", 5), "客…");  // never half a character
  EXPECT_EQ(TruncateUtf8("abc", 2), "ab…");
}

}  // namespace
}  // namespace crm
