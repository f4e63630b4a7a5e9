// ApprovalRepository: prepared statements over approval_rules, approvals and
// approval_tasks, and the order's approval columns.
#include "services/sales/approval_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"
#include "services/sales/money.h"
#include "services/sales/order_repository.h"

namespace crm::sales {
namespace {

using v1::Approval;
using v1::ApprovalRule;
using v1::ApprovalTask;

constexpr int kMaxApprovalsPerDocument = 100;

// ---- rules ----

constexpr char kRuleSelect[] =
    "SELECT id, document_type, name, amount_over_fen, discount_over_bp, product_id, steps,"
    " active, version, updated_at FROM approval_rules";

ApprovalRule ReadRule(sql::ResultSet& rs) {
  ApprovalRule r;
  r.set_id(rs.getInt64(1));
  r.set_document_type(static_cast<v1::ApprovalDocumentType>(rs.getInt(2)));
  r.set_name(rs.getString(3));
  if (!rs.isNull(4)) *r.mutable_amount_over() = Fen(rs.getInt64(4));
  r.set_discount_over_bp(rs.getInt(5));
  r.set_product_id(rs.getInt64(6));
  v1::ApprovalSteps steps;
  steps.ParseFromString(rs.getString(7));
  *r.mutable_steps() = steps.steps();
  r.set_active(rs.getBoolean(8));
  r.set_etag(EtagOf(rs.getInt64(9)));
  SqlDateTimeToTimestamp(rs.getString(10), r.mutable_update_time());
  return r;
}

std::unique_ptr<ApprovalRule> LoadRule(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kRuleSelect, " WHERE id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<ApprovalRule>(ReadRule(*rs));
}

// Parameters 1–7 of the rule's insert and update.
void BindRule(sql::PreparedStatement& stmt, const ApprovalRule& r, std::istringstream& steps) {
  stmt.setInt(1, r.document_type());
  stmt.setString(2, r.name());
  if (r.has_amount_over()) {
    stmt.setInt64(3, r.amount_over().minor_units());
  } else {
    stmt.setNull(3, 0);
  }
  stmt.setInt(4, r.discount_over_bp());
  stmt.setInt64(5, r.product_id());
  stmt.setBlob(6, &steps);
  stmt.setBoolean(7, r.active());
}

std::string SerializedSteps(const ApprovalRule& rule) {
  v1::ApprovalSteps steps;
  *steps.mutable_steps() = rule.steps();
  return steps.SerializeAsString();
}

// ---- approvals ----

// An approval with where its document's owner sits (for visibility).
struct StoredApproval {
  Approval approval;
  std::string owner_department_path;
};

constexpr char kApprovalSelect[] =
    "SELECT a.id, a.document_type, a.document_id, a.document_number, a.owner_id,"
    " a.owner_department_path, a.amount_fen, a.discount_bp, a.rule_ids, a.status,"
    " a.current_step, a.step_count, a.submit_comment, a.submitted_by, a.version, a.created_at,"
    " a.decided_at FROM approvals a";

StoredApproval ReadApproval(sql::ResultSet& rs) {
  StoredApproval stored;
  Approval& a = stored.approval;
  a.set_id(rs.getInt64(1));
  a.set_document_type(static_cast<v1::ApprovalDocumentType>(rs.getInt(2)));
  a.set_document_id(rs.getInt64(3));
  a.set_document_number(rs.getString(4));
  a.set_owner_employee_id(rs.getInt64(5));
  stored.owner_department_path = rs.getString(6);
  *a.mutable_amount() = Fen(rs.getInt64(7));
  a.set_discount_bp(rs.getInt(8));
  for (absl::string_view id :
       absl::StrSplit(std::string(rs.getString(9)), ',', absl::SkipEmpty())) {
    int64_t rule_id = 0;
    if (absl::SimpleAtoi(id, &rule_id)) a.add_rule_ids(rule_id);
  }
  a.set_status(static_cast<v1::ApprovalStatus>(rs.getInt(10)));
  a.set_current_step(rs.getInt(11));
  a.set_step_count(rs.getInt(12));
  a.set_submit_comment(rs.getString(13));
  a.set_submitted_by_employee_id(rs.getInt64(14));
  a.set_etag(EtagOf(rs.getInt64(15)));
  SqlDateTimeToTimestamp(rs.getString(16), a.mutable_submit_time());
  if (!rs.isNull(17)) SqlDateTimeToTimestamp(rs.getString(17), a.mutable_decide_time());
  return stored;
}

void FillTasks(MySqlConnection& c, Approval& approval) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT step, approver_kind, role, mode, approver_id, approver_name, state, comment,"
      " decided_at FROM approval_tasks WHERE approval_id = ? ORDER BY step, id");
  stmt.setInt64(1, approval.id());
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  approval.clear_tasks();
  while (rs->next()) {
    ApprovalTask& t = *approval.add_tasks();
    t.set_step(rs->getInt(1));
    t.mutable_rule_step()->set_approver(static_cast<v1::ApproverKind>(rs->getInt(2)));
    t.mutable_rule_step()->set_role(rs->getString(3));
    t.mutable_rule_step()->set_mode(static_cast<v1::ApprovalMode>(rs->getInt(4)));
    t.set_approver_employee_id(rs->getInt64(5));
    t.set_approver_name(rs->getString(6));
    t.set_state(static_cast<v1::ApprovalTaskState>(rs->getInt(7)));
    t.set_comment(rs->getString(8));
    if (!rs->isNull(9)) SqlDateTimeToTimestamp(rs->getString(9), t.mutable_decide_time());
  }
}

