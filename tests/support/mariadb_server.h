// A private MariaDB server for the tests of one test binary, started on first
// use (own data directory and free port, no systemd) and stopped at exit.
#pragma once

#include <string>

#include "common/mysql_pool.h"

namespace crm::testing {

class MariaDbServer {
 public:
  // The server of this test binary; starts it (about 3 s) on first call.
  static MariaDbServer& Get();

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }

  // Connection options for a service's own schema and user (crm_<service>),
  // as deploy/local/mariadb.sh provision creates them.
  MySqlOptions ServiceOptions(const std::string& service) const;
  std::string ServicePassword(const std::string& service) const;

  // A new empty schema no other test uses, and options to reach it as a user
  // granted on it alone.
  MySqlOptions ScratchSchema();

  // Runs SQL as root; returns the client's output. Throws on failure.
  std::string Sql(const std::string& sql);

  void Stop();
  void Start();

 private:
  MariaDbServer();
  std::string dir_;
  int port_ = 0;
  int scratch_count_ = 0;
};

}  // namespace crm::testing
