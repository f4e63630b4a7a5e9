// Status conversion and the standard error details (google.rpc).
#include "common/base/status_util.h"

#include <grpcpp/support/status.h>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace crm {
namespace {
constexpr char kBadRequestType[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoType[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kRetryInfoType[] = "type.googleapis.com/google.rpc.RetryInfo";
// Not a standard detail: carries WithErrorInfo's subject to ToGrpcStatus.
constexpr char kSubjectType[] = "crm/error-subject";
constexpr char kDomain[] = "crm";
constexpr absl::Duration kDefaultRetryDelay = absl::Seconds(1);
}  // namespace

void FieldViolations::Add(std::string field, std::string description) {
  violations_.emplace_back(std::move(field), std::move(description));
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message;
  google::rpc::BadRequest detail;
  for (const auto& [field, description] : violations_) {
    if (!message.empty()) message.append("; ");
    absl::StrAppend(&message, field, ": ", description);
    auto* v = detail.add_field_violations();
    v->set_field(field);
    v->set_description(description);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestType, absl::Cord(detail.SerializeAsString()));
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> violations;
  google::rpc::BadRequest detail;
  auto payload = status.GetPayload(kBadRequestType);
  if (payload && detail.ParseFromString(std::string(*payload))) {
    for (const auto& v : detail.field_violations())
      violations.emplace_back(v.field(), v.description());
  }
  if (violations.empty()) violations.emplace_back("", std::string(status.message()));
  return violations;
}

std::string TruncateUtf8(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(text.substr(0, cut), "…");
}

absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           std::vector<std::pair<std::string, std::string>> metadata,
                           absl::string_view subject) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(kDomain);
  for (auto& [key, value] : metadata) (*info.mutable_metadata())[key] = std::move(value);
  status.SetPayload(kErrorInfoType, absl::Cord(info.SerializeAsString()));
  if (!subject.empty()) status.SetPayload(kSubjectType, absl::Cord(subject));
  return status;
}

absl::Status WithRetryDelay(absl::Status status, absl::Duration delay) {
  google::rpc::RetryInfo retry;
  const int64_t nanos = absl::ToInt64Nanoseconds(delay);
  retry.mutable_retry_delay()->set_seconds(nanos / 1'000'000'000);
  retry.mutable_retry_delay()->set_nanos(static_cast<int32_t>(nanos % 1'000'000'000));
  status.SetPayload(kRetryInfoType, absl::Cord(retry.SerializeAsString()));
  return status;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // A status travels in response metadata, which gRPC clients refuse past
  // 8–16 KiB by default: bounded here (under 8 KiB encoded, the message
  // percent-encoded and the details in base64), so a client always reads its
  // error whatever input a message echoes (a 100,000-character field name,
  // 500 bad ids).
  constexpr size_t kMaxMessageBytes = 768;  // up to 3× once percent-encoded
  constexpr size_t kMaxFieldBytes = 100;
  constexpr size_t kMaxDescriptionBytes = 160;
  constexpr int kMaxViolations = 10;
  auto code = static_cast<grpc::StatusCode>(status.code());
  const std::string message = TruncateUtf8(status.message(), kMaxMessageBytes);
  google::rpc::Status rich;
  rich.set_code(static_cast<int>(code));
  rich.set_message(message);
  auto add = [&rich](const char* type, const std::string& value) {
    auto* any = rich.add_details();
    any->set_type_url(type);
    any->set_value(value);
  };

  google::rpc::ErrorInfo info;
  if (auto given = status.GetPayload(kErrorInfoType)) info.ParseFromString(std::string(*given));
  if (info.reason().empty()) {
    info.set_reason(absl::StatusCodeToString(status.code()));
    info.set_domain(kDomain);
  }
  for (auto& [key, value] : *info.mutable_metadata()) value = TruncateUtf8(value, kMaxFieldBytes);
  add(kErrorInfoType, info.SerializeAsString());

  if (auto bad_request = status.GetPayload(kBadRequestType)) {
    google::rpc::BadRequest detail, bounded;
    detail.ParseFromString(std::string(*bad_request));
    for (const auto& v : detail.field_violations()) {
      if (bounded.field_violations_size() == kMaxViolations) break;
      auto* copy = bounded.add_field_violations();
      copy->set_field(TruncateUtf8(v.field(), kMaxFieldBytes));
      copy->set_description(TruncateUtf8(v.description(), kMaxDescriptionBytes));
    }
    add(kBadRequestType, bounded.SerializeAsString());
  }
  if (status.code() == absl::StatusCode::kFailedPrecondition) {
    google::rpc::PreconditionFailure failure;
    auto* violation = failure.add_violations();
    violation->set_type(info.reason());
    if (auto subject = status.GetPayload(kSubjectType)) {
      violation->set_subject(TruncateUtf8(std::string(*subject), kMaxFieldBytes));
    }
    violation->set_description(TruncateUtf8(message, kMaxDescriptionBytes));
    add("type.googleapis.com/google.rpc.PreconditionFailure", failure.SerializeAsString());
  }
  if (status.code() == absl::StatusCode::kResourceExhausted ||
      status.code() == absl::StatusCode::kUnavailable) {
    if (auto retry = status.GetPayload(kRetryInfoType)) {
      add(kRetryInfoType, std::string(*retry));
    } else {
      google::rpc::RetryInfo fallback;
      fallback.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(kDefaultRetryDelay));
      add(kRetryInfoType, fallback.SerializeAsString());
    }
  }
  return grpc::Status(code, message, rich.SerializeAsString());
}

}  // namespace crm