std::unique_ptr<StoredApproval> LoadApproval(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kApprovalSelect, " WHERE a.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto stored = std::make_unique<StoredApproval>(ReadApproval(*rs));
  FillTasks(c, stored->approval);
  return stored;
}

bool IsApprover(const Approval& approval, int64_t employee_id) {
  return employee_id != 0 &&
         std::any_of(approval.tasks().begin(), approval.tasks().end(), [&](const ApprovalTask& t) {
           return t.approver_employee_id() == employee_id;
         });
}

absl::Status DocumentNotFound(v1::ApprovalDocumentType type, int64_t id) {
  return absl::NotFoundError(absl::StrCat(DocumentNoun(type), " ", id, " not found"));
}

absl::Status NotFoundApproval(int64_t id) {
  return absl::NotFoundError(absl::StrCat("approval ", id, " not found"));
}

void SetTaskState(MySqlConnection& c, int64_t approval_id, int step, int64_t approver_id,
                  v1::ApprovalTaskState state, const std::string& comment, absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE approval_tasks SET state = ?, comment = ?, decided_at = ?"
      " WHERE approval_id = ? AND step = ? AND approver_id = ?");
  stmt.setInt(1, state);
  stmt.setString(2, comment);
  stmt.setDateTime(3, FormatSqlDateTime(now));
  stmt.setInt64(4, approval_id);
  stmt.setInt(5, step);
  stmt.setInt64(6, approver_id);
  stmt.executeUpdate();
}

// Tasks still waiting, at `step` or from it on (`from_step_on`), are no
// longer needed.
void CloseWaitingTasks(MySqlConnection& c, int64_t approval_id, int step, bool from_step_on) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "UPDATE approval_tasks SET state = ? WHERE approval_id = ? AND state = ? AND step ",
      from_step_on ? ">=" : "=", " ?"));
  stmt.setInt(1, v1::TASK_NOT_NEEDED);
  stmt.setInt64(2, approval_id);
  stmt.setInt(3, v1::TASK_WAITING);
  stmt.setInt(4, step);
  stmt.executeUpdate();
}

