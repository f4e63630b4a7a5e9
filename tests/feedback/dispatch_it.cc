// Dispatch against a real MariaDB: candidates by skill, region and free
// slot; no technician ever booked twice for one time, also under 20
// concurrent bookings; reschedules and cancellations kept as history.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/db/record_helpers.h"
#include "tests/feedback/feedback_fixture.h"

namespace crm::feedback {
namespace {

class DispatchTest : public FeedbackTest {
 protected:
  void SetUp() override {
    FeedbackTest::SetUp();
    MustSetTechnician(7, "east", {"plc", "hvac"});
    MustSetTechnician(8, "east", {"plc"});
    MustSetTechnician(11, "south", {"plc", "hvac"});
  }

  void MustSetTechnician(int64_t employee, const std::string& region,
                         const std::vector<std::string>& skills) {
    v1::SetTechnicianRequest request;
    request.mutable_technician()->set_employee_id(employee);
    request.mutable_technician()->set_region_code(region);
    for (const std::string& skill : skills) request.mutable_technician()->add_skills(skill);
    request.mutable_technician()->set_active(true);
    v1::Technician technician;
    const absl::Status status = dispatch_handlers_->SetTechnician(manager_, request, &technician);
    ASSERT_TRUE(status.ok()) << status;
  }

  static v1::TimeSlot SlotAt(absl::Time start, absl::Duration length) {
    v1::TimeSlot slot;
    SetTimestamp(start, slot.mutable_start_time());
    SetTimestamp(start + length, slot.mutable_end_time());
    return slot;
  }

  std::vector<int64_t> Available(absl::Time start, const std::string& region,
                                 const std::vector<std::string>& skills) {
    v1::FindAvailableTechniciansRequest request;
    *request.mutable_slot() = SlotAt(start, absl::Hours(2));
    request.set_region_code(region);
    for (const std::string& skill : skills) request.add_skills(skill);
    v1::FindAvailableTechniciansResponse response;
    const absl::Status status =
        dispatch_handlers_->FindAvailableTechnicians(agent_, request, &response);
    EXPECT_TRUE(status.ok()) << status;
    std::vector<int64_t> ids;
    for (const auto& t : response.technicians()) ids.push_back(t.employee_id());
    return ids;
  }

