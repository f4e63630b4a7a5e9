// PageRequest::Parse.
#include "common/rpc/paging.h"

#include <algorithm>

namespace crm {

absl::StatusOr<PageRequest> PageRequest::Parse(int64_t page_size, absl::string_view page_token,
                                               uint64_t fingerprint, PageLimits limits,
                                               FieldViolations* violations) {
  FieldViolations own;
  FieldViolations& v = violations != nullptr ? *violations : own;
  if (page_size < 0) v.Add("page_size", "must not be negative");
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> position, DecodePageToken(page_token, fingerprint));
  const int size = page_size == 0 ? limits.default_size
                                  : static_cast<int>(std::min<int64_t>(page_size, limits.max_size));
  return PageRequest(size, fingerprint, std::move(position));
}

}  // namespace crm
