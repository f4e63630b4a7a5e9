// ReferenceRepository.
#include "services/customer/reference_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"

namespace crm::customer {
namespace {

// The city's fields from column `first` on (kCityColumns' order).
v1::City ReadCity(sql::ResultSet& rs, int first = 1) {
  v1::City city;
  city.set_id(rs.getInt64(first));
  city.set_region_code(rs.getString(first + 1));
  city.set_name(rs.getString(first + 2));
  city.set_province(rs.getString(first + 3));
  city.set_area_code(rs.getString(first + 4));
  city.set_sort_order(rs.getInt(first + 5));
  return city;
}

constexpr char kCityColumns[] = "id, region_code, name, province, area_code, sort_order";

// The entry's fields from column `first` on (kEntryColumns' order).
v1::DictionaryEntry ReadEntry(sql::ResultSet& rs, int first = 1) {
  v1::DictionaryEntry entry;
  entry.set_kind(static_cast<v1::DictionaryKind>(rs.getInt(first)));
  entry.set_code(rs.getString(first + 1));
  entry.set_name(rs.getString(first + 2));
  entry.set_retired(rs.getInt(first + 3) != 0);
  entry.set_sort_order(rs.getInt(first + 4));
  return entry;
}

constexpr char kEntryColumns[] = "kind, code, name, retired, sort_order";

// The region's fields from column `first` on (kRegionColumns' order).
v1::Region ReadRegion(sql::ResultSet& rs, int first = 1) {
  v1::Region region;
  region.set_code(rs.getString(first));
  region.set_name(rs.getString(first + 1));
  region.set_sort_order(rs.getInt(first + 2));
  return region;
}

constexpr char kRegionColumns[] = "code, name, sort_order";

// A region or an entry with its row id: the API addresses them by code, the
// change rows and CreateOnce by the id.
template <typename Record>
struct Stored {
  int64_t id = 0;
  Record record;
};

// The first row of `stmt` (selecting id, then the record's columns) or null.
template <typename Record>
std::unique_ptr<Stored<Record>> QueryStored(sql::PreparedStatement& stmt,
                                            Record (*read)(sql::ResultSet&, int)) {
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Stored<Record>>(Stored<Record>{rs->getInt64(1), read(*rs, 2)});
}

std::unique_ptr<Stored<v1::Region>> LoadRegion(MySqlConnection& c, const std::string& code,
                                               bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT id, ", kRegionColumns, " FROM regions WHERE code = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setString(1, code);
  return QueryStored(stmt, &ReadRegion);
}

std::unique_ptr<Stored<v1::DictionaryEntry>> LoadEntry(MySqlConnection& c,
                                                       v1::DictionaryKind kind,
                                                       const std::string& code) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT id, ", kEntryColumns, " FROM dictionary_entries WHERE kind = ? AND code = ? FOR UPDATE"));
  stmt.setInt(1, kind);
  stmt.setString(2, code);
  return QueryStored(stmt, &ReadEntry);
}

// The record of `table` with row id `id` (CreateOnce's loader).
template <typename Record>
std::unique_ptr<Record> LoadById(MySqlConnection& c, const char* columns, const char* table,
                                 Record (*read)(sql::ResultSet&, int), int64_t id,
                                 bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", columns, " FROM ", table, " WHERE id = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? std::make_unique<Record>(read(*rs, 1)) : nullptr;
}

absl::Status EntryNotFound(v1::DictionaryKind kind, const std::string& code) {
  return absl::NotFoundError(
      absl::StrCat("no ", v1::DictionaryKind_Name(kind), " entry with code '", code, "'"));
}

// A locking read of every city (rows and gaps) serialises city creation, so
// two concurrent creates cannot both pass this check with clashing codes.
absl::Status CheckAreaCodeFree(MySqlConnection& c, const std::string& area_code) {
  std::unique_ptr<sql::ResultSet> rs(
      c.Prepare("SELECT area_code, name FROM cities FOR UPDATE").executeQuery());
  while (rs->next()) {
    const std::string other = rs->getString(1);
    if (other == area_code) continue;  // cities may share an area code
    if (absl::StartsWith(other, area_code) || absl::StartsWith(area_code, other)) {
      return InvalidField("city.area_code",
                          absl::StrCat("'", area_code, "' and the area code '", other, "' of ",
                                       std::string(rs->getString(2)),
                                       " would make customer codes ambiguous (one is a prefix of "
                                       "the other)"));
    }
  }
  return absl::OkStatus();
}

// The tables CreateOnce writes to.
const RecordTable<v1::Region> kRegions{
    "regions", "region", [](MySqlConnection& c, int64_t id, bool for_update) {
      return LoadById(c, kRegionColumns, "regions", &ReadRegion, id, for_update);
    }};
const RecordTable<v1::DictionaryEntry> kEntries{
    "dictionary_entries", "dictionary entry", [](MySqlConnection& c, int64_t id, bool for_update) {
      return LoadById(c, kEntryColumns, "dictionary_entries", &ReadEntry, id, for_update);
    }};
const RecordTable<v1::City> kCities{
    "cities", "city", [](MySqlConnection& c, int64_t id, bool for_update) {
      return LoadById(c, kCityColumns, "cities", &ReadCity, id, for_update);
    }};

}  // namespace