  absl::StatusOr<v1::Appointment> Book(const CallContext& call, int64_t technician,
                                       absl::Time start, absl::Duration length,
                                       const std::string& request_id = "") {
    v1::BookAppointmentRequest request;
    v1::Appointment& a = *request.mutable_appointment();
    a.set_technician_employee_id(technician);
    *a.mutable_slot() = SlotAt(start, length);
    a.set_place("上海市浦东新区张江路 1 号");
    a.add_skills("plc");
    a.set_customer_id(500);
    request.set_request_id(request_id);
    v1::Appointment booked;
    CRM_RETURN_IF_ERROR(dispatch_handlers_->BookAppointment(call, request, &booked));
    return booked;
  }
};

TEST_F(DispatchTest, CandidatesHaveEverySkillTheRegionAndAFreeSlot) {
  const absl::Time monday = At(2026, 10, 5, 9);
  EXPECT_EQ(Available(monday, "east", {"plc"}), (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(Available(monday, "east", {"plc", "hvac"}), std::vector<int64_t>{7});
  EXPECT_EQ(Available(monday, "south", {"hvac"}), std::vector<int64_t>{11});
  ASSERT_TRUE(Book(agent_, 7, monday + absl::Hours(1), absl::Hours(3)).ok());
  EXPECT_EQ(Available(monday, "east", {"plc"}), std::vector<int64_t>{8});
  // Back to back is free: slots are [start, end).
  EXPECT_EQ(Available(monday + absl::Hours(4), "east", {"plc"}), (std::vector<int64_t>{7, 8}));
  // A technician without the skill cannot be booked for it.
  v1::BookAppointmentRequest request;
  v1::Appointment& a = *request.mutable_appointment();
  a.set_technician_employee_id(8);
  *a.mutable_slot() = SlotAt(monday, absl::Hours(1));
  a.set_place("现场");
  a.add_skills("hvac");
  a.set_customer_id(500);
  v1::Appointment refused;
  EXPECT_EQ(dispatch_handlers_->BookAppointment(agent_, request, &refused).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(DispatchTest, OfTwentyConcurrentOverlappingBookingsExactlyOneWins) {
  const absl::Time start = At(2026, 10, 5, 9);
  std::atomic<int> won{0}, refused{0}, other{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 20; ++i) {
    callers.emplace_back([&, i] {
      // Each slot overlaps every other: an hour, starting a minute apart.
      const CallContext call = Caller(200 + i, Role::kService, 7, 2, "/1/2/");
      absl::StatusOr<v1::Appointment> booked =
          Book(call, 11, start + absl::Minutes(i), absl::Hours(1));
      if (booked.ok()) {
        ++won;
      } else if (booked.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++refused;
      } else {
        ++other;
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), 19);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM appointments WHERE technician_id = 11"), 1);
}

TEST_F(DispatchTest, RescheduleAndCancelKeepTheHistoryAndNeverDoubleBook) {
  const absl::Time monday = At(2026, 10, 5, 9);
  absl::StatusOr<v1::Appointment> first = Book(agent_, 7, monday, absl::Hours(2), "book-1");
  absl::StatusOr<v1::Appointment> retry = Book(agent_, 7, monday, absl::Hours(2), "book-1");
  absl::StatusOr<v1::Appointment> second = Book(agent_, 7, monday + absl::Hours(3), absl::Hours(2));
  ASSERT_TRUE(first.ok() && retry.ok() && second.ok()) << first.status() << retry.status();
  EXPECT_EQ(first->id(), retry->id());
  // Moving the second onto the first is refused, and changes nothing.
  v1::RescheduleAppointmentRequest move;
  move.set_id(second->id());
  *move.mutable_slot() = SlotAt(monday + absl::Hours(1), absl::Hours(2));
  move.set_reason("客户要求提前");
  v1::Appointment moved;
  EXPECT_EQ(dispatch_handlers_->RescheduleAppointment(agent_, move, &moved).code(),
            absl::StatusCode::kFailedPrecondition);
  // Cancel the first; now the move fits.
  v1::CancelAppointmentRequest cancel;
  cancel.set_id(first->id());
  cancel.set_reason("客户取消");
  v1::Appointment cancelled;
  ASSERT_TRUE(dispatch_handlers_->CancelAppointment(agent_, cancel, &cancelled).ok());
  EXPECT_EQ(cancelled.status(), v1::CANCELLED);
  ASSERT_TRUE(dispatch_handlers_->RescheduleAppointment(agent_, move, &moved).ok());
  EXPECT_EQ(FromTimestamp(moved.slot().start_time()), monday + absl::Hours(1));
  EXPECT_EQ(dispatch_handlers_->CancelAppointment(agent_, cancel, &cancelled).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::ListAppointmentHistoryRequest history;
  history.set_appointment_id(second->id());
  v1::ListAppointmentHistoryResponse changes;
  ASSERT_TRUE(dispatch_handlers_->ListAppointmentHistory(agent_, history, &changes).ok());
  ASSERT_EQ(changes.changes_size(), 2);
  EXPECT_EQ(changes.changes(0).kind(), v1::AppointmentChange::BOOKED);
  EXPECT_EQ(changes.changes(1).kind(), v1::AppointmentChange::RESCHEDULED);
  EXPECT_EQ(FromTimestamp(changes.changes(1).from_slot().start_time()), monday + absl::Hours(3));
  EXPECT_EQ(changes.changes(1).reason(), "客户要求提前");

  // The technician sees their appointments; someone elsewhere does not.
  v1::ListAppointmentsRequest list;
  SetTimestamp(monday - absl::Hours(9), list.mutable_from_time());
  SetTimestamp(monday + absl::Hours(15), list.mutable_to_time());
  v1::ListAppointmentsResponse listed;
  ASSERT_TRUE(dispatch_handlers_->ListAppointments(agent_, list, &listed).ok());
  EXPECT_EQ(listed.appointments_size(), 1);
  list.set_include_cancelled(true);
  ASSERT_TRUE(dispatch_handlers_->ListAppointments(agent_, list, &listed).ok());
  EXPECT_EQ(listed.appointments_size(), 1 + 2);
  v1::ListAppointmentsResponse theirs;
  ASSERT_TRUE(dispatch_handlers_->ListAppointments(elsewhere_, list, &theirs).ok());
  EXPECT_EQ(theirs.appointments_size(), 0);
}

TEST_F(DispatchTest, BadInputIsRefusedByFieldAndBooksNothing) {
  v1::BookAppointmentRequest request;
  v1::Appointment& a = *request.mutable_appointment();
  a.set_technician_employee_id(7);
  *a.mutable_slot() = SlotAt(At(2026, 10, 5, 9), absl::Hours(24 * 8));
  a.add_skills("PLC");
  a.set_customer_id(0);
  v1::Appointment booked;
  const absl::Status status = dispatch_handlers_->BookAppointment(agent_, request, &booked);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field :
       {"appointment.slot", "appointment.place", "appointment.skills", "appointment.customer_id"}) {
    EXPECT_NE(status.message().find(field), std::string::npos) << field << ": " << status;
  }
  // Not a technician.
  EXPECT_EQ(Book(agent_, 999, At(2026, 10, 5, 9), absl::Hours(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::SetTechnicianRequest technician;
  technician.mutable_technician()->set_employee_id(999);
  technician.mutable_technician()->set_region_code("east");
  technician.mutable_technician()->add_skills("plc");
  v1::Technician set;
  EXPECT_EQ(dispatch_handlers_->SetTechnician(manager_, technician, &set).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM appointments"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM technicians"), 3);
}

}  // namespace
}  // namespace crm::feedback
