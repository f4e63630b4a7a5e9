// Owner department maintenance from the org feed: the customers table.
#include "services/customer/owner_department_sync.h"

#include "common/feed/owner_departments.h"

namespace crm::customer {

void ApplyOrgChange(MySqlConnection& c, const common::v1::Change& change) {
  ApplyOwnerDepartmentChange(c, change, {{"customers"}});
}

}  // namespace crm::customer
