// ServiceAccountRepository: prepared statements over service_accounts.
#include "services/org/service_account_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"

namespace crm::org {
namespace {

using v1::ServiceAccount;

constexpr char kAccountColumns[] = "id, name, roles, key_prefix, created_at, revoked_at";

ServiceAccount ReadAccount(sql::ResultSet& rs) {
  ServiceAccount a;
  a.set_id(rs.getInt64(1));
  a.set_name(rs.getString(2));
  for (absl::string_view role :
       absl::StrSplit(std::string(rs.getString(3)), ',', absl::SkipEmpty())) {
    a.add_roles(std::string(role));
  }
  a.set_key_prefix(rs.getString(4));
  SqlDateTimeToTimestamp(rs.getString(5), a.mutable_create_time());
  if (!rs.isNull(6)) {
    a.set_revoked(true);
    SqlDateTimeToTimestamp(rs.getString(6), a.mutable_revoke_time());
  }
  return a;
}

std::unique_ptr<ServiceAccount> LoadAccount(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kAccountColumns, " FROM service_accounts WHERE id = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<ServiceAccount>(ReadAccount(*rs));
}

// Only created through CreateOnce: the accounts have no etag, and revoking is
// a one-way step of its own.
const RecordTable<ServiceAccount> kAccounts{"service_accounts", "service account", &LoadAccount};

}  // namespace

absl::StatusOr<ServiceAccount> ServiceAccountRepository::Create(const CallContext& call,
                                                                const ServiceAccount& account,
                                                                const std::string& key_sha256,
                                                                const std::string& key_prefix,
                                                                const std::string& request_id) {
  // The id this call inserted; a different one returned means CreateOnce
  // replayed an earlier call's account (whose key only that call saw).
  int64_t inserted_id = 0;
  absl::StatusOr<ServiceAccount> created = CreateOnce(
      db_, call, kAccounts, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO service_accounts (name, roles, key_sha256, key_prefix, create_request_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)");
        insert.setString(1, account.name());
        insert.setString(2, absl::StrJoin(account.roles(), ","));
        insert.setString(3, key_sha256);
        insert.setString(4, key_prefix);
        SetStringOrNull(insert, 5, request_key);
        insert.setDateTime(6, FormatSqlDateTime(call.Now()));
        insert.executeUpdate();
        inserted_id = c.LastInsertId();
        return inserted_id;
      });
  if (created.ok() && created->id() != inserted_id) {
    return absl::AlreadyExistsError(
        "this request already created a service account; its key was shown then");
  }
  return created;
}

absl::StatusOr<std::vector<ServiceAccount>> ServiceAccountRepository::List(
    const CallContext& call) {
  return db_.Run("service_account.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<ServiceAccount>> {
                   std::unique_ptr<sql::ResultSet> rs(
                       c.Prepare(absl::StrCat("SELECT ", kAccountColumns,
                                              " FROM service_accounts ORDER BY id"))
                           .executeQuery());
                   std::vector<ServiceAccount> accounts;
                   while (rs->next()) accounts.push_back(ReadAccount(*rs));
                   return accounts;
                 });
}

absl::StatusOr<ServiceAccount> ServiceAccountRepository::Revoke(const CallContext& call,
                                                                int64_t id) {
  return db_.RunInTransaction(
      "service_account.revoke", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<ServiceAccount> {
        std::unique_ptr<ServiceAccount> account = LoadAccount(c, id, /*for_update=*/true);
        if (!account) return kAccounts.NotFound(id);
        if (account->revoked()) return *account;  // idempotent
        sql::PreparedStatement& revoke =
            c.Prepare("UPDATE service_accounts SET revoked_at = ? WHERE id = ?");
        revoke.setDateTime(1, FormatSqlDateTime(call.Now()));
        revoke.setInt64(2, id);
        revoke.executeUpdate();
        ServiceAccount revoked = *LoadAccount(c, id, false);
        AppendChange(c, call, ChangeOp::kDelete, id, revoked);
        return revoked;
      });
}

absl::StatusOr<std::vector<v1::ActiveApiKey>> ServiceAccountRepository::ActiveKeys(
    const CallContext& call) {
  return db_.Run("service_account.keys", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::ActiveApiKey>> {
                   std::unique_ptr<sql::ResultSet> rs(
                       c.Prepare(absl::StrCat("SELECT ", kAccountColumns,
                                              ", key_sha256 FROM service_accounts"
                                              " WHERE revoked_at IS NULL"))
                           .executeQuery());
                   std::vector<v1::ActiveApiKey> keys;
                   while (rs->next()) {
                     v1::ActiveApiKey key;
                     *key.mutable_service_account() = ReadAccount(*rs);
                     key.set_key_sha256(rs->getString(7));
                     keys.push_back(std::move(key));
                   }
                   return keys;
                 });
}

}  // namespace crm::org
