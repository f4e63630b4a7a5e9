// SQL for dispatch (R21): technicians, their skills, appointments and the
// appointments' history. Bookings of one technician are serialised by a
// lock on the technician's row, so overlapping slots can never both be
// booked. An appointment is seen by whoever may see what its booker owns,
// and by its technician.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/dispatch.pb.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::feedback {

struct Slot {
  absl::Time start, end;
};

class DispatchRepository {
 public:
  explicit DispatchRepository(Database& db) : db_(db) {}

  // `technician` validated (an active employee); replaces its skills.
  absl::StatusOr<v1::Technician> SetTechnician(const CallContext& call,
                                               const v1::Technician& technician);
  absl::StatusOr<std::vector<v1::Technician>> ListTechnicians(const CallContext& call,
                                                              const std::string& region_code);
  // Active technicians of `region_code` with every skill of `skills`, free in `slot`.
  absl::StatusOr<std::vector<v1::Technician>> FindAvailable(const CallContext& call,
                                                            const Slot& slot,
                                                            const std::string& region_code,
                                                            const std::vector<std::string>& skills);
  // `appointment` validated and its customer checked.
  absl::StatusOr<v1::Appointment> Book(const CallContext& call, const v1::Appointment& appointment,
                                       const std::string& request_id);
  absl::StatusOr<v1::Appointment> Get(const CallContext& call, int64_t id);
  absl::StatusOr<v1::Appointment> Reschedule(const CallContext& call, int64_t id,
                                             const std::string& etag, const Slot& slot,
                                             const std::string& reason);
  absl::StatusOr<v1::Appointment> Cancel(const CallContext& call, int64_t id,
                                         const std::string& etag, const std::string& reason);
  absl::StatusOr<std::vector<v1::Appointment>> List(const CallContext& call, int64_t technician_id,
                                                    const Slot& window, bool include_cancelled);
  absl::StatusOr<std::vector<v1::AppointmentChange>> History(const CallContext& call, int64_t id);

 private:
  Database& db_;
};

}  // namespace crm::feedback
