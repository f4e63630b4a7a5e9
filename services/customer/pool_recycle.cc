// PoolRecycler: the recycle's SQL over customers (their two clocks, see
// V0014), pool_rules, pool_recycle_runs and pool_recycles.
#include "services/customer/pool_recycle.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "services/customer/customer_access.h"
#include "services/customer/pool_repository.h"
#include "services/customer/pool_rules.h"

namespace crm::customer {
namespace {

using v1::PoolRecycle;

// Customers per transaction: short row locks, so claims never wait long.
constexpr int kBatchRows = 200;
constexpr int kMaxWarnings = 500;

struct RecycleRule {
  int no_follow_up_days = 0;
  int no_win_days = 0;
  int warning_days = 0;
};

// The recycle days of each level; a level without a rule row of its own
// takes the default row's ("").
struct RecycleRules {
  std::map<std::string, RecycleRule> by_level;

  const RecycleRule& For(const std::string& level) const {
    static const RecycleRule kNone;
    auto own = by_level.find(level);
    if (own != by_level.end()) return own->second;
    auto fallback = by_level.find("");
    return fallback != by_level.end() ? fallback->second : kNone;
  }
  // The fewest days any rule has for `days` (0: no rule uses it).
  int Fewest(int RecycleRule::*days) const {
    int fewest = 0;
    for (const auto& [level, rule] : by_level) {
      const int d = rule.*days;
      if (d > 0 && (fewest == 0 || d < fewest)) fewest = d;
    }
    return fewest;
  }
};

RecycleRules LoadRecycleRules(MySqlConnection& c) {
  std::unique_ptr<sql::ResultSet> rs(
      c.Prepare("SELECT level_code, recycle_no_follow_up_days, recycle_no_win_days,"
                " recycle_warning_days FROM pool_rules")
          .executeQuery());
  RecycleRules rules;
  while (rs->next()) {
    rules.by_level[rs->getString(1)] = {rs->getInt(2), rs->getInt(3), rs->getInt(4)};
  }
  return rules;
}

// An owned customer as the rules see it.
struct Holding {
  int64_t id = 0;
  std::string name;
  int64_t owner_id = 0;
  std::string level;
  std::optional<absl::Time> follow_up_clock, won_clock;
};

constexpr char kHoldingSelect[] =
    "SELECT id, name, owner_id, level_code, follow_up_clock, won_clock FROM customers";

std::optional<absl::Time> OptionalTime(sql::ResultSet& rs, int column) {
  if (rs.isNull(column)) return std::nullopt;
  absl::StatusOr<absl::Time> t = ParseSqlDateTime(rs.getString(column));
  return t.ok() ? std::optional<absl::Time>(*t) : std::nullopt;
}

Holding ReadHolding(sql::ResultSet& rs) {
  return {rs.getInt64(1),  rs.getString(2),     rs.getInt64(3),
          rs.getString(4), OptionalTime(rs, 5), OptionalTime(rs, 6)};
}

// Why a holding goes back, and when its days started.
struct Due {
  v1::RecycleReason reason = v1::RECYCLE_REASON_UNSPECIFIED;
  int rule_days = 0;
  absl::Time last_event;
  absl::CivilDay recycle_day;  // the first day it is due
};

// The soonest of the holding's two deadlines (none without a rule).
std::optional<Due> Deadline(const RecycleRule& rule, const Holding& h, absl::TimeZone zone) {
  std::optional<Due> soonest;
  auto consider = [&](v1::RecycleReason reason, int days, const std::optional<absl::Time>& clock) {
    if (days <= 0 || !clock) return;
    // Last event on day D: back on day D + days + 1.
    const absl::CivilDay day = absl::ToCivilDay(*clock, zone) + days + 1;
    if (!soonest || day < soonest->recycle_day) soonest = Due{reason, days, *clock, day};
  };
  consider(v1::NO_FOLLOW_UP, rule.no_follow_up_days, h.follow_up_clock);
  consider(v1::NO_WIN, rule.no_win_days, h.won_clock);
  return soonest;
}

std::optional<Due> DueOn(const RecycleRules& rules, const Holding& h, absl::CivilDay day,
                         absl::TimeZone zone) {
  std::optional<Due> due = Deadline(rules.For(h.level), h, zone);
  if (!due || due->recycle_day > day) return std::nullopt;
  return due;
}

PoolRecycle Describe(const Holding& h, const Due& due, absl::CivilDay day) {
  PoolRecycle r;
  r.set_customer_id(h.id);
  r.set_customer_name(h.name);
  r.set_owner_employee_id(h.owner_id);
  r.set_level_code(h.level);
  r.set_reason(due.reason);
  r.set_rule_days(due.rule_days);
  SetTimestamp(due.last_event, r.mutable_last_event_time());
  r.set_recycle_date(FormatIsoDate(day));
  return r;
}

// Everyone due on `day`, by customer id. Each clock's index gives the rows
// whose time may be up under the rule with the fewest days; each row's own
// level rule then decides.
std::vector<std::pair<Holding, Due>> DueHoldings(MySqlConnection& c, const RecycleRules& rules,
                                                 absl::CivilDay day, absl::TimeZone zone) {
  std::map<int64_t, Holding> seen;
  for (auto [column, days] : {std::pair<const char*, int RecycleRule::*>{
                                  "follow_up_clock", &RecycleRule::no_follow_up_days},
                              {"won_clock", &RecycleRule::no_win_days}}) {
    const int fewest = rules.Fewest(days);
    if (fewest == 0) continue;
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat(kHoldingSelect, " WHERE ", column, " < ?"));
    stmt.setDateTime(1, FormatSqlDateTime(absl::FromCivil(day - fewest, zone)));
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      Holding h = ReadHolding(*rs);
      seen.emplace(h.id, std::move(h));
    }
  }
  std::vector<std::pair<Holding, Due>> due;
  for (auto& [id, holding] : seen) {
    if (std::optional<Due> d = DueOn(rules, holding, day, zone)) {
      due.emplace_back(std::move(holding), *d);
    }
  }
  return due;
}

