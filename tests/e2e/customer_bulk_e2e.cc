// Bulk import and export through the gateway, as another system would call
// them: a CSV streamed in pieces with good and bad rows, a stream that breaks
// off, an export of a filtered list compared with the list, and who may do it.
#include <grpcpp/client_context.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "common/text/csv.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"

namespace crm {
namespace {

namespace v1 = customer::v1;

class CustomerBulkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
    auto gateway = testing::Connect(stack_->gateway_address());
    // The east team: its head sees what its sales person owns.
    const testing::SalesOrg org = testing::SalesOrg::Build(gateway);
    head_ = new testing::Session(org.head_east);
    sales_ = new testing::Session(org.sales_a);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override {
    stub_ = v1::CustomerService::NewStub(testing::Connect(stack_->gateway_address()));
  }

  // Streams `csv` in pieces of `piece` bytes; with `send_end` false the
  // client closes its side without the end message.
  grpc::Status Import(const testing::Session& as, const std::string& csv,
                      v1::ImportCustomersResponse* response, bool send_end = true,
                      v1::ImportOptions::Mode mode = v1::ImportOptions::MODE_CREATE) {
    auto context = testing::AuthContext(as, std::chrono::seconds(60));
    auto writer = stub_->ImportCustomers(context.get(), response);
    v1::ImportCustomersRequest message;
    message.mutable_options()->set_mode(mode);
    writer->Write(message);
    constexpr size_t kPiece = 4096;
    for (size_t i = 0; i < csv.size(); i += kPiece) {
      message.set_csv_chunk(csv.substr(i, kPiece));
      if (!writer->Write(message)) break;
    }
    if (send_end) {
      message.mutable_end();
      writer->Write(message);
    }
    writer->WritesDone();
    return writer->Finish();
  }

  std::string ExportCsv(const testing::Session& as, const v1::ListCustomersRequest& query) {
    auto context = testing::AuthContext(as, std::chrono::seconds(60));
    v1::ExportCustomersRequest request;
    *request.mutable_query() = query;
    auto reader = stub_->ExportCustomers(context.get(), request);
    std::string csv;
    v1::ExportCustomersResponse piece;
    while (reader->Read(&piece)) csv += piece.csv_chunk();
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return csv;
  }

