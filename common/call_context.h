// What a handler knows about the call it serves, passed down to repositories.
#pragma once

#include <string>

#include "common/mysql_pool.h"

namespace crm {

struct CallContext {
  std::string method;      // e.g. "CreateCustomer"
  std::string request_id;  // from x-request-id (the gateway always sets one)
  // The caller's subject as recorded in change rows. Authentication arrives
  // with the org service; until then every call is "anonymous".
  std::string actor = "anonymous";
  Deadline deadline = Deadline::max();  // the caller's deadline on the steady clock
};

}  // namespace crm