// The run row: the day's own (created once, taken up again while
// unfinished) or a new one. Returns its id, or 0 when the day's run is done.
int64_t StartRun(MySqlConnection& c, const CallContext& call, absl::CivilDay day, bool scheduled) {
  const std::string now = FormatSqlDateTime(call.Now());
  if (!scheduled) {
    sql::PreparedStatement& insert =
        c.Prepare("INSERT INTO pool_recycle_runs (run_day, started_at, actor) VALUES (NULL, ?, ?)");
    insert.setDateTime(1, now);
    insert.setString(2, call.actor);
    insert.executeUpdate();
    return c.LastInsertId();
  }
  sql::PreparedStatement& insert = c.Prepare(
      "INSERT IGNORE INTO pool_recycle_runs (run_day, started_at, actor) VALUES (?, ?, ?)");
  insert.setString(1, FormatIsoDate(day));
  insert.setDateTime(2, now);
  insert.setString(3, call.actor);
  insert.executeUpdate();
  sql::PreparedStatement& select =
      c.Prepare("SELECT id, finished_at IS NOT NULL FROM pool_recycle_runs WHERE run_day = ?");
  select.setString(1, FormatIsoDate(day));
  std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
  if (!rs->next() || rs->getBoolean(2)) return 0;
  return rs->getInt64(1);
}