void WriteApprovalState(MySqlConnection& c, const Approval& a, bool decided, absl::Time now) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("UPDATE approvals SET status = ?, current_step = ?",
                             decided ? ", decided_at = ?" : "", " WHERE id = ?"));
  int i = 1;
  stmt.setInt(i++, a.status());
  stmt.setInt(i++, a.current_step());
  if (decided) stmt.setDateTime(i++, FormatSqlDateTime(now));
  stmt.setInt64(i++, a.id());
  stmt.executeUpdate();
  TouchVersion(c, "approvals", a.id(), now);
}

// Whether every task of `step` is approved.
bool StepApprovedByAll(const Approval& a, int step) {
  return std::all_of(a.tasks().begin(), a.tasks().end(), [&](const ApprovalTask& t) {
    return t.step() != step || t.state() == v1::TASK_APPROVED;
  });
}

const ApprovalTask* TaskOf(const Approval& a, int step, int64_t employee_id) {
  for (const ApprovalTask& t : a.tasks()) {
    if (t.step() == step && t.approver_employee_id() == employee_id) return &t;
  }
  return nullptr;
}

// A retried decision equal to one the caller already recorded.
bool AlreadyDecided(const Approval& a, int64_t employee_id, bool approve) {
  const v1::ApprovalTaskState wanted = approve ? v1::TASK_APPROVED : v1::TASK_REJECTED;
  return std::any_of(a.tasks().begin(), a.tasks().end(), [&](const ApprovalTask& t) {
    return t.approver_employee_id() == employee_id && t.state() == wanted;
  });
}

}  // namespace

// ---- rules ----

absl::StatusOr<std::vector<ApprovalRule>> ApprovalRepository::ListRules(
    const CallContext& call, v1::ApprovalDocumentType type) {
  return db_.Run("approval_rule.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<ApprovalRule>> {
                   const bool all = type == v1::APPROVAL_DOCUMENT_TYPE_UNSPECIFIED;
                   sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
                       kRuleSelect, all ? "" : " WHERE document_type = ?", " ORDER BY id"));
                   if (!all) stmt.setInt(1, type);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<ApprovalRule> rules;
                   while (rs->next()) rules.push_back(ReadRule(*rs));
                   return rules;
                 });
}