absl::StatusOr<std::vector<v1::Region>> ReferenceRepository::ListRegions(const CallContext& call) {
  return db_.Run(
      "region.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::Region>> {
        std::unique_ptr<sql::ResultSet> rs(
            c.Prepare(absl::StrCat("SELECT ", kRegionColumns, " FROM regions ORDER BY sort_order, code"))
                .executeQuery());
        std::vector<v1::Region> regions;
        while (rs->next()) regions.push_back(ReadRegion(*rs));
        return regions;
      });
}

absl::StatusOr<v1::Region> ReferenceRepository::CreateRegion(const CallContext& call,
                                                             const v1::Region& region,
                                                             const std::string& request_id) {
  absl::StatusOr<v1::Region> result = CreateOnce(
      db_, call, kRegions, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO regions (code, name, sort_order, create_request_id) VALUES (?, ?, ?, ?)");
        stmt.setString(1, region.code());
        stmt.setString(2, region.name());
        stmt.setInt(3, region.sort_order());
        SetStringOrNull(stmt, 4, request_key);
        stmt.executeUpdate();
        return c.LastInsertId();
      });
  if (result.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(
        absl::StrCat("a region with code '", region.code(), "' already exists"));
  }
  return result;
}

absl::StatusOr<v1::Region> ReferenceRepository::RenameRegion(const CallContext& call,
                                                             const std::string& code,
                                                             const std::string& name) {
  return db_.RunInTransaction(
      "region.rename", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::Region> {
        std::unique_ptr<Stored<v1::Region>> stored = LoadRegion(c, code, /*for_update=*/true);
        if (!stored) return absl::NotFoundError(absl::StrCat("no region with code '", code, "'"));
        sql::PreparedStatement& stmt = c.Prepare("UPDATE regions SET name = ? WHERE id = ?");
        stmt.setString(1, name);
        stmt.setInt64(2, stored->id);
        stmt.executeUpdate();
        stored->record.set_name(name);
        AppendChange(c, call, ChangeOp::kUpdate, stored->id, stored->record);
        return stored->record;
      });
}

absl::StatusOr<std::vector<v1::City>> ReferenceRepository::ListCities(
    const CallContext& call, const std::string& region_code) {
  return db_.Run(
      "city.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::City>> {
        sql::PreparedStatement& stmt =
            c.Prepare(absl::StrCat("SELECT ", kCityColumns, " FROM cities",
                                   region_code.empty() ? " WHERE ? = ''" : " WHERE region_code = ?",
                                   " ORDER BY region_code, sort_order, id"));
        stmt.setString(1, region_code);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<v1::City> cities;
        while (rs->next()) cities.push_back(ReadCity(*rs));
        return cities;
      });
}

absl::StatusOr<v1::City> ReferenceRepository::CreateCity(const CallContext& call,
                                                         const v1::City& city,
                                                         const std::string& request_id) {
  // The region's row lock and the locking read of every city come before the
  // request key is looked up (see CreateOnceLocked).
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    if (!LoadRegion(c, city.region_code(), /*for_update=*/true)) {
      return InvalidField("city.region_code",
                          absl::StrCat("unknown region '", city.region_code(), "'"));
    }
    return absl::OkStatus();
  };
  absl::StatusOr<v1::City> result = CreateOnceLocked(
      db_, call, kCities, request_id, lock,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        CRM_RETURN_IF_ERROR(CheckAreaCodeFree(c, city.area_code()));
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO cities (region_code, name, province, area_code, sort_order,"
            " create_request_id) VALUES (?, ?, ?, ?, ?, ?)");
        stmt.setString(1, city.region_code());
        stmt.setString(2, city.name());
        stmt.setString(3, city.province());
        stmt.setString(4, city.area_code());
        stmt.setInt(5, city.sort_order());
        SetStringOrNull(stmt, 6, request_key);
        stmt.executeUpdate();
        return c.LastInsertId();
      });
  if (result.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat("region '", city.region_code(),
                                                 "' already has a city named '", city.name(), "'"));
  }
  return result;
}