void InsertRecycle(MySqlConnection& c, int64_t run_id, const Holding& h, const Due& due,
                   absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO pool_recycles (run_id, customer_id, owner_id, level_code, reason, rule_days,"
      " last_event_at, recycled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, run_id);
  stmt.setInt64(2, h.id);
  stmt.setInt64(3, h.owner_id);
  stmt.setString(4, h.level);
  stmt.setInt(5, due.reason);
  stmt.setInt(6, due.rule_days);
  stmt.setDateTime(7, FormatSqlDateTime(due.last_event));
  stmt.setDateTime(8, FormatSqlDateTime(now));
  stmt.executeUpdate();
}

// One batch: the rows locked, each re-checked (a follow-up or a move since
// the candidates were read wins), the due ones sent back with their change
// rows. Returns those sent back.
std::vector<PoolRecycle> RecycleBatch(MySqlConnection& c, const CallContext& call,
                                      const RecycleRules& rules, absl::CivilDay day,
                                      absl::TimeZone zone, int64_t run_id,
                                      const std::vector<int64_t>& ids) {
  std::string placeholders = "?";
  for (int i = 1; i < kBatchRows; ++i) placeholders += ", ?";
  sql::PreparedStatement& lock = c.Prepare(
      absl::StrCat(kHoldingSelect, " WHERE id IN (", placeholders, ") ORDER BY id FOR UPDATE"));
  for (int i = 0; i < kBatchRows; ++i) {
    lock.setInt64(i + 1, i < static_cast<int>(ids.size()) ? ids[i] : 0);  // 0: no row
  }
  std::vector<Holding> locked;
  {
    std::unique_ptr<sql::ResultSet> rs(lock.executeQuery());
    while (rs->next()) locked.push_back(ReadHolding(*rs));
  }
  const absl::Time now = call.Now();
  std::vector<PoolRecycle> recycled;
  for (const Holding& h : locked) {
    std::optional<Due> due = DueOn(rules, h, day, zone);
    if (!due) continue;
    RecordDeparture(c, h.id, h.owner_id, now);
    SetCustomerOwner(c, h.id, Owner{}, now);
    EndCustomerShares(c, h.id);
    InsertRecycle(c, run_id, h, *due, now);
    recycled.push_back(Describe(h, *due, day));
    recycled.back().set_id(c.LastInsertId());
    recycled.back().set_run_id(run_id);
  }
  std::vector<std::unique_ptr<v1::Customer>> states;
  std::vector<ChangeRecord> changes;
  for (const PoolRecycle& r : recycled) {
    states.push_back(LoadCustomerRow(c, r.customer_id(), false));
    changes.push_back({ChangeOp::kUpdate, r.customer_id(), states.back().get()});
  }
  if (!changes.empty()) AppendChanges(c, call, changes);
  return recycled;
}

constexpr char kRecycleSelect[] =
    "SELECT r.id, r.run_id, r.customer_id, COALESCE(c.name, ''), r.owner_id, r.level_code,"
    " r.reason, r.rule_days, r.last_event_at, r.recycled_at, r.undone_at"
    " FROM pool_recycles r LEFT JOIN customers c ON c.id = r.customer_id";

PoolRecycle ReadRecycle(sql::ResultSet& rs, absl::TimeZone zone) {
  PoolRecycle r;
  r.set_id(rs.getInt64(1));
  r.set_run_id(rs.getInt64(2));
  r.set_customer_id(rs.getInt64(3));
  r.set_customer_name(rs.getString(4));
  r.set_owner_employee_id(rs.getInt64(5));
  r.set_level_code(rs.getString(6));
  r.set_reason(static_cast<v1::RecycleReason>(rs.getInt(7)));
  r.set_rule_days(rs.getInt(8));
  SqlDateTimeToTimestamp(rs.getString(9), r.mutable_last_event_time());
  if (absl::StatusOr<absl::Time> at = ParseSqlDateTime(rs.getString(10)); at.ok()) {
    r.set_recycle_date(FormatIsoDate(absl::ToCivilDay(*at, zone)));
  }
  if (!rs.isNull(11)) SqlDateTimeToTimestamp(rs.getString(11), r.mutable_undo_time());
  return r;
}

std::unique_ptr<PoolRecycle> LoadRecycle(MySqlConnection& c, int64_t id, bool for_update,
                                         absl::TimeZone zone) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kRecycleSelect, " WHERE r.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<PoolRecycle>(ReadRecycle(*rs, zone));
}

absl::Status RecycleNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("pool recycle ", id, " not found"));
}

}  // namespace

absl::StatusOr<RecycleRun> PoolRecycler::DryRun(const CallContext& call, absl::CivilDay day) {
  return db_.Run(
      "pool.recycle_dry_run", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<RecycleRun> {
        RecycleRun run;
        for (const auto& [holding, due] : DueHoldings(c, LoadRecycleRules(c), day, zone_)) {
          if (run.total++ < kMaxListedRecycles) {
            run.listed.push_back(Describe(holding, due, day));
          }
        }
        return run;
      });
}

absl::StatusOr<RecycleRun> PoolRecycler::Run(const CallContext& call, absl::CivilDay day,
                                             bool scheduled, const Stopped& stopped) {
  int64_t run_id = 0;
  CRM_RETURN_IF_ERROR(
      db_.Run("pool.recycle_start", call.deadline, [&](MySqlConnection& c) -> absl::Status {
        run_id = StartRun(c, call, day, scheduled);
        return absl::OkStatus();
      }));
  if (run_id == 0) return RecycleRun{};  // the day's run is done
  return RunAs(call, run_id, day, stopped);
}

