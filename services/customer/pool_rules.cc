// Pool rules: SQL, handlers and the checks of pool moves.
#include "services/customer/pool_rules.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/feed/change_log.h"
#include "crm/customer/v1/reference.pb.h"

namespace crm::customer {
namespace {

constexpr int32_t kMaxHolding = 1'000'000;
constexpr int32_t kMaxCooldownDays = 3650;

struct Rule {
  int32_t max_customers_per_owner = 0;
  int32_t reclaim_cooldown_days = 0;
};

// The level's own rule, else the default one (""), else none.
Rule RuleFor(MySqlConnection& c, const std::string& level_code) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT max_customers_per_owner, reclaim_cooldown_days FROM pool_rules"
      " WHERE level_code IN (?, '') ORDER BY level_code = '' LIMIT 1");
  stmt.setString(1, level_code);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return {};
  return {rs->getInt(1), rs->getInt(2)};
}

v1::PoolRule ReadRule(sql::ResultSet& rs) {
  v1::PoolRule rule;
  rule.set_level_code(rs.getString(1));
  rule.set_max_customers_per_owner(rs.getInt(2));
  rule.set_reclaim_cooldown_days(rs.getInt(3));
  SqlDateTimeToTimestamp(rs.getString(4), rule.mutable_update_time());
  rule.set_recycle_no_follow_up_days(rs.getInt(5));
  rule.set_recycle_no_win_days(rs.getInt(6));
  rule.set_recycle_warning_days(rs.getInt(7));
  return rule;
}

constexpr char kRuleSelect[] =
    "SELECT level_code, max_customers_per_owner, reclaim_cooldown_days, updated_at,"
    " recycle_no_follow_up_days, recycle_no_win_days, recycle_warning_days FROM pool_rules";

}  // namespace

absl::Status PoolRuleHandlers::SetPoolRule(const CallContext& call,
                                           const v1::SetPoolRuleRequest& request,
                                           v1::PoolRule* response) {
  const v1::PoolRule& rule = request.rule();
  FieldViolations v;
  if (rule.max_customers_per_owner() < 0 || rule.max_customers_per_owner() > kMaxHolding) {
    v.Add("rule.max_customers_per_owner", absl::StrCat("must be 0 (no limit) to ", kMaxHolding));
  }
  if (rule.reclaim_cooldown_days() < 0 || rule.reclaim_cooldown_days() > kMaxCooldownDays) {
    v.Add("rule.reclaim_cooldown_days", absl::StrCat("must be 0 (none) to ", kMaxCooldownDays));
  }
  for (auto [field, days] : {std::pair<const char*, int32_t>{"rule.recycle_no_follow_up_days",
                                                             rule.recycle_no_follow_up_days()},
                             {"rule.recycle_no_win_days", rule.recycle_no_win_days()},
                             {"rule.recycle_warning_days", rule.recycle_warning_days()}}) {
    if (days < 0 || days > kMaxCooldownDays) {
      v.Add(field, absl::StrCat("must be 0 (none) to ", kMaxCooldownDays));
    }
  }
  if (rule.recycle_warning_days() > 0 && rule.recycle_no_follow_up_days() == 0 &&
      rule.recycle_no_win_days() == 0) {
    v.Add("rule.recycle_warning_days", "warns of a recycle: set a recycle rule's days too");
  }
  if (rule.level_code().size() > 32) v.Add("rule.level_code", "is not a level code");
  CRM_RETURN_IF_ERROR(v.ToStatus());
  return db_.RunInTransaction(
      "pool_rule.set", call.deadline, [&](MySqlConnection& c) -> absl::Status {
        if (!rule.level_code().empty()) {
          sql::PreparedStatement& level =
              c.Prepare("SELECT 1 FROM dictionary_entries WHERE kind = ? AND code = ?");
          level.setInt(1, v1::DICTIONARY_KIND_LEVEL);
          level.setString(2, rule.level_code());
          std::unique_ptr<sql::ResultSet> rs(level.executeQuery());
          if (!rs->next()) {
            return InvalidField("rule.level_code",
                                "is not a customer level (ListDictionaryEntries, LEVEL), nor \"\"");
          }
        }
        sql::PreparedStatement& before_stmt =
            c.Prepare(absl::StrCat(kRuleSelect, " WHERE level_code = ? FOR UPDATE"));
        before_stmt.setString(1, rule.level_code());
        std::unique_ptr<sql::ResultSet> before_rs(before_stmt.executeQuery());
        std::unique_ptr<v1::PoolRule> before;
        if (before_rs->next()) before = std::make_unique<v1::PoolRule>(ReadRule(*before_rs));
        sql::PreparedStatement& upsert = c.Prepare(
            "INSERT INTO pool_rules (level_code, max_customers_per_owner, reclaim_cooldown_days,"
            " updated_at, recycle_no_follow_up_days, recycle_no_win_days, recycle_warning_days)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
            " max_customers_per_owner = VALUES(max_customers_per_owner),"
            " reclaim_cooldown_days = VALUES(reclaim_cooldown_days),"
            " updated_at = VALUES(updated_at),"
            " recycle_no_follow_up_days = VALUES(recycle_no_follow_up_days),"
            " recycle_no_win_days = VALUES(recycle_no_win_days),"
            " recycle_warning_days = VALUES(recycle_warning_days)");
        upsert.setString(1, rule.level_code());
        upsert.setInt(2, rule.max_customers_per_owner());
        upsert.setInt(3, rule.reclaim_cooldown_days());
        upsert.setDateTime(4, FormatSqlDateTime(call.Now()));
        upsert.setInt(5, rule.recycle_no_follow_up_days());
        upsert.setInt(6, rule.recycle_no_win_days());
        upsert.setInt(7, rule.recycle_warning_days());
        upsert.executeUpdate();
        *response = rule;
        SetTimestamp(call.Now(), response->mutable_update_time());
        // Rules are keyed by level code, not a number: entity id 0, the
        // level in the state.
        AppendChange(c, call, before ? ChangeOp::kUpdate : ChangeOp::kCreate, 0, *response,
                     before.get());
        return absl::OkStatus();
      });
}

