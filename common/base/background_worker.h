// A thread of work a service runs beside its RPCs (following a change feed,
// maintaining an index), started once the schema is ready and stopped,
// by destruction, before the database closes.
#pragma once

namespace crm {

class BackgroundWorker {
 public:
  virtual ~BackgroundWorker() = default;
  virtual void Start() = 0;
};

}  // namespace crm