absl::StatusOr<ApprovalRule> ApprovalRepository::SetRule(const CallContext& call,
                                                         const ApprovalRule& rule) {
  return db_.RunInTransaction(
      "approval_rule.set", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<ApprovalRule> {
        std::istringstream steps(SerializedSteps(rule));
        const std::string now = FormatSqlDateTime(call.Now());
        std::unique_ptr<ApprovalRule> before;
        int64_t id = rule.id();
        if (id == 0) {
          sql::PreparedStatement& insert = c.Prepare(
              "INSERT INTO approval_rules (document_type, name, amount_over_fen,"
              " discount_over_bp, product_id, steps, active, created_at, updated_at)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
          BindRule(insert, rule, steps);
          insert.setDateTime(8, now);
          insert.setDateTime(9, now);
          insert.executeUpdate();
          id = c.LastInsertId();
        } else {
          before = LoadRule(c, id, /*for_update=*/true);
          if (!before) return absl::NotFoundError(absl::StrCat("approval rule ", id, " not found"));
          CRM_RETURN_IF_ERROR(
              CheckEtag(rule.etag(), VersionOfEtag(before->etag()), "approval rule"));
          sql::PreparedStatement& update = c.Prepare(
              "UPDATE approval_rules SET document_type = ?, name = ?, amount_over_fen = ?,"
              " discount_over_bp = ?, product_id = ?, steps = ?, active = ? WHERE id = ?");
          BindRule(update, rule, steps);
          update.setInt64(8, id);
          update.executeUpdate();
          TouchVersion(c, "approval_rules", id, call.Now());
        }
        std::unique_ptr<ApprovalRule> stored = LoadRule(c, id, /*for_update=*/false);
        AppendChange(c, call, before ? ChangeOp::kUpdate : ChangeOp::kCreate, id, *stored,
                     before.get());
        return *stored;
      });
}

// ---- submitting and deciding ----

absl::StatusOr<ApprovalDocument> ApprovalRepository::Peek(const CallContext& call,
                                                          v1::ApprovalDocumentType type,
                                                          int64_t id) {
  return db_.Run("approval.document", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<ApprovalDocument> {
                   std::optional<ApprovalDocument> doc =
                       LoadApprovalDocument(c, type, ScopeOf(call.caller), id, false);
                   if (!doc) return DocumentNotFound(type, id);
                   return *doc;
                 });
}

absl::StatusOr<Approval> ApprovalRepository::Submit(const CallContext& call,
                                                    v1::ApprovalDocumentType type, int64_t id,
                                                    const ApprovalPlan& plan) {
  return db_.RunInTransaction(
      "approval.submit", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Approval> {
        std::optional<ApprovalDocument> doc =
            LoadApprovalDocument(c, type, WriteScopeOf(call.caller), id, /*for_update=*/true);
        if (!doc) return DocumentNotFound(type, id);
        if (!doc->not_submittable.empty()) {
          return absl::FailedPreconditionError(doc->not_submittable);
        }
        const std::string key = plan.facts.Key();
        if (doc->facts.Key() != key) {
          return absl::AbortedError(
              absl::StrCat(doc->number, " changed while it was being submitted; retry"));
        }
        const absl::Time now = call.Now();
        const LiveApproval live = LatestLiveApproval(c, type, id);
        if (live.id != 0 && live.facts_key == key) {
          const bool pending = live.status == v1::APPROVAL_PENDING;
          return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                                   doc->number, " is already ", pending ? "waiting for" : "granted",
                                   " approval ", live.id)),
                               "APPROVAL_EXISTS", {{"approval_id", absl::StrCat(live.id)}},
                               absl::StrCat(DocumentNoun(type), "/", id));
        }
        if (live.id != 0) WithdrawApproval(c, live.id, now);
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO approvals (document_type, document_id, document_number, owner_id,"
            " owner_department_path, amount_fen, discount_bp, facts, rule_ids, status,"
            " current_step, step_count, submit_comment, submitted_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)");
        insert.setInt(1, type);
        insert.setInt64(2, id);
        insert.setString(3, doc->number);
        insert.setInt64(4, doc->owner_id);
        insert.setString(5, doc->owner_department_path);
        insert.setInt64(6, plan.facts.amount_fen);
        insert.setInt(7, plan.facts.discount_bp);
        insert.setString(8, key);
        insert.setString(9, absl::StrJoin(plan.required.rule_ids, ","));
        insert.setInt(10, v1::APPROVAL_PENDING);
        insert.setInt(11, static_cast<int>(plan.required.steps.size()));
        insert.setString(12, plan.comment);
        insert.setInt64(13, call.caller.employee_id);
        insert.setDateTime(14, FormatSqlDateTime(now));
        insert.setDateTime(15, FormatSqlDateTime(now));
        insert.executeUpdate();
        const int64_t approval_id = c.LastInsertId();
        sql::PreparedStatement& task = c.Prepare(
            "INSERT INTO approval_tasks (approval_id, step, approver_kind, role, mode,"
            " approver_id, approver_name, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (size_t s = 0; s < plan.required.steps.size(); ++s) {
          const v1::ApprovalStep& step = plan.required.steps[s];
          for (const ResolvedApprover& approver : plan.approvers[s]) {
            task.setInt64(1, approval_id);
            task.setInt(2, static_cast<int>(s + 1));
            task.setInt(3, step.approver());
            task.setString(4, step.role());
            task.setInt(5, step.mode());
            task.setInt64(6, approver.employee_id);
            task.setString(7, approver.name);
            task.setInt(8, v1::TASK_WAITING);
            task.executeUpdate();
          }
        }
        std::unique_ptr<StoredApproval> stored = LoadApproval(c, approval_id, /*for_update=*/false);
        if (type != v1::APPROVAL_DOCUMENT_ORDER) {
          AppendChange(c, call, ChangeOp::kCreate, approval_id, stored->approval);
          return stored->approval;
        }
        // Orders show their approval.
        const VisibilityScope everything{VisibilityScope::Kind::kAll, 0, ""};
        std::unique_ptr<v1::Order> order = LockOrder(c, everything, id);
        const v1::Order before = *order;
        order->set_approval_status(v1::APPROVAL_PENDING);
        order->set_approval_id(approval_id);
        order->clear_approval_comment();
        WriteOrderApproval(c, *order, now);
        std::unique_ptr<v1::Order> stored_order = LockOrder(c, everything, id);
        AppendChange(c, call, ChangeOp::kCreate, approval_id, stored->approval);
        AppendChange(c, call, ChangeOp::kUpdate, id, *stored_order, &before);
        return stored->approval;
      });
}

