// Demo customers for the local stack: a handful in each of the five regions.
#pragma once

#include <string>
#include <vector>

#include "crm/customer/v1/customer.pb.h"

namespace crm::tools {

struct DemoCustomer {
  std::string request_id;  // fixed, so loading twice creates nothing new
  std::string name;
  std::string region;
  std::string city;
  std::string phone;
  std::string keywords;
  customer::v1::CustomerStatus status;
  customer::v1::CustomerGrade grade;
};

const std::vector<DemoCustomer>& DemoCustomers();

}  // namespace crm::tools
