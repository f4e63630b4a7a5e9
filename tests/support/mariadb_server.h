// A private MariaDB server for the tests of one test binary, started on first
// use (own data directory, no systemd) and stopped at exit. It listens on a
// Unix socket in its directory only: no TCP port to collide with anything.
#pragma once

#include <string>

#include "common/db/mysql_pool.h"

namespace crm::testing {

class MariaDbServer {
 public:
  // The server of this test binary; starts it (about 3 s) on first call.
  static MariaDbServer& Get();

  // Call before the first Get(): the data directory gets a file system of its
  // own, `megabytes` in size (a tmpfs), so a test can fill it up for real.
  // Needs the right to mount (root, as on CI); see CanMountFileSystems().
  static void PutDataOnOwnDisk(int megabytes) { own_disk_megabytes_ = megabytes; }
  static bool CanMountFileSystems();

  // The server's Unix socket (db-socket / MySqlOptions::socket).
  std::string socket() const { return dir_ + "/mysqld.sock"; }
  const std::string& dir() const { return dir_; }
  // Where the server keeps its files (tables, redo log).
  std::string data_dir() const { return dir_ + "/data"; }

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
  static int own_disk_megabytes_;
  std::string dir_;
  int scratch_count_ = 0;
};

}  // namespace crm::testing
