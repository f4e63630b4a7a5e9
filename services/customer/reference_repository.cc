// ReferenceRepository.
#include "services/customer/reference_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/feed/change_log.h"

namespace crm::customer {
namespace {

v1::City ReadCity(sql::ResultSet& rs) {
  v1::City city;
  city.set_id(rs.getInt64(1));
  city.set_region_code(rs.getString(2));
  city.set_name(rs.getString(3));
  city.set_province(rs.getString(4));
  city.set_area_code(rs.getString(5));
  city.set_sort_order(rs.getInt(6));
  return city;
}

constexpr char kCityColumns[] = "id, region_code, name, province, area_code, sort_order";

v1::DictionaryEntry ReadEntry(sql::ResultSet& rs) {
  v1::DictionaryEntry entry;
  entry.set_kind(static_cast<v1::DictionaryKind>(rs.getInt(1)));
  entry.set_code(rs.getString(2));
  entry.set_name(rs.getString(3));
  entry.set_retired(rs.getInt(4) != 0);
  entry.set_sort_order(rs.getInt(5));
  return entry;
}

constexpr char kEntryColumns[] = "kind, code, name, retired, sort_order";

std::unique_ptr<v1::Region> LoadRegion(MySqlConnection& c, const std::string& code,
                                       bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT code, name, sort_order FROM regions WHERE code = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setString(1, code);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto region = std::make_unique<v1::Region>();
  region->set_code(rs->getString(1));
  region->set_name(rs->getString(2));
  region->set_sort_order(rs->getInt(3));
  return region;
}

std::unique_ptr<v1::DictionaryEntry> LoadEntry(MySqlConnection& c, v1::DictionaryKind kind,
                                               const std::string& code) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kEntryColumns, " FROM dictionary_entries WHERE kind = ? AND code = ? FOR UPDATE"));
  stmt.setInt(1, kind);
  stmt.setString(2, code);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<v1::DictionaryEntry>(ReadEntry(*rs));
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

}  // namespace

absl::StatusOr<std::vector<v1::Region>> ReferenceRepository::ListRegions(const CallContext& call) {
  return db_.Run(
      "region.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::Region>> {
        std::unique_ptr<sql::ResultSet> rs(c.Prepare("SELECT code, name, sort_order FROM regions"
                                                     " ORDER BY sort_order, code")
                                               .executeQuery());
        std::vector<v1::Region> regions;
        while (rs->next()) {
          v1::Region& r = regions.emplace_back();
          r.set_code(rs->getString(1));
          r.set_name(rs->getString(2));
          r.set_sort_order(rs->getInt(3));
        }
        return regions;
      });
}

