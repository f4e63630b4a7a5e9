// SQL for opportunities (R12), their pipeline stages and their history, under
// row-level visibility (owned by the employee who made them). Every write of
// a tracked field (stage, amount, probability, expected close date, status)
// appends its history row in the same transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/opportunity.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::sales {

struct OpportunityFilter {
  int64_t customer_id = 0;
  v1::OpportunityStatus status = v1::OPPORTUNITY_STATUS_UNSPECIFIED;
  std::string stage_code;
  int64_t owner_employee_id = 0;
};

// One forecast group before rounding: the exact Σ amount × probability is
// kept in fen-percent (×100) so each row rounds once.
struct ForecastGroup {
  std::string key;
  int64_t count = 0;
  int64_t amount_fen = 0;
  int64_t weighted_fen_percent = 0;
};

class OpportunityRepository {
 public:
  // `zone`: the company's, for the day an opportunity is closed.
  OpportunityRepository(Database& db, absl::TimeZone zone) : db_(db), zone_(zone) {}

  absl::StatusOr<std::vector<v1::PipelineStage>> ListStages(const CallContext& call);
  absl::StatusOr<v1::PipelineStage> SetStage(const CallContext& call,
                                             const v1::PipelineStage& stage);

  // `opportunity` validated; its stage must exist and not be retired; the
  // probability is the stage's unless set (`probability_given`).
  absl::StatusOr<v1::Opportunity> Create(const CallContext& call,
                                         const v1::Opportunity& opportunity, bool probability_given,
                                         const std::string& request_id);
  absl::StatusOr<v1::Opportunity> Get(const CallContext& call, int64_t id);
  // Locks it (one the caller may change), checks `etag`, lets `edit` change
  // it (`stage` looks a stage up for the edit), writes it and its history.
  using StageLookup = std::function<std::optional<v1::PipelineStage>(const std::string& code)>;
  absl::StatusOr<v1::Opportunity> Update(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(v1::Opportunity&, const StageLookup& stage)>& edit);
  absl::StatusOr<Page<v1::Opportunity>> List(const CallContext& call,
                                             const OpportunityFilter& filter, int page_size,
                                             std::optional<int64_t> before_id);
  absl::StatusOr<Page<v1::OpportunityChange>> History(const CallContext& call,
                                                      int64_t opportunity_id, int page_size,
                                                      std::optional<int64_t> after_id);
  // Open ones whose last activity is before `quiet_since`, oldest first.
  absl::StatusOr<Page<v1::Opportunity>> ListStale(
      const CallContext& call, absl::Time quiet_since, int page_size,
      const std::optional<std::pair<std::string, int64_t>>& after);
  // Open ones closing from `first_day` to `last_day` (YYYY-MM-DD), grouped by
  // `group_by` (a column expression from a fixed set).
  absl::StatusOr<std::vector<ForecastGroup>> Forecast(const CallContext& call,
                                                      v1::GetForecastRequest::GroupBy group_by,
                                                      const std::string& first_day,
                                                      const std::string& last_day);

  absl::TimeZone zone() const { return zone_; }

 private:
  Database& db_;
  absl::TimeZone zone_;
};

// Inside another record's transaction (a contact record naming an
// opportunity): locks opportunity `id` if the caller may change it (else
// NOT_FOUND), and checks it belongs to `customer_id` (INVALID_ARGUMENT
// naming `field`) and is open (FAILED_PRECONDITION).
absl::Status LockOpenOpportunity(MySqlConnection& connection, const CallContext& call, int64_t id,
                                 int64_t customer_id, const std::string& field);
// Records a follow-up of opportunity `id` at `when` (it is no longer stale).
void TouchOpportunity(MySqlConnection& connection, int64_t id, absl::Time when);

}  // namespace crm::sales
