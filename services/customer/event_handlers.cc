// EventHandlers.
#include "services/customer/event_handlers.h"

#include <google/protobuf/timestamp.pb.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/rpc/paging.h"
#include "common/text/text_checks.h"
#include "services/customer/customer_validation.h"
#include "services/customer/reference_handlers.h"

namespace crm::customer {
namespace {

// Within what a DATETIME column holds (years 1000 to 9999).
bool IsStorableTime(const google::protobuf::Timestamp& t) {
  static const int64_t kMin =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(1000, 1, 1), absl::UTCTimeZone()));
  static const int64_t kMax = absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone()));
  return t.seconds() >= kMin && t.seconds() <= kMax && t.nanos() >= 0 && t.nanos() <= 999999999;
}

v1::CustomerEvent PrepareEvent(const v1::CustomerEvent& in, const CallContext& call) {
  v1::CustomerEvent event;
  event.set_customer_id(in.customer_id());
  event.set_type_code(TrimText(in.type_code()));
  if (in.has_occur_time()) *event.mutable_occur_time() = in.occur_time();
  event.set_title(TrimText(in.title()));
  event.set_description(TrimText(in.description()));
  event.set_contact_id(in.contact_id());
  event.set_recorded_by(call.caller.employee_id);
  return event;  // id and create_time are output only
}

absl::Status ValidateEvent(const v1::CustomerEvent& e) {
  FieldViolations v;
  if (e.customer_id() <= 0) v.Add("event.customer_id", "must be a positive customer id");
  if (e.type_code().empty()) {
    v.Add("event.type_code", "is required");
  } else if (!IsReferenceCode(e.type_code())) {
    v.Add("event.type_code", "must be an event type code (see ListDictionaryEntries)");
  }
  if (!e.has_occur_time()) {
    v.Add("event.occur_time", "is required");
  } else if (!IsStorableTime(e.occur_time())) {
    v.Add("event.occur_time", "must be a time between the years 1000 and 9999");
  }
  CheckText(v, "event.title", e.title(), 200, Presence::kRequired);
  CheckText(v, "event.description", e.description(), 4000, Presence::kOptional,
            /*multiline=*/true);
  if (e.contact_id() < 0) v.Add("event.contact_id", "must be a contact id");
  return v.ToStatus();
}

}  // namespace

absl::Status EventHandlers::CreateCustomerEvent(const CallContext& call,
                                                const v1::CreateCustomerEventRequest& request,
                                                v1::CustomerEvent* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_event()) return InvalidField("event", "is required");
  const v1::CustomerEvent event = PrepareEvent(request.event(), call);
  CRM_RETURN_IF_ERROR(ValidateEvent(event));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Create(call, event, request.request_id()));
  return absl::OkStatus();
}

absl::Status EventHandlers::DeleteCustomerEvent(const CallContext& call,
                                                const v1::DeleteCustomerEventRequest& request,
                                                google::protobuf::Empty*) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive event id");
  return repository_.Delete(call, request.id());
}

absl::Status EventHandlers::ListCustomerEvents(const CallContext& call,
                                               const v1::ListCustomerEventsRequest& request,
                                               v1::ListCustomerEventsResponse* response) {
  FieldViolations v;
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  if (request.customer_id() < 0) v.Add("customer_id", "must be a positive customer id");
  if (!request.type_code().empty() && !IsReferenceCode(request.type_code())) {
    v.Add("type_code", "must be an event type code");
  }
  if (request.has_occur_after() && !IsStorableTime(request.occur_after())) {
    v.Add("occur_after", "must be a time between the years 1000 and 9999");
  }
  if (request.has_occur_before() && !IsStorableTime(request.occur_before())) {
    v.Add("occur_before", "must be a time between the years 1000 and 9999");
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  EventFilter filter;
  filter.customer_id = request.customer_id();
  filter.type_code = request.type_code();
  if (request.has_occur_after()) filter.occur_after = FromTimestamp(request.occur_after());
  if (request.has_occur_before()) filter.occur_before = FromTimestamp(request.occur_before());
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "customer_events"));
  CRM_ASSIGN_OR_RETURN(auto position, (page.After<std::string, int64_t>()));
  std::optional<EventPosition> after;
  if (position) {
    if (!ParseSqlDateTime(std::get<0>(*position)).ok()) {
      return InvalidField("page_token", "is malformed");
    }
    after = EventPosition{std::get<0>(*position), std::get<1>(*position)};
  }
  CRM_ASSIGN_OR_RETURN(EventPage listed, repository_.List(call, filter, page.size(), after));
  for (v1::CustomerEvent& e : listed.rows) *response->add_events() = std::move(e);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const v1::CustomerEvent& last = response->events(response->events_size() - 1);
    response->set_next_page_token(
        page.NextToken(true, {EventTimeKey(last), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
