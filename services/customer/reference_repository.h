// SQL for regions, cities and dictionary entries (R3, R4). Every write adds
// its change row, with the row's id (regions and entries are addressed by
// code in the API; their row id only keys the feed and CreateOnce). Creates
// are idempotent on the caller's request id.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/reference.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

class ReferenceRepository {
 public:
  explicit ReferenceRepository(Database& db) : db_(db) {}

  absl::StatusOr<std::vector<v1::Region>> ListRegions(const CallContext& call);
  // ALREADY_EXISTS when the code is taken.
  absl::StatusOr<v1::Region> CreateRegion(const CallContext& call, const v1::Region& region,
                                          const std::string& request_id);
  absl::StatusOr<v1::Region> RenameRegion(const CallContext& call, const std::string& code,
                                          const std::string& name);

  absl::StatusOr<std::vector<v1::City>> ListCities(const CallContext& call,
                                                   const std::string& region_code);
  // Checks the region exists and that the area code is prefix-free against
  // every other city's.
  absl::StatusOr<v1::City> CreateCity(const CallContext& call, const v1::City& city,
                                      const std::string& request_id);
  absl::StatusOr<v1::City> RenameCity(const CallContext& call, int64_t id, const std::string& name);

  absl::StatusOr<std::vector<v1::DictionaryEntry>> ListEntries(const CallContext& call,
                                                               v1::DictionaryKind kind,
                                                               bool include_retired);
  absl::StatusOr<v1::DictionaryEntry> CreateEntry(const CallContext& call,
                                                  const v1::DictionaryEntry& entry,
                                                  const std::string& request_id);
  absl::StatusOr<v1::DictionaryEntry> RenameEntry(const CallContext& call, v1::DictionaryKind kind,
                                                  const std::string& code, const std::string& name);
  absl::StatusOr<v1::DictionaryEntry> RetireEntry(const CallContext& call, v1::DictionaryKind kind,
                                                  const std::string& code);

 private:
  Database& db_;
};

}  // namespace crm::customer