absl::StatusOr<int64_t> PoolRecycler::StartOnDemand(const CallContext& call) {
  return db_.Run("pool.recycle_start", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
                   return StartRun(c, call, absl::CivilDay(), /*scheduled=*/false);
                 });
}

absl::StatusOr<RecycleRun> PoolRecycler::RunAs(const CallContext& call, int64_t run_id,
                                               absl::CivilDay day, const Stopped& stopped) {
  RecycleRules rules;
  std::vector<int64_t> ids;
  RecycleRun run;
  run.run_id = run_id;
  CRM_RETURN_IF_ERROR(
      db_.Run("pool.recycle_due", call.deadline, [&](MySqlConnection& c) -> absl::Status {
        rules = LoadRecycleRules(c);
        for (const auto& [holding, due] : DueHoldings(c, rules, day, zone_)) {
          ids.push_back(holding.id);
        }
        return absl::OkStatus();
      }));
  for (size_t from = 0; from < ids.size(); from += kBatchRows) {
    if (stopped && stopped()) {
      return absl::AbortedError(absl::StrCat("stopped after ", run.total, " of run ", run_id));
    }
    const std::vector<int64_t> batch(ids.begin() + from,
                                     ids.begin() + std::min(ids.size(), from + kBatchRows));
    CRM_ASSIGN_OR_RETURN(
        std::vector<PoolRecycle> recycled,
        db_.RunInTransaction("pool.recycle_batch", call.deadline, [&](MySqlConnection& c) {
          return absl::StatusOr<std::vector<PoolRecycle>>(
              RecycleBatch(c, call, rules, day, zone_, run.run_id, batch));
        }));
    for (PoolRecycle& r : recycled) {
      if (run.total++ < kMaxListedRecycles) run.listed.push_back(std::move(r));
    }
  }
  CRM_RETURN_IF_ERROR(
      db_.Run("pool.recycle_finish", call.deadline, [&](MySqlConnection& c) -> absl::Status {
        sql::PreparedStatement& stmt = c.Prepare(
            "UPDATE pool_recycle_runs SET finished_at = ?,"
            " recycled = recycled + ? WHERE id = ?");
        stmt.setDateTime(1, FormatSqlDateTime(call.Now()));
        stmt.setInt64(2, run.total);
        stmt.setInt64(3, run.run_id);
        stmt.executeUpdate();
        return absl::OkStatus();
      }));
  return run;
}

absl::StatusOr<v1::PoolRecycleRun> PoolRecycler::GetRun(const CallContext& call, int64_t id) {
  return db_.Run(
      "pool.recycle_run", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::PoolRecycleRun> {
        // Sent back so far: counted while it runs, stored once it finished.
        sql::PreparedStatement& stmt = c.Prepare(
            "SELECT r.id, r.run_day, r.started_at, r.finished_at, r.actor,"
            " (SELECT COUNT(*) FROM pool_recycles p WHERE p.run_id = r.id)"
            " FROM pool_recycle_runs r WHERE r.id = ?");
        stmt.setInt64(1, id);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        if (!rs->next())
          return absl::NotFoundError(absl::StrCat("pool recycle run ", id, " not found"));
        v1::PoolRecycleRun run;
        run.set_id(rs->getInt64(1));
        if (!rs->isNull(2)) run.set_run_date(rs->getString(2));
        SqlDateTimeToTimestamp(rs->getString(3), run.mutable_start_time());
        if (!rs->isNull(4)) SqlDateTimeToTimestamp(rs->getString(4), run.mutable_finish_time());
        run.set_actor(rs->getString(5));
        run.set_recycled(rs->getInt64(6));
        return run;
      });
}

absl::StatusOr<int64_t> PoolRecycler::OwnerOf(const CallContext& call, int64_t id) {
  return db_.Run("pool.recycle_owner", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
                   std::unique_ptr<PoolRecycle> r = LoadRecycle(c, id, false, zone_);
                   if (!r) return RecycleNotFound(id);
                   return r->owner_employee_id();
                 });
}

