// The page a List call asks for, and the token of the next one (AIP-158):
// page_size 0 takes the default, larger ones are cut to the maximum, a
// negative one is INVALID_ARGUMENT; page_token is opaque, holds the sort key of
// the last row served, and is refused with other filters than the call that
// made it (INVALID_ARGUMENT naming page_token).
//
//   CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::Parse(request, {"competitors", query}));
//   CRM_ASSIGN_OR_RETURN(auto after, page.After<std::string, int64_t>());  // name, id
//   ... the repository reads page.size() rows after `after` ...
//   response->set_next_page_token(page.NextToken(has_more, {last.name(), StrCat(last.id())}));
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "common/base/status_util.h"
#include "common/rpc/page_token.h"

namespace crm {

struct PageLimits {
  int default_size = 50;
  int max_size = 500;
};

class PageRequest {
 public:
  // `filters`: everything that shapes the list (its name, each filter, the
  // order), so a token works only with the request that made it. A bad
  // page_size is added to `violations` when given (so one answer names every
  // bad field), else returned.
  template <typename ListRequest>
  static absl::StatusOr<PageRequest> Parse(const ListRequest& request,
                                           std::initializer_list<absl::string_view> filters,
                                           PageLimits limits = {},
                                           FieldViolations* violations = nullptr) {
    return Parse(request.page_size(), request.page_token(), FilterFingerprint(filters), limits,
                 violations);
  }
  // The same with every field of `request` but the page's own as the filters
  // (`list` names the list): any change of filter or order invalidates a token.
  template <typename ListRequest>
  static absl::StatusOr<PageRequest> ForRequest(const ListRequest& request, absl::string_view list,
                                                PageLimits limits = {},
                                                FieldViolations* violations = nullptr) {
    ListRequest filters = request;
    filters.clear_page_size();
    filters.clear_page_token();
    return Parse(request.page_size(), request.page_token(),
                 FilterFingerprint({list, filters.SerializeAsString()}), limits, violations);
  }
  static absl::StatusOr<PageRequest> Parse(int64_t page_size, absl::string_view page_token,
                                           uint64_t fingerprint, PageLimits limits,
                                           FieldViolations* violations);

  // Rows to serve on this page.
  int size() const { return size_; }
  // The sort key of the row the page starts after, one value per type asked
  // for (std::string or an integer type); nullopt on the first page.
  // INVALID_ARGUMENT naming page_token when the token holds something else.
  template <typename... Keys>
  absl::StatusOr<std::optional<std::tuple<Keys...>>> After() const {
    if (position_.empty()) return std::optional<std::tuple<Keys...>>();
    if (position_.size() != sizeof...(Keys)) return Malformed();
    std::tuple<Keys...> keys;
    bool ok = true;
    size_t i = 0;
    std::apply([&](auto&... key) { ((ok = ok && ParseKey(position_[i++], &key)), ...); }, keys);
    if (!ok) return Malformed();
    return std::optional<std::tuple<Keys...>>(std::move(keys));
  }
  // The token of the next page, which starts after the row whose sort key is
  // `last`; "" when there is no next page.
  std::string NextToken(bool has_more, const std::vector<std::string>& last) const {
    return has_more ? EncodePageToken(last, fingerprint_) : std::string();
  }

 private:
  PageRequest(int size, uint64_t fingerprint, std::vector<std::string> position)
      : size_(size), fingerprint_(fingerprint), position_(std::move(position)) {}
  static absl::Status Malformed() { return InvalidField("page_token", "is malformed"); }
  static bool ParseKey(const std::string& text, std::string* key) {
    *key = text;
    return true;
  }
  template <typename Int>
  static bool ParseKey(const std::string& text, Int* key) {
    return absl::SimpleAtoi(text, key);
  }

  int size_;
  uint64_t fingerprint_;
  std::vector<std::string> position_;
};

}  // namespace crm
