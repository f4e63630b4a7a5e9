// DispatchHandlers: the field rules of technicians and appointments.
#include "services/feedback/dispatch_handlers.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/text/text_checks.h"

namespace crm::feedback {
namespace {

constexpr absl::Duration kLongestSlot = absl::Hours(24 * 7);
constexpr absl::Duration kLongestList = absl::Hours(24 * 92);

// [a-z0-9_], 1..32 characters: region and skill codes.
bool IsCode(const std::string& code) {
  if (code.empty() || code.size() > 32) return false;
  for (char ch : code) {
    if (!absl::ascii_islower(ch) && !absl::ascii_isdigit(ch) && ch != '_') return false;
  }
  return true;
}

void CheckSkills(FieldViolations& v, const std::string& field,
                 const google::protobuf::RepeatedPtrField<std::string>& skills, int max) {
  if (skills.size() > max) {
    v.Add(field, absl::StrCat("must be at most ", max, " skills"));
    return;
  }
  std::set<std::string> seen;
  for (const std::string& skill : skills) {
    if (!IsCode(skill)) {
      v.Add(field, "each must be a code of 1 to 32 characters [a-z0-9_]");
      return;
    }
    if (!seen.insert(skill).second) {
      v.Add(field, absl::StrCat("names '", skill, "' twice"));
      return;
    }
  }
}

// A slot of positive length, at most seven days, with times a database holds.
void CheckSlot(FieldViolations& v, const std::string& field, const v1::TimeSlot& slot,
               absl::Duration longest) {
  const absl::Time start = FromTimestamp(slot.start_time());
  const absl::Time end = FromTimestamp(slot.end_time());
  const absl::Time earliest = absl::FromCivil(absl::CivilDay(2000, 1, 1), absl::UTCTimeZone());
  const absl::Time latest = absl::FromCivil(absl::CivilDay(2100, 1, 1), absl::UTCTimeZone());
  if (!slot.has_start_time() || !slot.has_end_time() || start < earliest || end > latest) {
    v.Add(field, "must have a start and an end from 2000 to 2100");
  } else if (end <= start || end - start > longest) {
    v.Add(field, absl::StrCat("must end after it starts, within ", absl::ToInt64Hours(longest) / 24,
                              " days"));
  }
}

Slot SlotOf(const v1::TimeSlot& slot) {
  return {FromTimestamp(slot.start_time()), FromTimestamp(slot.end_time())};
}

absl::Status CheckAppointmentId(int64_t id, const char* field = "id") {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive appointment id");
}

}  // namespace

absl::Status DispatchHandlers::SetTechnician(const CallContext& call,
                                             const v1::SetTechnicianRequest& request,
                                             v1::Technician* response) {
  const v1::Technician& t = request.technician();
  FieldViolations v;
  if (t.employee_id() <= 0) v.Add("technician.employee_id", "must be a positive employee id");
  if (!IsCode(t.region_code())) {
    v.Add("technician.region_code", "must be a code of 1 to 32 characters [a-z0-9_]");
  }
  if (t.skills().empty()) v.Add("technician.skills", "must name at least one skill");
  CheckSkills(v, "technician.skills", t.skills(), 20);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  absl::StatusOr<Owner> employee = find_employee_(call, t.employee_id());
  if (absl::IsNotFound(employee.status())) {
    return InvalidField("technician.employee_id", absl::StrCat("no employee ", t.employee_id()));
  }
  if (!employee.ok()) return employee.status();
  CRM_ASSIGN_OR_RETURN(*response, dispatch_.SetTechnician(call, t));
  return absl::OkStatus();
}

absl::Status DispatchHandlers::ListTechnicians(const CallContext& call,
                                               const v1::ListTechniciansRequest& request,
                                               v1::ListTechniciansResponse* response) {
  if (!request.region_code().empty() && !IsCode(request.region_code())) {
    return InvalidField("region_code", "must be a code [a-z0-9_], or empty for all");
  }
  CRM_ASSIGN_OR_RETURN(std::vector<v1::Technician> technicians,
                       dispatch_.ListTechnicians(call, request.region_code()));
  for (v1::Technician& t : technicians) *response->add_technicians() = std::move(t);
  return absl::OkStatus();
}

absl::Status DispatchHandlers::FindAvailableTechnicians(
    const CallContext& call, const v1::FindAvailableTechniciansRequest& request,
    v1::FindAvailableTechniciansResponse* response) {
  FieldViolations v;
  CheckSlot(v, "slot", request.slot(), kLongestSlot);
  if (!IsCode(request.region_code())) {
    v.Add("region_code", "must be a code of 1 to 32 characters [a-z0-9_]");
  }
  CheckSkills(v, "skills", request.skills(), 10);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  const std::vector<std::string> skills(request.skills().begin(), request.skills().end());
  CRM_ASSIGN_OR_RETURN(
      std::vector<v1::Technician> technicians,
      dispatch_.FindAvailable(call, SlotOf(request.slot()), request.region_code(), skills));
  for (v1::Technician& t : technicians) *response->add_technicians() = std::move(t);
  return absl::OkStatus();
}

absl::Status DispatchHandlers::BookAppointment(const CallContext& call,
                                               const v1::BookAppointmentRequest& request,
                                               v1::Appointment* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const v1::Appointment& a = request.appointment();
  FieldViolations v;
  if (a.technician_employee_id() <= 0) {
    v.Add("appointment.technician_employee_id", "must be a positive employee id");
  }
  CheckSlot(v, "appointment.slot", a.slot(), kLongestSlot);
  CheckText(v, "appointment.place", a.place(), 300, Presence::kRequired);
  CheckSkills(v, "appointment.skills", a.skills(), 10);
  if (a.customer_id() <= 0) v.Add("appointment.customer_id", "must be a positive customer id");
  if (a.service_request_id() < 0) {
    v.Add("appointment.service_request_id", "must be a service request id, or 0 for none");
  }
  CheckText(v, "appointment.note", a.note(), 1000, Presence::kOptional, /*multiline=*/true);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_RETURN_IF_ERROR(check_customer_(call, a.customer_id(), 0));
  v1::Appointment booked;  // only what a caller may set
  booked.set_technician_employee_id(a.technician_employee_id());
  *booked.mutable_slot() = a.slot();
  booked.set_place(a.place());
  *booked.mutable_skills() = a.skills();
  booked.set_customer_id(a.customer_id());
  booked.set_service_request_id(a.service_request_id());
  booked.set_note(a.note());
  CRM_ASSIGN_OR_RETURN(*response, dispatch_.Book(call, booked, request.request_id()));
  return absl::OkStatus();
}

absl::Status DispatchHandlers::GetAppointment(const CallContext& call,
                                              const v1::GetAppointmentRequest& request,
                                              v1::Appointment* response) {
  CRM_RETURN_IF_ERROR(CheckAppointmentId(request.id()));
  CRM_ASSIGN_OR_RETURN(*response, dispatch_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status DispatchHandlers::RescheduleAppointment(
    const CallContext& call, const v1::RescheduleAppointmentRequest& request,
    v1::Appointment* response) {
  FieldViolations v;
  if (request.id() <= 0) v.Add("id", "must be a positive appointment id");
  CheckSlot(v, "slot", request.slot(), kLongestSlot);
  CheckText(v, "reason", request.reason(), 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, dispatch_.Reschedule(call, request.id(), request.etag(),
                                                       SlotOf(request.slot()), request.reason()));
  return absl::OkStatus();
}

absl::Status DispatchHandlers::CancelAppointment(const CallContext& call,
                                                 const v1::CancelAppointmentRequest& request,
                                                 v1::Appointment* response) {
  FieldViolations v;
  if (request.id() <= 0) v.Add("id", "must be a positive appointment id");
  CheckText(v, "reason", request.reason(), 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response,
                       dispatch_.Cancel(call, request.id(), request.etag(), request.reason()));
  return absl::OkStatus();
}

absl::Status DispatchHandlers::ListAppointments(const CallContext& call,
                                                const v1::ListAppointmentsRequest& request,
                                                v1::ListAppointmentsResponse* response) {
  FieldViolations v;
  if (request.technician_employee_id() < 0) {
    v.Add("technician_employee_id", "must be an employee id, or 0 for any");
  }
  v1::TimeSlot window;
  *window.mutable_start_time() = request.from_time();
  *window.mutable_end_time() = request.to_time();
  CheckSlot(v, "to_time", window, kLongestList);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(std::vector<v1::Appointment> appointments,
                       dispatch_.List(call, request.technician_employee_id(), SlotOf(window),
                                      request.include_cancelled()));
  for (v1::Appointment& a : appointments) *response->add_appointments() = std::move(a);
  return absl::OkStatus();
}

absl::Status DispatchHandlers::ListAppointmentHistory(
    const CallContext& call, const v1::ListAppointmentHistoryRequest& request,
    v1::ListAppointmentHistoryResponse* response) {
  CRM_RETURN_IF_ERROR(CheckAppointmentId(request.appointment_id(), "appointment_id"));
  CRM_ASSIGN_OR_RETURN(std::vector<v1::AppointmentChange> changes,
                       dispatch_.History(call, request.appointment_id()));
  for (v1::AppointmentChange& c : changes) *response->add_changes() = std::move(c);
  return absl::OkStatus();
}

}  // namespace crm::feedback
