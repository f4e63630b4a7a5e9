// PoolRecycleHandlers and PoolRecycleScheduler.
#include "services/customer/pool_recycle_handlers.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/logging.h"
#include "common/base/status_util.h"
#include "common/rpc/paging.h"

namespace crm::customer {

absl::Status PoolRecycleHandlers::RunPoolRecycle(const CallContext& call,
                                                 const v1::RunPoolRecycleRequest& request,
                                                 v1::RunPoolRecycleResponse* response) {
  const absl::CivilDay today = absl::ToCivilDay(call.Now(), recycler_.zone());
  absl::CivilDay day = request.dry_run() ? today + 1 : today;
  if (!request.as_of_date().empty()) {
    absl::StatusOr<absl::CivilDay> parsed = ParseIsoDate(request.as_of_date());
    if (!request.dry_run()) {
      return InvalidField("as_of_date", "is for dry runs: a run sends back who is due today");
    }
    if (!parsed.ok()) return InvalidField("as_of_date", "must be a date, YYYY-MM-DD");
    if (*parsed < today) return InvalidField("as_of_date", "must be today or later");
    day = *parsed;
  }
  if (!request.dry_run()) return StartRun(call, day, response);
  absl::StatusOr<RecycleRun> run = recycler_.DryRun(call, day);
  if (!run.ok()) return run.status();
  response->set_run_id(run->run_id);
  response->set_as_of_date(FormatIsoDate(day));
  response->set_total(run->total);
  for (v1::PoolRecycle& r : run->listed) *response->add_recycles() = std::move(r);
  return absl::OkStatus();
}

PoolRecycleHandlers::~PoolRecycleHandlers() {
  stopping_ = true;
  if (runner_.joinable()) runner_.join();
}

absl::Status PoolRecycleHandlers::StartRun(const CallContext& call, absl::CivilDay day,
                                           v1::RunPoolRecycleResponse* response) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_) {
      return absl::FailedPreconditionError(
          absl::StrCat("run ", running_id_, " is still going: see GetPoolRecycleRun"));
    }
    running_ = true;
  }
  absl::StatusOr<int64_t> run_id = recycler_.StartOnDemand(call);
  if (!run_id.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
    return run_id.status();
  }
  if (runner_.joinable()) runner_.join();  // the previous run, already ended
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_id_ = *run_id;
  }
  CallContext background = call;  // the caller's identity and the service's clock
  background.deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
  runner_ = std::thread([this, background, id = *run_id, day] {
    absl::StatusOr<RecycleRun> run =
        recycler_.RunAs(background, id, day, [this] { return stopping_.load(); });
    if (run.ok()) {
      log::Info("a pool recycle on demand ran",
                {{"run_id", absl::StrCat(id)}, {"recycled", absl::StrCat(run->total)}});
    } else {
      log::Warn("a pool recycle on demand failed",
                {{"run_id", absl::StrCat(id)}, {"error", run.status().message()}});
    }
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  });
  response->set_run_id(*run_id);
  response->set_as_of_date(FormatIsoDate(day));
  response->set_running(true);
  return absl::OkStatus();
}

absl::Status PoolRecycleHandlers::GetPoolRecycleRun(const CallContext& call,
                                                    const v1::GetPoolRecycleRunRequest& request,
                                                    v1::PoolRecycleRun* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive run id");
  CRM_ASSIGN_OR_RETURN(*response, recycler_.GetRun(call, request.id()));
  return absl::OkStatus();
}

absl::Status PoolRecycleHandlers::ListPoolRecycles(const CallContext& call,
                                                   const v1::ListPoolRecyclesRequest& request,
                                                   v1::ListPoolRecyclesResponse* response) {
  FieldViolations v;
  if (request.run_id() < 0) v.Add("run_id", "must be a run id, or 0 for every run");
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "pool_recycles", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto before, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<v1::PoolRecycle> listed,
      recycler_.List(call, request.run_id(), request.customer_id(), page.size(),
                     before ? std::optional<int64_t>(std::get<0>(*before)) : std::nullopt));
  for (v1::PoolRecycle& r : listed.rows) *response->add_recycles() = std::move(r);
  if (listed.has_more) {
    const v1::PoolRecycle& last = response->recycles(response->recycles_size() - 1);
    response->set_next_page_token(page.NextToken(true, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status PoolRecycleHandlers::UndoPoolRecycle(const CallContext& call,
                                                  const v1::UndoPoolRecycleRequest& request,
                                                  v1::PoolRecycle* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive pool recycle id");
  CRM_ASSIGN_OR_RETURN(const int64_t owner_id, recycler_.OwnerOf(call, request.id()));
  absl::StatusOr<org::v1::Employee> owner = org_.GetEmployee(call, owner_id);
  if (owner.status().code() == absl::StatusCode::kNotFound ||
      (owner.ok() && owner->status() != org::v1::EMPLOYEE_STATUS_ACTIVE)) {
    return absl::FailedPreconditionError(
        absl::StrCat("employee ", owner_id, ", who had the customer, is no longer active"));
  }
  if (!owner.ok()) return owner.status();
  CRM_ASSIGN_OR_RETURN(*response, recycler_.Undo(call, request.id(),
                                                 Owner{owner->id(), owner->department_id(),
                                                       owner->department_path()}));
  return absl::OkStatus();
}

absl::Status PoolRecycleHandlers::ListMyPoolWarnings(const CallContext& call,
                                                     const v1::ListMyPoolWarningsRequest&,
                                                     v1::ListMyPoolWarningsResponse* response) {
  if (call.caller.employee_id == 0) return absl::OkStatus();  // owns no customers
  CRM_ASSIGN_OR_RETURN(std::vector<v1::PoolWarning> warnings,
                       recycler_.Warnings(call, call.caller.employee_id));
  for (v1::PoolWarning& w : warnings) *response->add_warnings() = std::move(w);
  return absl::OkStatus();
}

void PoolRecycleScheduler::Start() {
  thread_.Start(
      interval_, [this] { Tick(); }, /*first_at_once=*/true);
}

void PoolRecycleScheduler::Tick() {
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = absl::ToCivilDay(now, recycler_.zone());
  if (now < absl::FromCivil(today, recycler_.zone()) + time_of_day_) return;
  CallContext call;
  call.clock = &clock_;
  call.actor = "system:pool-recycle";
  call.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(30);
  absl::StatusOr<RecycleRun> run =
      recycler_.Run(call, today, /*scheduled=*/true, [this] { return thread_.stopping(); });
  if (!run.ok()) {
    log::Warn("the pool recycle failed; the next check tries again",
              {{"day", FormatIsoDate(today)}, {"error", run.status().message()}});
  } else if (run->run_id != 0) {
    log::Info("the pool recycle ran", {{"day", FormatIsoDate(today)},
                                       {"run_id", absl::StrCat(run->run_id)},
                                       {"recycled", absl::StrCat(run->total)}});
  }
}

}  // namespace crm::customer