absl::StatusOr<Approval> ApprovalRepository::Decide(const CallContext& call, int64_t approval_id,
                                                    bool approve, const std::string& comment) {
  const int64_t me = call.caller.employee_id;
  return db_.RunInTransaction(
      "approval.decide", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Approval> {
        // The document first, then the approval: the order every writer of both
        // takes (edits lock the document, then withdraw its approval).
        std::unique_ptr<StoredApproval> peek = LoadApproval(c, approval_id, /*for_update=*/false);
        if (!peek || (!IsApprover(peek->approval, me) &&
                      !InScope(ScopeOf(call.caller), peek->approval.owner_employee_id(),
                               peek->owner_department_path))) {
          return NotFoundApproval(approval_id);
        }
        const VisibilityScope everything{VisibilityScope::Kind::kAll, 0, ""};
        const v1::ApprovalDocumentType type = peek->approval.document_type();
        const bool is_order = type == v1::APPROVAL_DOCUMENT_ORDER;
        std::optional<ApprovalDocument> doc =
            LoadApprovalDocument(c, type, everything, peek->approval.document_id(), true);
        // Orders also show the outcome on themselves.
        std::unique_ptr<v1::Order> order =
            is_order ? LockOrder(c, everything, peek->approval.document_id()) : nullptr;
        std::unique_ptr<StoredApproval> stored = LoadApproval(c, approval_id, /*for_update=*/true);
        if (!doc || (is_order && !order) || !stored) return NotFoundApproval(approval_id);
        Approval a = stored->approval;
        const int step = a.current_step();
        const ApprovalTask* task =
            a.status() == v1::APPROVAL_PENDING ? TaskOf(a, step, me) : nullptr;
        if (task == nullptr || task->state() != v1::TASK_WAITING) {
          if (AlreadyDecided(a, me, approve)) return a;  // a retry
          if (a.status() != v1::APPROVAL_PENDING) {
            return absl::FailedPreconditionError(
                absl::StrCat("approval ", approval_id, " is ", v1::ApprovalStatus_Name(a.status()),
                             ": only pending approvals are decided"));
          }
          return absl::PermissionDeniedError(
              IsApprover(a, me)
                  ? absl::StrCat("approval ", approval_id, " is at step ", step,
                                 ", which is not yours to decide")
                  : absl::StrCat("you are not an approver of approval ", approval_id));
        }
        const v1::ApprovalMode mode = task->rule_step().mode();  // `task` dies with FillTasks
        const absl::Time now = call.Now();
        const v1::Order order_before = is_order ? *order : v1::Order();
        SetTaskState(c, approval_id, step, me, approve ? v1::TASK_APPROVED : v1::TASK_REJECTED,
                     comment, now);
        bool decided = false;
        if (!approve) {
          CloseWaitingTasks(c, approval_id, 1, /*from_step_on=*/true);
          a.set_status(v1::APPROVAL_REJECTED);
          if (is_order) {
            order->set_approval_status(v1::APPROVAL_REJECTED);
            order->set_approval_comment(comment);
          }
          decided = true;
        } else {
          FillTasks(c, a);
          if (mode == v1::ANY_ONE || StepApprovedByAll(a, step)) {
            CloseWaitingTasks(c, approval_id, step, /*from_step_on=*/false);
            if (step >= a.step_count()) {
              a.set_status(v1::APPROVAL_APPROVED);
              if (is_order) order->set_approval_status(v1::APPROVAL_APPROVED);
              decided = true;
            } else {
              a.set_current_step(step + 1);
            }
          }
        }
        WriteApprovalState(c, a, decided, now);
        if (decided && is_order) WriteOrderApproval(c, *order, now);
        stored = LoadApproval(c, approval_id, /*for_update=*/false);
        AppendChange(c, call, ChangeOp::kUpdate, approval_id, stored->approval, &peek->approval);
        if (decided && is_order) {
          std::unique_ptr<v1::Order> stored_order = LockOrder(c, everything, order->id());
          AppendChange(c, call, ChangeOp::kUpdate, order->id(), *stored_order, &order_before);
        }
        return stored->approval;
      });
}

