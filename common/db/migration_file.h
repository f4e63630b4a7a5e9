// A migration file compiled into a binary (see cmake/CrmMigrations.cmake).
#pragma once

#include <string>
#include <vector>

namespace crm {

struct MigrationFile {
  std::string track;      // "common" or the service name; versions are per track
  std::string file_name;  // V0001__create_customers.sql
  std::string sql;
};

// Migrations every service schema gets (the change log), applied before the
// service's own track.
std::vector<MigrationFile> CommonMigrations();

}  // namespace crm