  std::vector<v1::Customer> ListAll(const testing::Session& as, v1::ListCustomersRequest query) {
    std::vector<v1::Customer> all;
    query.set_page_size(37);
    for (;;) {
      v1::ListCustomersResponse page;
      grpc::Status status = stub_->ListCustomers(testing::AuthContext(as).get(), query, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      for (const auto& c : page.customers()) all.push_back(c);
      if (!status.ok() || page.next_page_token().empty()) return all;
      query.set_page_token(page.next_page_token());
    }
  }

  int64_t CountByName(const testing::Session& as, const std::string& name) {
    v1::ListCustomersRequest query;
    query.set_name(name);
    return static_cast<int64_t>(ListAll(as, query).size());
  }

  static testing::Stack* stack_;
  static testing::Session* head_;
  static testing::Session* sales_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

testing::Stack* CustomerBulkTest::stack_ = nullptr;
testing::Session* CustomerBulkTest::head_ = nullptr;
testing::Session* CustomerBulkTest::sales_ = nullptr;

TEST_F(CustomerBulkTest, GoodRowsLandAndBadRowsAreReportedByRow) {
  const std::string csv =
      "name,region_code,city,tax_id,status,annual_revenue,contact_name,contact_mobile\r\n"
      "深圳南山电子有限公司,south,深圳,91440300MA5F000001,SIGNED,1200000,陈小姐,13600000001\r\n"
      "坏行一,south,北京,,,,,\r\n"                         // 2: 北京 is not a south city
      "\"广州\"\"天河\"\", 科技\",south,广州,,,abc,,\r\n"  // 3: revenue is no amount
      "汕头玩具有限公司,south,汕头,,FOLLOWING_UP,,,\r\n";
  v1::ImportCustomersResponse response;
  grpc::Status status = Import(*head_, csv, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.rows_read(), 4);
  EXPECT_EQ(response.created(), 2);
  EXPECT_EQ(response.failed(), 2);
  ASSERT_EQ(response.errors_size(), 2);
  EXPECT_EQ(response.errors(0).row(), 2);
  EXPECT_EQ(response.errors(0).field(), "city");
  EXPECT_EQ(response.errors(1).row(), 3);
  EXPECT_EQ(response.errors(1).field(), "annual_revenue");
  EXPECT_EQ(CountByName(*head_, "深圳南山电子有限公司"), 1);
  EXPECT_EQ(CountByName(*head_, "坏行一"), 0);

  // The same file again: every good row is now a duplicate, named by code.
  v1::ImportCustomersResponse again;
  ASSERT_TRUE(Import(*head_, csv, &again).ok());
  EXPECT_EQ(again.created(), 0);
  EXPECT_EQ(again.failed(), 4);
  EXPECT_FALSE(again.errors(0).duplicate_of_code().empty());

  // A sales person may not import.
  v1::ImportCustomersResponse refused;
  EXPECT_EQ(Import(*sales_, csv, &refused).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(CustomerBulkTest, AStreamThatBreaksOffLeavesNoHalfWrittenRow) {
  // 1,500 rows: the first batch of 1,024 is written when it fills; the rest
  // waits for the end message, which never comes.
  std::string csv = "name,region_code,city,contact_name\n";
  for (int i = 0; i < 1500; ++i)
    absl::StrAppend(&csv, "断流客户", i, ",south,广州,联系人", i, "\n");
  v1::ImportCustomersResponse response;
  grpc::Status status = Import(*head_, csv, &response, /*send_end=*/false);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("without its `end`"), std::string::npos);

  v1::ListCustomersRequest query;
  query.set_city("广州");
  int landed = 0;
  for (const v1::Customer& c : ListAll(*head_, query)) {
    if (c.name().rfind("断流客户", 0) != 0) continue;
    ++landed;
    // Each landed customer came with its contact, in the same transaction.
    v1::ListContactsRequest contacts;
    contacts.set_customer_id(c.id());
    v1::ListContactsResponse found;
    ASSERT_TRUE(stub_->ListContacts(testing::AuthContext(*head_).get(), contacts, &found).ok());
    ASSERT_EQ(found.contacts_size(), 1) << c.name();
    EXPECT_TRUE(found.contacts(0).primary());
  }
  EXPECT_EQ(landed, 1024);

  // Sending the whole file again completes it.
  v1::ImportCustomersResponse rest;
  ASSERT_TRUE(Import(*head_, csv, &rest).ok());
  EXPECT_EQ(rest.created(), 1500 - 1024);
}

TEST_F(CustomerBulkTest, AnExportOfAFilteredListEqualsTheList) {
  std::string csv = "name,region_code,city,status,employee_count\n";
  for (int i = 0; i < 300; ++i) {
    absl::StrAppend(&csv, "导出", i, "号公司,south,", i % 2 ? "南宁" : "珠海", ",",
                    i % 3 ? "SIGNED" : "TERMINATED", ",", i, "\n");
  }
  v1::ImportCustomersResponse imported;
  ASSERT_TRUE(Import(*head_, csv, &imported).ok());
  ASSERT_EQ(imported.created(), 300)
      << (imported.errors_size() ? imported.errors(0).message() : "");

  v1::ListCustomersRequest query;
  query.set_city("南宁");
  query.set_status(v1::CUSTOMER_STATUS_SIGNED);
  query.set_order_by(v1::ListCustomersRequest::ORDER_BY_NAME);
  query.set_descending(true);
  const std::vector<v1::Customer> listed = ListAll(*head_, query);
  ASSERT_EQ(listed.size(), 100u);

  std::vector<std::vector<std::string>> records;
  CsvReader reader([&](CsvReader::Record& r) {
    records.push_back(r);
    return absl::OkStatus();
  });
  ASSERT_TRUE(reader.Feed(ExportCsv(*head_, query)).ok());
  ASSERT_TRUE(reader.Finish().ok());
  ASSERT_EQ(records.size(), listed.size() + 1);
  const std::vector<std::string>& header = records[0];
  auto column = [&](const std::string& name) {
    return std::find(header.begin(), header.end(), name) - header.begin();
  };
  for (size_t i = 0; i < listed.size(); ++i) {
    const auto& record = records[i + 1];
    EXPECT_EQ(record[column("code")], listed[i].code());
    EXPECT_EQ(record[column("name")], listed[i].name());
    EXPECT_EQ(record[column("city")], "南宁");
    EXPECT_EQ(record[column("status")], "SIGNED");
    EXPECT_EQ(record[column("employee_count")], absl::StrCat(listed[i].employee_count()));
  }

  // A sales person exports what they may see: none of the head's customers.
  const std::string theirs = ExportCsv(*sales_, query);
  EXPECT_EQ(std::count(theirs.begin(), theirs.end(), '\n'), 1);  // the header only
}

}  // namespace
}  // namespace crm