// ---- reading ----

absl::StatusOr<Approval> ApprovalRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run(
      "approval.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Approval> {
        std::unique_ptr<StoredApproval> stored = LoadApproval(c, id, /*for_update=*/false);
        if (!stored || (!IsApprover(stored->approval, call.caller.employee_id) &&
                        !InScope(ScopeOf(call.caller), stored->approval.owner_employee_id(),
                                 stored->owner_department_path))) {
          return NotFoundApproval(id);
        }
        return stored->approval;
      });
}

absl::StatusOr<std::vector<Approval>> ApprovalRepository::ListForDocument(
    const CallContext& call, v1::ApprovalDocumentType type, int64_t document_id) {
  return db_.Run("approval.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Approval>> {
                   sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
                       kApprovalSelect,
                       " WHERE a.document_type = ? AND a.document_id = ? ORDER BY a.id DESC"
                       " LIMIT ",
                       kMaxApprovalsPerDocument));
                   stmt.setInt(1, type);
                   stmt.setInt64(2, document_id);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<Approval> approvals;
                   while (rs->next()) approvals.push_back(ReadApproval(*rs).approval);
                   for (Approval& a : approvals) FillTasks(c, a);
                   return approvals;
                 });
}

absl::StatusOr<Page<Approval>> ApprovalRepository::Inbox(const CallContext& call, int page_size,
                                                         std::optional<int64_t> after_id) {
  return db_.Run("approval.inbox", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<Approval>> {
                   sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
                       kApprovalSelect,
                       " JOIN approval_tasks t ON t.approval_id = a.id AND t.step = a.current_step"
                       " WHERE t.approver_id = ? AND t.state = ? AND a.status = ? AND a.id > ?"
                       " ORDER BY a.id LIMIT ?"));
                   stmt.setInt64(1, call.caller.employee_id);
                   stmt.setInt(2, v1::TASK_WAITING);
                   stmt.setInt(3, v1::APPROVAL_PENDING);
                   stmt.setInt64(4, after_id.value_or(0));
                   stmt.setInt(5, page_size + 1);
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   Page<Approval> page;
                   while (rs->next()) page.rows.push_back(ReadApproval(*rs).approval);
                   if (static_cast<int>(page.rows.size()) > page_size) {
                     page.rows.pop_back();
                     page.has_more = true;
                   }
                   for (Approval& a : page.rows) FillTasks(c, a);
                   return page;
                 });
}

// ---- inside a document's transaction ----

