// MariaDbServer: drives deploy/local/mariadb.sh, the same script up.sh uses.
#include "tests/support/mariadb_server.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "tests/support/child_process.h"

namespace crm::testing {
namespace {

const char* const kServices[] = {"customer", "sales", "feedback", "org", "reporting"};
constexpr char kScratchPassword[] = "scratch-pw";

std::string Script() { return std::string(CRM_SOURCE_DIR) + "/deploy/local/mariadb.sh"; }

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Unmounts the data directory's own file system, if it has one.
std::string UnmountCommand(const std::string& data_dir) {
  return "if mountpoint -q " + Quote(data_dir) + "; then umount " + Quote(data_dir) + "; fi";
}

}  // namespace

int MariaDbServer::own_disk_megabytes_ = 0;

bool MariaDbServer::CanMountFileSystems() {
  const std::string probe = MakeTempDir("crm-mount-probe");
  const bool mounted = RunCommand("mount -t tmpfs -o size=1m crm-probe " + Quote(probe)) == 0;
  if (mounted) RunCommand("umount " + Quote(probe));
  RemoveTree(probe);
  return mounted;
}

MariaDbServer& MariaDbServer::Get() {
  static MariaDbServer* server = [] {
    auto* s = new MariaDbServer();
    std::atexit([] {
      Get().Stop();
      RunCommand(UnmountCommand(Get().data_dir()));
      RemoveTree(Get().dir_);
    });
    return s;
  }();
  return *server;
}

MariaDbServer::MariaDbServer() : dir_(MakeTempDir("crm-mariadb")) {
  if (own_disk_megabytes_ > 0) {
    std::string output;
    if (RunCommand("mkdir -p " + Quote(data_dir()) +
                       " && mount -t tmpfs -o size=" + std::to_string(own_disk_megabytes_) +
                       "m,mode=0700 crm-test-disk " + Quote(data_dir()),
                   &output) != 0) {
      throw std::runtime_error("could not mount the data directory's file system: " + output);
    }
  }
  Start();
  // Should this process die without running its exit handlers (a crash, a
  // ctest timeout), a watchdog still stops the server and removes its files.
  RunCommand("nohup sh -c 'while kill -0 " + std::to_string(getpid()) +
             " 2>/dev/null; do sleep 1; done; " + Script() + " stop " + Quote(dir_) + "; " +
             UnmountCommand(data_dir()) + "; rm -rf " + Quote(dir_) + "' >/dev/null 2>&1 &");
  std::string env;
  for (const char* service : kServices) {
    std::string upper(service);
    for (char& c : upper) c = static_cast<char>(toupper(c));
    env += "CRM_" + upper + "_DB_PASSWORD=" + Quote(ServicePassword(service)) + " ";
  }
  std::string output;
  if (RunCommand(env + Script() + " provision " + Quote(dir_), &output) != 0) {
    throw std::runtime_error("provisioning failed: " + output);
  }
  // Scratch schemas for tests of the shared code: one user granted on t_*.
  std::string sql;
  for (const char* host : {"%", "localhost", "127.0.0.1"}) {
    sql += std::string("CREATE USER IF NOT EXISTS 'crm_test'@'") + host + "' IDENTIFIED BY '" +
           kScratchPassword + "'; GRANT ALL PRIVILEGES ON `t\\_%`.* TO 'crm_test'@'" + host + "';";
  }
  Sql(sql);
}

void MariaDbServer::Start() {
  std::string output;
  if (RunCommand(Script() + " start " + Quote(dir_) + " socket-only", &output) != 0) {
    throw std::runtime_error("MariaDB did not start: " + output);
  }
}

void MariaDbServer::Stop() { RunCommand(Script() + " stop " + Quote(dir_)); }

std::string MariaDbServer::ServicePassword(const std::string& service) const {
  return "test-" + service + "-secret";
}

MySqlOptions MariaDbServer::ServiceOptions(const std::string& service) const {
  MySqlOptions o;
  o.socket = socket();
  o.user = "crm_" + service;
  o.database = "crm_" + service;
  o.password = ServicePassword(service);
  return o;
}

MySqlOptions MariaDbServer::ScratchSchema() {
  std::string name = "t_" + std::to_string(getpid()) + "_" + std::to_string(++scratch_count_);
  Sql("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  MySqlOptions o;
  o.socket = socket();
  o.user = "crm_test";
  o.password = kScratchPassword;
  o.database = name;
  return o;
}

std::string MariaDbServer::Sql(const std::string& sql) {
  std::string path = dir_ + "/query.sql";
  {
    std::ofstream out(path);
    out << sql;
  }
  std::string output;
  if (RunCommand(Script() + " sql " + Quote(dir_) + " < " + Quote(path), &output) != 0) {
    throw std::runtime_error("SQL failed: " + output);
  }
  return output;
}

}  // namespace crm::testing
