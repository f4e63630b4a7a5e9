// How a customer row maps to the Customer message: the SELECT list (customers
// aliased `c`, joined to its city `ci`) and the reader for it.
#pragma once

#include <cstdint>
#include <string>

#include "crm/customer/v1/customer.pb.h"

namespace sql {
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace crm::customer {

// "SELECT <columns> FROM customers c LEFT JOIN cities ci ON ci.id = c.city_id"
extern const char kCustomerSelect[];

// kCustomerSelect with one more column, last: the ids of the employees the
// customer is shared with, comma-separated in order (NULL: none), so one
// customer reads in one statement.
extern const char kCustomerWithSharesSelect[];

// Reads the current row of a result of kCustomerSelect (or of
// kCustomerWithSharesSelect). Shares are not filled (see FillShares and
// ReadShares); nor is the suggested grade.
v1::Customer ReadCustomer(sql::ResultSet& rs);
// Fills the shares from the current row of a kCustomerWithSharesSelect result.
void ReadShares(sql::ResultSet& rs, v1::Customer& customer);

// What a customer row holds beyond the message's mutable fields.
struct RowExtras {
  int64_t city_id = 0;  // 0: no city
  int64_t owner_id = 0;
  int64_t owner_department_id = 0;
  std::string owner_department_path;
  std::string create_request_key;  // empty: none
  std::string now;                 // SQL DATETIME text: created, updated, last activity
};

// "INSERT INTO customers (...) VALUES " and one "(?, ..., ?)" group; a
// multi-row insert repeats the group, comma-separated.
extern const char kCustomerInsertHead[];
extern const char kCustomerInsertGroup[];
// Binds one group from parameter `first` on; returns the next free index.
// `customer` holds the code and the normalised fields.
int BindCustomerInsert(sql::PreparedStatement& stmt, int first, const v1::Customer& customer,
                       const RowExtras& extras);

// The customer as ReadCustomer would read it right after BindCustomerInsert
// wrote `customer` with `extras` and the row got `id` (bulk import builds the
// change log's states without reading its rows back).
v1::Customer InsertedCustomer(const v1::Customer& customer, int64_t id, const RowExtras& extras);

// "UPDATE customers SET <every mutable column>, version = version + 1 ... WHERE id = ?"
extern const char kCustomerUpdate[];
void BindCustomerUpdate(sql::PreparedStatement& stmt, const v1::Customer& customer, int64_t city_id,
                        const std::string& now);

// Importance as the code letter.
char ImportanceLetter(v1::CustomerImportance importance);

}  // namespace crm::customer
