// ReferenceHandlers: validation around ReferenceRepository.
#include "services/customer/reference_handlers.h"

#include "absl/strings/ascii.h"
#include "common/base/status_util.h"
#include "common/text/text_checks.h"

namespace crm::customer {
namespace {

void CheckCode(FieldViolations& v, const std::string& field, const std::string& code) {
  if (code.empty()) {
    v.Add(field, "is required");
  } else if (!IsReferenceCode(code)) {
    v.Add(field, "must be 1-32 lower-case letters, digits, '-' or '_'");
  }
}

void CheckKind(FieldViolations& v, const std::string& field, v1::DictionaryKind kind) {
  if (!v1::DictionaryKind_IsValid(kind) || kind == v1::DICTIONARY_KIND_UNSPECIFIED) {
    v.Add(field, "must be a dictionary kind");
  }
}

bool IsAreaCode(const std::string& code) {
  if (code.size() < 3 || code.size() > 4 || code[0] != '0') return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return code != "000" && code.rfind("000", 0) != 0;  // "000" means "no city" in codes
}

}  // namespace

bool IsReferenceCode(const std::string& code) {
  if (code.empty() || code.size() > 32) return false;
  for (char c : code) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_' && c != '-') return false;
  }
  return true;
}

absl::Status ReferenceHandlers::ListRegions(const CallContext& call, const v1::ListRegionsRequest&,
                                            v1::ListRegionsResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::Region> regions, repository_.ListRegions(call));
  for (v1::Region& r : regions) *response->add_regions() = std::move(r);
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::CreateRegion(const CallContext& call,
                                             const v1::CreateRegionRequest& request,
                                             v1::Region* response) {
  v1::Region region = request.region();
  region.set_name(TrimText(region.name()));
  FieldViolations v;
  CheckCode(v, "region.code", region.code());
  CheckText(v, "region.name", region.name(), 64, Presence::kRequired);
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.CreateRegion(call, region, request.request_id()));
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::RenameRegion(const CallContext& call,
                                             const v1::RenameRegionRequest& request,
                                             v1::Region* response) {
  const std::string name = TrimText(request.name());
  FieldViolations v;
  CheckCode(v, "code", request.code());
  CheckText(v, "name", name, 64, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.RenameRegion(call, request.code(), name));
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::ListCities(const CallContext& call,
                                           const v1::ListCitiesRequest& request,
                                           v1::ListCitiesResponse* response) {
  if (!request.region_code().empty() && !IsReferenceCode(request.region_code())) {
    return InvalidField("region_code", "must be a region code such as 'east'");
  }
  CRM_ASSIGN_OR_RETURN(std::vector<v1::City> cities,
                       repository_.ListCities(call, request.region_code()));
  for (v1::City& c : cities) *response->add_cities() = std::move(c);
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::CreateCity(const CallContext& call,
                                           const v1::CreateCityRequest& request,
                                           v1::City* response) {
  v1::City city = request.city();
  city.set_id(0);
  city.set_name(TrimText(city.name()));
  city.set_province(TrimText(city.province()));
  FieldViolations v;
  CheckCode(v, "city.region_code", city.region_code());
  CheckText(v, "city.name", city.name(), 64, Presence::kRequired);
  CheckText(v, "city.province", city.province(), 64, Presence::kOptional);
  if (!IsAreaCode(city.area_code())) {
    v.Add("city.area_code", "must be '0' and two or three more digits, e.g. '010' or '0571'");
  }
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.CreateCity(call, city, request.request_id()));
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::RenameCity(const CallContext& call,
                                           const v1::RenameCityRequest& request,
                                           v1::City* response) {
  const std::string name = TrimText(request.name());
  FieldViolations v;
  if (request.id() <= 0) v.Add("id", "must be a positive city id");
  CheckText(v, "name", name, 64, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.RenameCity(call, request.id(), name));
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::ListDictionaryEntries(
    const CallContext& call, const v1::ListDictionaryEntriesRequest& request,
    v1::ListDictionaryEntriesResponse* response) {
  if (!v1::DictionaryKind_IsValid(request.kind())) {
    return InvalidField("kind", "must be a dictionary kind");
  }
  CRM_ASSIGN_OR_RETURN(std::vector<v1::DictionaryEntry> entries,
                       repository_.ListEntries(call, request.kind(), request.include_retired()));
  for (v1::DictionaryEntry& e : entries) *response->add_entries() = std::move(e);
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::CreateDictionaryEntry(
    const CallContext& call, const v1::CreateDictionaryEntryRequest& request,
    v1::DictionaryEntry* response) {
  v1::DictionaryEntry entry = request.entry();
  entry.set_name(TrimText(entry.name()));
  FieldViolations v;
  CheckKind(v, "entry.kind", entry.kind());
  CheckCode(v, "entry.code", entry.code());
  CheckText(v, "entry.name", entry.name(), 64, Presence::kRequired);
  CheckRequestId(v, request.request_id());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.CreateEntry(call, entry, request.request_id()));
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::RenameDictionaryEntry(
    const CallContext& call, const v1::RenameDictionaryEntryRequest& request,
    v1::DictionaryEntry* response) {
  const std::string name = TrimText(request.name());
  FieldViolations v;
  CheckKind(v, "kind", request.kind());
  CheckCode(v, "code", request.code());
  CheckText(v, "name", name, 64, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response,
                       repository_.RenameEntry(call, request.kind(), request.code(), name));
  return absl::OkStatus();
}

absl::Status ReferenceHandlers::RetireDictionaryEntry(
    const CallContext& call, const v1::RetireDictionaryEntryRequest& request,
    v1::DictionaryEntry* response) {
  FieldViolations v;
  CheckKind(v, "kind", request.kind());
  CheckCode(v, "code", request.code());
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, repository_.RetireEntry(call, request.kind(), request.code()));
  return absl::OkStatus();
}

}  // namespace crm::customer