std::vector<ApprovalRule> ActiveRules(MySqlConnection& c, v1::ApprovalDocumentType type) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kRuleSelect, " WHERE document_type = ? AND active = 1 ORDER BY id"));
  stmt.setInt(1, type);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<ApprovalRule> rules;
  while (rs->next()) rules.push_back(ReadRule(*rs));
  return rules;
}

std::string SubmittedFactsKey(MySqlConnection& c, int64_t id) {
  if (id == 0) return "";
  sql::PreparedStatement& stmt = c.Prepare("SELECT facts FROM approvals WHERE id = ?");
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? std::string(rs->getString(1)) : "";
}

LiveApproval LatestLiveApproval(MySqlConnection& c, v1::ApprovalDocumentType type,
                                int64_t document_id) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT id, status, facts FROM approvals WHERE document_type = ? AND document_id = ?"
      " AND status IN (?, ?) ORDER BY id DESC LIMIT 1 FOR UPDATE");
  stmt.setInt(1, type);
  stmt.setInt64(2, document_id);
  stmt.setInt(3, v1::APPROVAL_PENDING);
  stmt.setInt(4, v1::APPROVAL_APPROVED);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  LiveApproval live;
  if (!rs->next()) return live;
  live.id = rs->getInt64(1);
  live.status = static_cast<v1::ApprovalStatus>(rs->getInt(2));
  live.facts_key = rs->getString(3);
  return live;
}

void WithdrawStaleApproval(MySqlConnection& c, v1::ApprovalDocumentType type, int64_t document_id,
                           const std::string& facts_key, absl::Time now) {
  const LiveApproval live = LatestLiveApproval(c, type, document_id);
  if (live.id != 0 && live.facts_key != facts_key) WithdrawApproval(c, live.id, now);
}

void WithdrawApproval(MySqlConnection& c, int64_t id, absl::Time now) {
  sql::PreparedStatement& approval = c.Prepare(
      "UPDATE approvals SET status = ?, decided_at = ? WHERE id = ? AND status IN (?, ?)");
  approval.setInt(1, v1::APPROVAL_WITHDRAWN);
  approval.setDateTime(2, FormatSqlDateTime(now));
  approval.setInt64(3, id);
  approval.setInt(4, v1::APPROVAL_PENDING);
  approval.setInt(5, v1::APPROVAL_APPROVED);
  if (approval.executeUpdate() == 0) return;
  TouchVersion(c, "approvals", id, now);
  CloseWaitingTasks(c, id, 1, /*from_step_on=*/true);
}

absl::Status CheckApproved(MySqlConnection& c, v1::ApprovalDocumentType type, int64_t document_id,
                           const std::string& number, const ApprovalFacts& facts) {
  const RequiredApproval required = RequiredFor(ActiveRules(c, type), facts);
  if (required.rule_ids.empty()) return absl::OkStatus();
  const LiveApproval live = LatestLiveApproval(c, type, document_id);
  if (live.status == v1::APPROVAL_APPROVED && live.facts_key == facts.Key()) {
    return absl::OkStatus();
  }
  const std::string state = live.status == v1::APPROVAL_PENDING && live.facts_key == facts.Key()
                                ? absl::StrCat("its approval ", live.id, " is still pending")
                                : "submit it with SubmitForApproval";
  return WithErrorInfo(absl::FailedPreconditionError(
                           absl::StrCat(number, " needs approval first (rules ",
                                        absl::StrJoin(required.rule_ids, ", "), "): ", state)),
                       "APPROVAL_REQUIRED",
                       {{"approval_status", v1::ApprovalStatus_Name(live.status)}},
                       absl::StrCat(DocumentNoun(type), "/", document_id));
}

absl::Status CheckOrderApproved(MySqlConnection& c, const v1::Order& order) {
  return CheckApproved(c, v1::APPROVAL_DOCUMENT_ORDER, order.id(),
                       absl::StrCat("order ", order.number()), OrderFacts(order));
}

}  // namespace crm::sales
