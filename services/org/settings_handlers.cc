// SettingsHandlers.
#include "services/org/settings_handlers.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "common/base/status_util.h"
#include "common/text/text_checks.h"
#include "services/org/settings_repository.h"

namespace crm::org {
namespace {

constexpr size_t kMaxKeyChars = 100;
constexpr size_t kMaxStringChars = 2000;
constexpr size_t kMaxDescriptionChars = 500;
constexpr size_t kMaxDecimalIntegerDigits = 18;
constexpr size_t kMaxDecimalFractionDigits = 6;

// [a-z0-9_.]{1,100}: keys are identifiers in code and configuration, so one
// spelling per key.
void CheckKey(FieldViolations& v, const char* field, const std::string& key) {
  if (key.empty()) {
    v.Add(field, "is required");
    return;
  }
  if (key.size() > kMaxKeyChars) {
    v.Add(field, "must be at most 100 characters");
    return;
  }
  for (char c : key) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_' && c != '.') {
      v.Add(field, "must hold only a-z, 0-9, '_' and '.'");
      return;
    }
  }
}

bool AllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// -?digits, fitting an int64. Stricter than SimpleAtoi, which also takes '+'
// and surrounding spaces.
bool IsInteger(absl::string_view text) {
  absl::string_view digits = text;
  if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
  int64_t ignored = 0;
  return !digits.empty() && AllDigits(digits) && absl::SimpleAtoi(text, &ignored);
}

// -?D{1,18}(.D{1,6})?: fits a DECIMAL(24,6) exactly, so readers convert without rounding.
bool IsDecimal(absl::string_view text) {
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  absl::string_view integer = text, fraction;
  if (size_t point = text.find('.'); point != absl::string_view::npos) {
    integer = text.substr(0, point);
    fraction = text.substr(point + 1);
    if (fraction.empty() || fraction.size() > kMaxDecimalFractionDigits || !AllDigits(fraction)) {
      return false;
    }
  }
  return !integer.empty() && integer.size() <= kMaxDecimalIntegerDigits && AllDigits(integer);
}

// The stored value must parse as its type, so readers never meet a bad one.
absl::Status CheckValue(const v1::SystemParameter& p) {
  const std::string& value = p.value();
  constexpr char kField[] = "parameter.value";
  switch (p.type()) {
    case v1::PARAMETER_TYPE_STRING: {
      FieldViolations v;
      CheckText(v, kField, value, kMaxStringChars, Presence::kOptional, /*multiline=*/true);
      return v.ToStatus();
    }
    case v1::PARAMETER_TYPE_INTEGER:
      if (!IsInteger(value)) return InvalidField(kField, "must be a 64-bit integer, e.g. -12");
      return absl::OkStatus();
    case v1::PARAMETER_TYPE_BOOLEAN:
      if (value != "true" && value != "false") {
        return InvalidField(kField, "must be exactly 'true' or 'false'");
      }
      return absl::OkStatus();
    case v1::PARAMETER_TYPE_DECIMAL:
      if (!IsDecimal(value)) {
        return InvalidField(kField,
                            "must be a decimal with at most 18 digits before and 6 after the "
                            "point, e.g. 12.50");
      }
      return absl::OkStatus();
    default:
      return InvalidField("parameter.type", "is not a parameter type");
  }
}

}  // namespace

absl::Status SettingsHandlers::GetSystemParameter(const CallContext& call,
                                                  const v1::GetSystemParameterRequest& request,
                                                  v1::SystemParameter* response) {
  FieldViolations v;
  CheckKey(v, "key", request.key());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.Get(call, request.key()));
  return absl::OkStatus();
}

absl::Status SettingsHandlers::ListSystemParameters(const CallContext& call,
                                                    const v1::ListSystemParametersRequest&,
                                                    v1::ListSystemParametersResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::SystemParameter> parameters, repository_.List(call));
  for (v1::SystemParameter& p : parameters) *response->add_parameters() = std::move(p);
  return absl::OkStatus();
}

absl::Status SettingsHandlers::SetSystemParameter(const CallContext& call,
                                                  const v1::SetSystemParameterRequest& request,
                                                  v1::SystemParameter* response) {
  const v1::SystemParameter& wanted = request.parameter();
  FieldViolations v;
  CheckKey(v, "parameter.key", wanted.key());
  if (!v1::ParameterType_IsValid(wanted.type())) {
    v.Add("parameter.type", "is not a parameter type");
  }
  CheckText(v, "parameter.description", wanted.description(), kMaxDescriptionChars,
            Presence::kOptional, /*multiline=*/true);
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  // The value is checked in the transaction, against the type the parameter
  // will have: an update may omit the type, and a type change is refused first.
  CRM_ASSIGN_OR_RETURN(*response, repository_.Set(call, wanted, &CheckValue, request.request_id()));
  return absl::OkStatus();
}

}  // namespace crm::org
