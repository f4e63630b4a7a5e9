// Demo data for the local stack: an organisation with two departments' worth
// of users, customers across the five regions owned by the sales people, and
// a small product catalogue with stock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crm/customer/v1/customer.pb.h"

namespace crm::tools {

struct DemoDepartment {
  std::string key;  // how the others refer to it
  std::string name;
  std::string parent;  // key, or "" for top-level
};

struct DemoUser {
  std::string username;
  std::string employee_name;
  std::string department;  // key
  std::vector<std::string> roles;
};

struct DemoCustomer {
  std::string request_id;  // fixed, so loading twice creates nothing new
  std::string owner;       // username of the creating sales person
  std::string name;
  std::string region;
  std::string city;
  std::string phone;
  std::string keywords;
  customer::v1::CustomerStatus status;
  customer::v1::CustomerGrade grade;
};

struct DemoProduct {
  std::string request_id;  // fixed, like the customers'; the stock receipt's is derived
  std::string name, model, specification, unit;
  int64_t list_price_fen, cost_price_fen;
  int32_t vat_rate_percent;
  int64_t stock_milli, low_stock_threshold_milli;
};

const std::vector<DemoDepartment>& DemoDepartments();
const std::vector<DemoUser>& DemoUsers();
const std::vector<DemoCustomer>& DemoCustomers();
const std::vector<DemoProduct>& DemoProducts();

// Every demo user's password (printed by up.sh; local use only).
inline constexpr char kDemoPassword[] = "Demo-passw0rd";

}  // namespace crm::tools
