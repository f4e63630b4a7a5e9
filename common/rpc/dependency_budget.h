// How many calls this process's RPC handlers may have waiting on other CRM
// services at once. Handlers run on the server's few completion-queue
// threads (async_methods.h), one call each; unbounded, a dependency that
// stops answering holds every thread until the callers' deadlines, and calls
// that need nothing from it wait behind them. At the bound a call that would
// wait on another service queues up to a second (a healthy dependency frees
// a place in milliseconds), then is refused (UNAVAILABLE, retry).
#pragma once

#include "common/base/deadline.h"

namespace crm {

class DependencyBudget {
 public:
  // Sets the bound for the process (RunBackend: the server's threads but
  // one, at least 1). Unbounded until set.
  static void SetLimit(int limit);

  // One call waiting on another service, for as long as it lives.
  class Place {
   public:
    // Takes a place when `needed` (a call made on a caller's behalf, on a
    // handler's thread), waiting for one at most a second and not past
    // `deadline`; admitted() is false when none came free.
    Place(bool needed, Deadline deadline);
    ~Place();
    Place(const Place&) = delete;
    Place& operator=(const Place&) = delete;
    bool admitted() const { return admitted_; }

   private:
    bool held_ = false;
    bool admitted_ = true;
  };
};

}  // namespace crm
