// A disk that fills up under the database, for real: this binary's MariaDB
// keeps its files on a small file system of its own, which the test fills
// with a file until the kernel answers "no space left" (ENOSPC), the way a
// runaway log or a backup fills a production disk.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/support/clients.h"
#include "tests/support/mariadb_server.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace v1 = customer::v1;

// Large enough for the server's own files (a 96 MiB redo log, 12 MiB system
// and temporary tablespaces) and every service's tables.
constexpr int kDiskMegabytes = 320;

// Fills the file system holding `path` with one file until a write fails for
// want of space; returns how many bytes that took, or -1 on another error.
long long FillDisk(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return -1;
  std::setvbuf(file, nullptr, _IONBF, 0);  // each write reaches the file system at once
  long long written = 0;
  for (size_t chunk : {size_t{1} << 20, size_t{4096}, size_t{1}}) {
    const std::vector<char> zeros(chunk, 0);
    while (std::fwrite(zeros.data(), 1, chunk, file) == chunk) written += chunk;
    if (errno != ENOSPC) {
      std::fclose(file);
      return -1;
    }
    std::clearerr(file);
  }
  std::fclose(file);
  return written;
}

std::string Sql(const std::string& sql) {
  std::string out = testing::MariaDbServer::Get().Sql(sql);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class FullDiskTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::MariaDbServer::CanMountFileSystems()) {
      GTEST_SKIP() << "this machine does not let the test mount a file system (run as root)";
    }
    testing::MariaDbServer::PutDataOnOwnDisk(kDiskMegabytes);
    stack_ = new testing::Stack();
    stack_->Start();
    auto session = testing::Login(testing::Connect(stack_->gateway_address()), "admin",
                                  testing::kTestAdminPassword);
    ASSERT_TRUE(session.ok()) << session.status();
    admin_ = new testing::Session(*session);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    if (stack_ == nullptr) GTEST_SKIP() << "no stack";
    stub_ = v1::CustomerService::NewStub(testing::Connect(stack_->gateway_address()));
  }

  grpc::Status Create(const std::string& request_id, v1::Customer* created) {
    v1::CreateCustomerRequest request;
    request.set_request_id(request_id);
    request.mutable_customer()->set_name("满盘测试客户 " + request_id);
    request.mutable_customer()->set_region_code("north");
    // Large rows, so the tables need new pages soon.
    request.mutable_customer()->set_remarks(std::string(1800, 'r'));
    return stub_->CreateCustomer(testing::AuthContext(*admin_).get(), request, created);
  }

  // Customers stored under names of this test, and the change-log rows of
  // customers that do not exist (a half-written create).
  static std::string StoredNames() {
    return Sql("SELECT COUNT(*) FROM crm_customer.customers WHERE name LIKE '满盘测试客户 %'");
  }
  static std::string OrphanChanges() {
    return Sql(
        "SELECT COUNT(*) FROM crm_customer.change_log l LEFT JOIN crm_customer.customers c "
        "ON c.id = l.entity_id WHERE l.entity_type = 'crm.customer.v1.Customer' AND c.id IS NULL");
  }

  static testing::Stack* stack_;
  static testing::Session* admin_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

testing::Stack* FullDiskTest::stack_ = nullptr;
testing::Session* FullDiskTest::admin_ = nullptr;

