// Records with a natural key, created by their first write and updated by
// the later ones (a work log per author and day, a weekly plan per author and
// week, a system parameter per key). Their write runs CreateOnce, whose
// insert locks the key and stands aside when a record exists; then
// UpdateVersioned changes that record.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace crm::org {

// An etag given for a record that does not exist (yet) was read from another
// record, e.g. yesterday's log: the client's view is stale.
inline absl::Status EtagForMissing(const std::string& etag, const char* what) {
  if (etag.empty()) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("the etag names a ", what,
                                         " that is not this one (etag mismatch); read it "
                                         "again and retry"));
}

// What a create returns to stand aside when the period's record exists: the
// caller updates it instead, so this never reaches a client.
inline absl::Status ExistsAlready() {
  return absl::FailedPreconditionError("the record exists; update it");
}

}  // namespace crm::org