absl::StatusOr<PoolRecycle> PoolRecycler::Undo(const CallContext& call, int64_t id,
                                               const Owner& owner) {
  return db_.RunInTransaction(
      "pool.recycle_undo", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<PoolRecycle> {
        std::unique_ptr<PoolRecycle> before = LoadRecycle(c, id, /*for_update=*/true, zone_);
        if (!before) return RecycleNotFound(id);
        if (before->has_undo_time()) {
          return absl::FailedPreconditionError(absl::StrCat("pool recycle ", id, " was undone"));
        }
        std::unique_ptr<v1::Customer> customer = LoadCustomerRow(c, before->customer_id(), true);
        if (!customer || customer->in_recycle_bin() || !customer->in_pool()) {
          return absl::FailedPreconditionError(
              absl::StrCat("customer ", before->customer_id(),
                           " is no longer in the pool (claimed, assigned or deleted since)"));
        }
        const absl::Time now = call.Now();
        SetCustomerOwner(c, before->customer_id(), owner, now);
        sql::PreparedStatement& mark =
            c.Prepare("UPDATE pool_recycles SET undone_at = ?, undone_by = ? WHERE id = ?");
        mark.setDateTime(1, FormatSqlDateTime(now));
        mark.setString(2, call.actor);
        mark.setInt64(3, id);
        mark.executeUpdate();
        std::unique_ptr<PoolRecycle> after = LoadRecycle(c, id, false, zone_);
        std::unique_ptr<v1::Customer> state = LoadCustomerRow(c, before->customer_id(), false);
        AppendChange(c, call, ChangeOp::kUpdate, state->id(), *state, customer.get());
        AppendChange(c, call, ChangeOp::kUpdate, id, *after, before.get());
        return *after;
      });
}

absl::StatusOr<Page<PoolRecycle>> PoolRecycler::List(const CallContext& call, int64_t run_id,
                                                     int64_t customer_id, int page_size,
                                                     std::optional<int64_t> before_id) {
  return db_.Run("pool.recycle_list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<PoolRecycle>> {
                   SqlWhere where;
                   if (run_id != 0) where.And("r.run_id = ?", {run_id});
                   if (customer_id != 0) where.And("r.customer_id = ?", {customer_id});
                   KeysetQuery q(kRecycleSelect, "FROM pool_recycles r", where,
                                 " ORDER BY r.id DESC", page_size);
                   q.count_total = false;
                   if (before_id) q.After("r.id < ?", {*before_id});
                   return ReadKeysetPage<PoolRecycle>(
                       c, q, [this](sql::ResultSet& rs) { return ReadRecycle(rs, zone_); });
                 });
}

absl::StatusOr<std::vector<v1::PoolWarning>> PoolRecycler::Warnings(const CallContext& call,
                                                                    int64_t employee_id) {
  return db_.Run("pool.warnings", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::PoolWarning>> {
                   const RecycleRules rules = LoadRecycleRules(c);
                   const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
                   sql::PreparedStatement& stmt = c.Prepare(
                       absl::StrCat(kHoldingSelect, " WHERE owner_id = ? AND deleted_at IS NULL"));
                   stmt.setInt64(1, employee_id);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<v1::PoolWarning> warnings;
                   while (rs->next()) {
                     const Holding h = ReadHolding(*rs);
                     const RecycleRule& rule = rules.For(h.level);
                     std::optional<Due> due = Deadline(rule, h, zone_);
                     if (!due || rule.warning_days <= 0) continue;
                     const int64_t days_left = due->recycle_day - today;
                     if (days_left > rule.warning_days) continue;
                     v1::PoolWarning& w = warnings.emplace_back();
                     w.set_customer_id(h.id);
                     w.set_customer_name(h.name);
                     w.set_reason(due->reason);
                     w.set_recycle_date(FormatIsoDate(due->recycle_day));
                     w.set_days_left(static_cast<int32_t>(std::max<int64_t>(days_left, 0)));
                   }
                   std::sort(warnings.begin(), warnings.end(),
                             [](const v1::PoolWarning& a, const v1::PoolWarning& b) {
                               return std::make_pair(a.recycle_date(), a.customer_id()) <
                                      std::make_pair(b.recycle_date(), b.customer_id());
                             });
                   if (warnings.size() > kMaxWarnings) warnings.resize(kMaxWarnings);
                   return warnings;
                 });
}

}  // namespace crm::customer