absl::StatusOr<v1::Region> ReferenceRepository::CreateRegion(const CallContext& call,
                                                             const v1::Region& region) {
  absl::StatusOr<v1::Region> result = db_.RunInTransaction(
      "region.create", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::Region> {
        sql::PreparedStatement& stmt =
            c.Prepare("INSERT INTO regions (code, name, sort_order) VALUES (?, ?, ?)");
        stmt.setString(1, region.code());
        stmt.setString(2, region.name());
        stmt.setInt(3, region.sort_order());
        stmt.executeUpdate();
        AppendChange(c, call, ChangeOp::kCreate, 0, region);
        return region;
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
        std::unique_ptr<v1::Region> region = LoadRegion(c, code, /*for_update=*/true);
        if (!region) return absl::NotFoundError(absl::StrCat("no region with code '", code, "'"));
        sql::PreparedStatement& stmt = c.Prepare("UPDATE regions SET name = ? WHERE code = ?");
        stmt.setString(1, name);
        stmt.setString(2, code);
        stmt.executeUpdate();
        region->set_name(name);
        AppendChange(c, call, ChangeOp::kUpdate, 0, *region);
        return *region;
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
                                                         const v1::City& city) {
  absl::StatusOr<v1::City> result = db_.RunInTransaction(
      "city.create", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::City> {
        if (!LoadRegion(c, city.region_code(), /*for_update=*/true)) {
          return InvalidField("city.region_code",
                              absl::StrCat("unknown region '", city.region_code(), "'"));
        }
        CRM_RETURN_IF_ERROR(CheckAreaCodeFree(c, city.area_code()));
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO cities (region_code, name, province, area_code, sort_order)"
            " VALUES (?, ?, ?, ?, ?)");
        stmt.setString(1, city.region_code());
        stmt.setString(2, city.name());
        stmt.setString(3, city.province());
        stmt.setString(4, city.area_code());
        stmt.setInt(5, city.sort_order());
        stmt.executeUpdate();
        v1::City created = city;
        created.set_id(c.LastInsertId());
        AppendChange(c, call, ChangeOp::kCreate, created.id(), created);
        return created;
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
        sql::PreparedStatement& load = c.Prepare(
            absl::StrCat("SELECT ", kCityColumns, " FROM cities WHERE id = ? FOR UPDATE"));
        load.setInt64(1, id);
        std::unique_ptr<sql::ResultSet> rs(load.executeQuery());
        if (!rs->next()) return absl::NotFoundError(absl::StrCat("no city with id ", id));
        v1::City city = ReadCity(*rs);
        sql::PreparedStatement& stmt = c.Prepare("UPDATE cities SET name = ? WHERE id = ?");
        stmt.setString(1, name);
        stmt.setInt64(2, id);
        stmt.executeUpdate();
        city.set_name(name);
        AppendChange(c, call, ChangeOp::kUpdate, id, city);
        return city;
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
    const CallContext& call, const v1::DictionaryEntry& entry) {
  absl::StatusOr<v1::DictionaryEntry> result = db_.RunInTransaction(
      "dictionary.create", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::DictionaryEntry> {
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO dictionary_entries (kind, code, name, retired, sort_order)"
            " VALUES (?, ?, ?, 0, ?)");
        stmt.setInt(1, entry.kind());
        stmt.setString(2, entry.code());
        stmt.setString(3, entry.name());
        stmt.setInt(4, entry.sort_order());
        stmt.executeUpdate();
        v1::DictionaryEntry created = entry;
        created.set_retired(false);
        AppendChange(c, call, ChangeOp::kCreate, 0, created);
        return created;
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
        std::unique_ptr<v1::DictionaryEntry> entry = LoadEntry(c, kind, code);
        if (!entry) return EntryNotFound(kind, code);
        sql::PreparedStatement& stmt =
            c.Prepare("UPDATE dictionary_entries SET name = ? WHERE kind = ? AND code = ?");
        stmt.setString(1, name);
        stmt.setInt(2, kind);
        stmt.setString(3, code);
        stmt.executeUpdate();
        entry->set_name(name);
        AppendChange(c, call, ChangeOp::kUpdate, 0, *entry);
        return *entry;
      });
}

absl::StatusOr<v1::DictionaryEntry> ReferenceRepository::RetireEntry(const CallContext& call,
                                                                     v1::DictionaryKind kind,
                                                                     const std::string& code) {
  return db_.RunInTransaction(
      "dictionary.retire", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::DictionaryEntry> {
        std::unique_ptr<v1::DictionaryEntry> entry = LoadEntry(c, kind, code);
        if (!entry) return EntryNotFound(kind, code);
        if (entry->retired()) return *entry;  // retiring twice changes nothing
        sql::PreparedStatement& stmt =
            c.Prepare("UPDATE dictionary_entries SET retired = 1 WHERE kind = ? AND code = ?");
        stmt.setInt(1, kind);
        stmt.setString(2, code);
        stmt.executeUpdate();
        entry->set_retired(true);
        AppendChange(c, call, ChangeOp::kUpdate, 0, *entry);
        return *entry;
      });
}

}  // namespace crm::customer