absl::Status PoolRuleHandlers::ListPoolRules(const CallContext& call,
                                             const v1::ListPoolRulesRequest&,
                                             v1::ListPoolRulesResponse* response) {
  return db_.Run("pool_rule.list", call.deadline, [&](MySqlConnection& c) -> absl::Status {
    std::unique_ptr<sql::ResultSet> rs(
        c.Prepare(absl::StrCat(kRuleSelect, " ORDER BY level_code")).executeQuery());
    while (rs->next()) *response->add_rules() = ReadRule(*rs);
    return absl::OkStatus();
  });
}

absl::Status CheckHoldingLimit(MySqlConnection& c, const std::string& level_code,
                               int64_t employee_id, const std::string& who) {
  sql::PreparedStatement& lock = c.Prepare(
      "INSERT INTO pool_holders (employee_id) VALUES (?)"
      " ON DUPLICATE KEY UPDATE employee_id = employee_id");
  lock.setInt64(1, employee_id);
  lock.executeUpdate();
  const Rule rule = RuleFor(c, level_code);
  if (rule.max_customers_per_owner == 0) return absl::OkStatus();
  // A locking read: the latest committed holdings, not the transaction's
  // snapshot, which may predate the wait for the holder row.
  sql::PreparedStatement& count = c.Prepare(
      "SELECT COUNT(*) FROM customers WHERE owner_id = ? AND level_code = ?"
      " AND deleted_at IS NULL LOCK IN SHARE MODE");
  count.setInt64(1, employee_id);
  count.setString(2, level_code);
  std::unique_ptr<sql::ResultSet> rs(count.executeQuery());
  const int64_t held = rs->next() ? rs->getInt64(1) : 0;
  if (held < rule.max_customers_per_owner) return absl::OkStatus();
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          who, " already hold", who == "you" ? " " : "s ", held, " customers of level '",
          level_code, "', the most the pool rules allow (", rule.max_customers_per_owner, ")")),
      "HOLDING_LIMIT", {{"limit", absl::StrCat(rule.max_customers_per_owner)}},
      absl::StrCat("employee/", employee_id));
}

absl::Status CheckReclaimCooldown(MySqlConnection& c, int64_t customer_id,
                                  const std::string& level_code, int64_t employee_id,
                                  absl::Time now, absl::TimeZone zone) {
  const Rule rule = RuleFor(c, level_code);
  if (rule.reclaim_cooldown_days == 0) return absl::OkStatus();
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT left_at FROM pool_departures WHERE customer_id = ? AND employee_id = ?"
      " LOCK IN SHARE MODE");
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, employee_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return absl::OkStatus();
  absl::StatusOr<absl::Time> parsed = ParseSqlDateTime(rs->getString(1));
  if (!parsed.ok()) return absl::OkStatus();
  const absl::Time left = *parsed;
  const absl::Time again = left + absl::Hours(24) * rule.reclaim_cooldown_days;
  if (now >= again) return absl::OkStatus();
  return WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "you gave customer ", customer_id, " up on ",
          absl::FormatTime("%Y-%m-%d %H:%M", left, zone), " and may claim it again from ",
          absl::FormatTime("%Y-%m-%d %H:%M", again, zone), " (", rule.reclaim_cooldown_days,
          "-day cooldown)")),
      "RECLAIM_COOLDOWN", {{"claimable_from", absl::FormatTime(again, zone)}},
      absl::StrCat("customer/", customer_id));
}

void RecordDeparture(MySqlConnection& c, int64_t customer_id, int64_t employee_id, absl::Time now) {
  if (employee_id == 0) return;
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO pool_departures (customer_id, employee_id, left_at) VALUES (?, ?, ?)"
      " ON DUPLICATE KEY UPDATE left_at = VALUES(left_at)");
  stmt.setInt64(1, customer_id);
  stmt.setInt64(2, employee_id);
  stmt.setDateTime(3, FormatSqlDateTime(now));
  stmt.executeUpdate();
}

}  // namespace crm::customer
