// Handlers of the region, city and dictionary methods (R3, R4).
#pragma once

#include "common/rpc/call_context.h"
#include "crm/customer/v1/reference.pb.h"
#include "services/customer/reference_repository.h"

namespace crm::customer {

class ReferenceHandlers {
 public:
  explicit ReferenceHandlers(ReferenceRepository& repository) : repository_(repository) {}

  absl::Status ListRegions(const CallContext& call, const v1::ListRegionsRequest& request,
                           v1::ListRegionsResponse* response);
  absl::Status CreateRegion(const CallContext& call, const v1::CreateRegionRequest& request,
                            v1::Region* response);
  absl::Status RenameRegion(const CallContext& call, const v1::RenameRegionRequest& request,
                            v1::Region* response);
  absl::Status ListCities(const CallContext& call, const v1::ListCitiesRequest& request,
                          v1::ListCitiesResponse* response);
  absl::Status CreateCity(const CallContext& call, const v1::CreateCityRequest& request,
                          v1::City* response);
  absl::Status RenameCity(const CallContext& call, const v1::RenameCityRequest& request,
                          v1::City* response);
  absl::Status ListDictionaryEntries(const CallContext& call,
                                     const v1::ListDictionaryEntriesRequest& request,
                                     v1::ListDictionaryEntriesResponse* response);
  absl::Status CreateDictionaryEntry(const CallContext& call,
                                     const v1::CreateDictionaryEntryRequest& request,
                                     v1::DictionaryEntry* response);
  absl::Status RenameDictionaryEntry(const CallContext& call,
                                     const v1::RenameDictionaryEntryRequest& request,
                                     v1::DictionaryEntry* response);
  absl::Status RetireDictionaryEntry(const CallContext& call,
                                     const v1::RetireDictionaryEntryRequest& request,
                                     v1::DictionaryEntry* response);

 private:
  ReferenceRepository& repository_;
};

// Codes of regions and dictionary entries: 1-32 of [a-z0-9_-].
bool IsReferenceCode(const std::string& code);

}  // namespace crm::customer
