// Small pieces every repository needs: etags, timestamps, request keys.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"

namespace google::protobuf {
class Timestamp;
}

namespace crm {

class MySqlConnection;

// A record's etag is its version number, as text.
std::string EtagOf(int64_t version);

// OK when `given` is empty (no check asked) or names `version`; ABORTED
// otherwise, naming the kind of record.
absl::Status CheckEtag(absl::string_view given, int64_t version, absl::string_view what);

// An update of a record several people edit must name the version it
// changes: without an etag, a change made meanwhile would be overwritten
// unseen. INVALID_ARGUMENT naming `field` (e.g. "customer.etag") when empty.
absl::Status RequireEtag(absl::string_view etag, absl::string_view field);

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

// Create request ids are per caller, so one caller's id never returns another
// caller's record: "<actor>|<request id>", or "" for no id.
std::string CallerRequestKey(const CallContext& call, const std::string& request_id);

// Moves the row's version on by one and sets its updated_at to `now` (a
// versioned write's last step; see versioned_rows.h). Throws sql::SQLException.
void TouchVersion(MySqlConnection& connection, const char* table, int64_t id, absl::Time now);

// The version an etag names (0 for one that is not a number: no version matches it).
int64_t VersionOfEtag(const std::string& etag);

// The id of the row of `table` (a constant name with a create_request_id
// column) an earlier create with this request key made; 0 for none or for
// an empty key. Throws sql::SQLException.
int64_t FindByRequestKey(MySqlConnection& connection, const char* table, const std::string& key);

}  // namespace crm