// Writes are refused with UNAVAILABLE and the reason while the disk is full;
// every acknowledged write is kept, the refused one left no trace, reads go
// on; once space is freed the same request succeeds without restarting
// anything, and the tables check clean, also after a database restart.
TEST_F(FullDiskTest, AFullDiskRefusesWritesClearlyLosesNothingAndRecoversByItself) {
  std::vector<v1::Customer> acknowledged;
  for (int i = 0; i < 20; ++i) {
    v1::Customer created;
    ASSERT_TRUE(Create(absl::StrCat("before-", i), &created).ok());
    acknowledged.push_back(created);
  }

  const std::string filler = testing::MariaDbServer::Get().data_dir() + "/filler";
  const long long filled = FillDisk(filler);
  ASSERT_GT(filled, 0) << "the disk could not be filled";
  struct RemoveFiller {
    std::string path;
    ~RemoveFiller() { std::remove(path.c_str()); }
  } remove_filler{filler};

  // Pages the tables already have take a few more rows; then a table must
  // grow, and cannot.
  grpc::Status refused;
  std::string refused_request;
  for (int i = 0; i < 2000 && refused.ok(); ++i) {
    refused_request = absl::StrCat("while-full-", i);
    v1::Customer created;
    refused = Create(refused_request, &created);
    if (refused.ok()) acknowledged.push_back(created);
  }
  ASSERT_FALSE(refused.ok()) << "2,000 creates fitted on a full disk";
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE) << refused.error_message();
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "no room to write"))
      << refused.error_message();
  for (const char* leak : {"INSERT", "customers", "InnoDB", "1114"}) {
    EXPECT_FALSE(absl::StrContains(refused.error_message(), leak)) << refused.error_message();
  }
  google::rpc::Status rich;
  ASSERT_TRUE(rich.ParseFromString(refused.error_details()));
  google::rpc::ErrorInfo info;
  for (const auto& detail : rich.details()) detail.UnpackTo(&info);
  EXPECT_EQ(info.reason(), "DATABASE_FULL");
  std::cout << "filled the disk with " << filled / (1 << 20) << " MiB; " << acknowledged.size() - 20
            << " creates fitted in allocated pages before \"" << refused.error_message() << "\"\n";

  // Reads go on while the disk is full.
  for (const v1::Customer& customer : {acknowledged.front(), acknowledged.back()}) {
    v1::GetCustomerRequest get;
    get.set_id(customer.id());
    v1::Customer read;
    grpc::Status status = stub_->GetCustomer(testing::AuthContext(*admin_).get(), get, &read);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(read.name(), customer.name());
  }
  // Nothing of the refused create, nothing half-written.
  EXPECT_EQ(StoredNames(), std::to_string(acknowledged.size()));
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM crm_customer.customers WHERE name = '满盘测试客户 " +
                refused_request + "'"),
            "0");
  EXPECT_EQ(OrphanChanges(), "0");

  // Space is freed: the same request now succeeds, with no restart.
  std::remove(filler.c_str());
  v1::Customer retried;
  grpc::Status status = Create(refused_request, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  acknowledged.push_back(retried);
  EXPECT_EQ(StoredNames(), std::to_string(acknowledged.size()));

  // No corruption: every table checks clean, and after a restart of the
  // database every acknowledged customer reads back.
  const std::string tables =
      Sql("SELECT GROUP_CONCAT(CONCAT('crm_customer.', table_name)) FROM information_schema.tables "
          "WHERE table_schema = 'crm_customer'");
  for (absl::string_view line : absl::StrSplit(Sql("CHECK TABLE " + tables), '\n')) {
    if (absl::StrContains(line, "\tstatus\t")) {
      EXPECT_TRUE(absl::EndsWith(line, "\tOK")) << line;
    }
    EXPECT_FALSE(absl::StrContains(line, "\terror\t")) << line;
  }
  testing::MariaDbServer::Get().Stop();
  testing::MariaDbServer::Get().Start();
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM crm_customer.customers WHERE name LIKE '满盘测试客户 %'"),
            std::to_string(acknowledged.size()));
  ASSERT_TRUE(stack_->WaitAllServing());
  std::set<int64_t> missing;
  for (const v1::Customer& customer : acknowledged) {
    v1::GetCustomerRequest get;
    get.set_id(customer.id());
    v1::Customer read;
    grpc::Status read_status;
    // The services reconnect on their own, within a few seconds.
    testing::Eventually(
        [&] {
          read_status = stub_->GetCustomer(testing::AuthContext(*admin_).get(), get, &read);
          return read_status.error_code() != grpc::StatusCode::UNAVAILABLE;
        },
        std::chrono::seconds(10));
    if (!read_status.ok() || read.name() != customer.name()) missing.insert(customer.id());
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " acknowledged customers did not read back";
}

}  // namespace
}  // namespace crm