absl::StatusOr<v1::City> ReferenceRepository::RenameCity(const CallContext& call, int64_t id,
                                                         const std::string& name) {
  absl::StatusOr<v1::City> result = db_.RunInTransaction(
      "city.rename", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::City> {
        std::unique_ptr<v1::City> city = kCities.load(c, id, /*for_update=*/true);
        if (!city) return absl::NotFoundError(absl::StrCat("no city with id ", id));
        sql::PreparedStatement& stmt = c.Prepare("UPDATE cities SET name = ? WHERE id = ?");
        stmt.setString(1, name);
        stmt.setInt64(2, id);
        stmt.executeUpdate();
        city->set_name(name);
        AppendChange(c, call, ChangeOp::kUpdate, id, *city);
        return *city;
      });
  if (result.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(
        absl::StrCat("the region already has a city named '", name, "'"));
  }
  return result;
}

absl::StatusOr<std::vector<v1::DictionaryEntry>> ReferenceRepository::ListEntries(
    const CallContext& call, v1::DictionaryKind kind, bool include_retired) {
  return db_.Run(
      "dictionary.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::DictionaryEntry>> {
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT ", kEntryColumns, " FROM dictionary_entries WHERE (? = 0 OR kind = ?)",
            " AND (? = 1 OR retired = 0) ORDER BY kind, sort_order, code"));
        stmt.setInt(1, kind);
        stmt.setInt(2, kind);
        stmt.setInt(3, include_retired ? 1 : 0);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<v1::DictionaryEntry> entries;
        while (rs->next()) entries.push_back(ReadEntry(*rs));
        return entries;
      });
}

absl::StatusOr<v1::DictionaryEntry> ReferenceRepository::CreateEntry(
    const CallContext& call, const v1::DictionaryEntry& entry, const std::string& request_id) {
  absl::StatusOr<v1::DictionaryEntry> result = CreateOnce(
      db_, call, kEntries, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO dictionary_entries (kind, code, name, retired, sort_order,"
            " create_request_id) VALUES (?, ?, ?, 0, ?, ?)");
        stmt.setInt(1, entry.kind());
        stmt.setString(2, entry.code());
        stmt.setString(3, entry.name());
        stmt.setInt(4, entry.sort_order());
        SetStringOrNull(stmt, 5, request_key);
        stmt.executeUpdate();
        return c.LastInsertId();
      });
  if (result.status().code() == absl::StatusCode::kAlreadyExists) {
    return absl::AlreadyExistsError(absl::StrCat(v1::DictionaryKind_Name(entry.kind()),
                                                 " already has the code '", entry.code(), "'"));
  }
  return result;
}

absl::StatusOr<v1::DictionaryEntry> ReferenceRepository::RenameEntry(const CallContext& call,
                                                                     v1::DictionaryKind kind,
                                                                     const std::string& code,
                                                                     const std::string& name) {
  return db_.RunInTransaction(
      "dictionary.rename", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::DictionaryEntry> {
        std::unique_ptr<Stored<v1::DictionaryEntry>> stored = LoadEntry(c, kind, code);
        if (!stored) return EntryNotFound(kind, code);
        sql::PreparedStatement& stmt =
            c.Prepare("UPDATE dictionary_entries SET name = ? WHERE id = ?");
        stmt.setString(1, name);
        stmt.setInt64(2, stored->id);
        stmt.executeUpdate();
        stored->record.set_name(name);
        AppendChange(c, call, ChangeOp::kUpdate, stored->id, stored->record);
        return stored->record;
      });
}

absl::StatusOr<v1::DictionaryEntry> ReferenceRepository::RetireEntry(const CallContext& call,
                                                                     v1::DictionaryKind kind,
                                                                     const std::string& code) {
  return db_.RunInTransaction(
      "dictionary.retire", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::DictionaryEntry> {
        std::unique_ptr<Stored<v1::DictionaryEntry>> stored = LoadEntry(c, kind, code);
        if (!stored) return EntryNotFound(kind, code);
        if (stored->record.retired()) return stored->record;  // retiring twice changes nothing
        sql::PreparedStatement& stmt =
            c.Prepare("UPDATE dictionary_entries SET retired = 1 WHERE id = ?");
        stmt.setInt64(1, stored->id);
        stmt.executeUpdate();
        stored->record.set_retired(true);
        AppendChange(c, call, ChangeOp::kUpdate, stored->id, stored->record);
        return stored->record;
      });
}

}  // namespace crm::customer
