// Bulk import and export against a real MariaDB, through the stream handlers
// as the server drives them: CSV in slices and rows as messages, per-row
// errors with row numbers, duplicates (in the database and within the file),
// dry runs, upserts, a stream that ends without `end`, and export = list.
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/record_helpers.h"
#include "common/text/csv.h"
#include "services/customer/bulk_handlers.h"
#include "services/customer/bulk_loads.h"
#include "services/customer/contact_repository.h"
#include "services/customer/grade_policy.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

using Request = v1::ImportCustomersRequest;

class BulkTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    contacts_ = std::make_unique<ContactRepository>(*db_);
    bulk_ = std::make_unique<BulkHandlers>(*db_, *repo_, *contacts_, grades_,
                                           absl::FixedTimeZone(8 * 3600));
    head_ = As(102, Bit(Role::kDepartmentHead), 8, "/1/2/");
  }

  static Request Options(v1::ImportOptions::Mode mode = v1::ImportOptions::MODE_CREATE,
                         bool dry_run = false) {
    Request r;
    r.mutable_options()->set_mode(mode);
    r.mutable_options()->set_dry_run(dry_run);
    return r;
  }
  static Request Chunk(const std::string& bytes) {
    Request r;
    r.set_csv_chunk(bytes);
    return r;
  }
  static Request End() {
    Request r;
    r.mutable_end();
    return r;
  }

  // Drives an import as the server would; the first failing status, or the response.
  absl::StatusOr<v1::ImportCustomersResponse> Import(const std::vector<Request>& messages,
                                                     const CallContext* as = nullptr) {
    const CallContext& call = as ? *as : head_;
    CRM_ASSIGN_OR_RETURN(auto handler, bulk_->ImportCustomers(call));
    for (const Request& m : messages) CRM_RETURN_IF_ERROR(handler->OnMessage(m));
    v1::ImportCustomersResponse response;
    CRM_RETURN_IF_ERROR(handler->OnEnd(&response));
    return response;
  }

  // The CSV sent in slices of `slice` bytes.
  absl::StatusOr<v1::ImportCustomersResponse> ImportCsv(
      const std::string& csv, v1::ImportOptions::Mode mode = v1::ImportOptions::MODE_CREATE,
      bool dry_run = false, size_t slice = 7) {
    std::vector<Request> messages{Options(mode, dry_run)};
    for (size_t i = 0; i < csv.size(); i += slice) messages.push_back(Chunk(csv.substr(i, slice)));
    messages.push_back(End());
    return Import(messages);
  }

  // Every piece of an export, joined.
  absl::StatusOr<std::string> Export(const v1::ListCustomersRequest& query, const CallContext& as) {
    v1::ExportCustomersRequest request;
    *request.mutable_query() = query;
    CRM_ASSIGN_OR_RETURN(auto stream, bulk_->ExportCustomers(as, request));
    std::string csv;
    for (;;) {
      v1::ExportCustomersResponse piece;
      CRM_ASSIGN_OR_RETURN(bool more, stream->Next(&piece));
      if (!more) return csv;
      csv += piece.csv_chunk();
    }
  }

  GradePolicy grades_;
  std::unique_ptr<ContactRepository> contacts_;
  std::unique_ptr<BulkHandlers> bulk_;
  CallContext head_;
};

constexpr char kHeader[] =
    "name,region_code,city,tax_id,importance,status,annual_revenue,employee_count,"
    "contact_name,contact_mobile\n";

// Two imports at a time per process: a third is refused at once, and may
// start once one has finished.
TEST_F(BulkTest, AtMostTwoImportsRunAtOnce) {
  BulkLoads loads;
  BulkHandlers limited(*db_, *repo_, *contacts_, grades_, absl::FixedTimeZone(8 * 3600), &loads);
  auto first = limited.ImportCustomers(head_);
  auto second = limited.ImportCustomers(head_);
  ASSERT_TRUE(first.ok() && second.ok());
  auto third = limited.ImportCustomers(head_);
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted) << third.status();
  first->reset();
  EXPECT_TRUE(limited.ImportCustomers(head_).ok());
}

// Rows are written in batches bounded in bytes as well as in rows: six rows
// of 900 KiB make a batch of five (over 4 MiB) and leave one pending, so an
// import's memory stays bounded whatever its rows' size.
TEST_F(BulkTest, ABatchIsWrittenOnceItsRowsHoldFourMebibytes) {
  std::string csv = "name,region_code,city,remarks\n";
  for (int i = 0; i < 6; ++i) {
    absl::StrAppend(&csv, "大行客户", i, ",east,上海,", std::string(900 * 1024, 'x'), "\n");
  }
  std::vector<Request> messages{Options()};
  for (size_t i = 0; i < csv.size(); i += 512 * 1024) messages.push_back(Chunk(csv.substr(i, 512 * 1024)));
  auto cut = Import(messages);  // no end: what was written is reported
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(cut.status().message()).find("rows up to 5 were imported, the 1 rows"),
            std::string::npos)
      << cut.status();
}

// A department head importing rows that clash with a customer outside their
// subtree learns that it exists, never its code.
TEST_F(BulkTest, AClashWithACustomerOutOfSightIsNotNamed) {
  CallContext other_department = As(103, Bit(Role::kSales), 9, "/1/3/");
  v1::Customer theirs = Sample("别处的客户", "north");
  theirs.set_city("北京");
  theirs.set_tax_id("91110000MA1FL0003Z");
  auto created = repo_->Create(other_department, theirs, "", false);
  ASSERT_TRUE(created.ok()) << created.status();
  for (auto mode : {v1::ImportOptions::MODE_CREATE, v1::ImportOptions::MODE_UPSERT}) {
    auto result = ImportCsv(absl::StrCat(kHeader, "新名字,north,北京,91110000MA1FL0003Z,,,,,,\n"),
                            mode);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->failed(), 1);
    for (const auto& e : result->errors()) {
      EXPECT_EQ(e.duplicate_of_code(), "") << e.message();
      EXPECT_EQ(e.message().find(created->code()), std::string::npos) << e.message();
    }
  }
  EXPECT_EQ(repo_->Get(As(1, Bit(Role::kAdministrator)), created->id())->name(), "别处的客户");
}

TEST_F(BulkTest, GoodRowsLandBadRowsAreReportedWithTheirRowNumbers) {
  const std::string csv =
      absl::StrCat(kHeader,
                   "上海华东电气有限公司,east,上海,91310000MA1FL0001X,i,SIGNED,60000000.50,520,"
                   "王建国,13912345678\n",
                   "\"杭州\"\"西湖\"\"贸易, 有限公司\",east,杭州,,n,,,,,\n",  // quotes and a comma
                   ",east,上海,,,,,,,\n",                                     // 3: no name
                   "广州某某公司,south,上海,,,,,,,\n",                    // 4: city not in region
                   "深圳某某公司,south,深圳,,,FLYING,12.345,many,,\n",    // 5: three bad values
                   "北京某某公司,north,北京,91310000MA1FL0001X,,,,,,\n",  // 6: tax ID of row 1
                   "杭州某某公司,east,杭州,,,,,,李四,not-a-phone\n",      // 7: bad contact phone
                   "上海华东电气有限公司,east,上海,,,,,,,\n");            // 8: same name, city as 1
  auto result = ImportCsv(csv);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rows_read(), 8);
  EXPECT_EQ(result->created(), 2);
  EXPECT_EQ(result->failed(), 6);
  std::map<int64_t, std::vector<std::string>> fields;
  for (const auto& e : result->errors()) fields[e.row()].push_back(e.field());
  EXPECT_EQ(fields[3], std::vector<std::string>{"name"});
  EXPECT_EQ(fields[4], std::vector<std::string>{"city"});
  EXPECT_EQ(fields[5], (std::vector<std::string>{"status", "annual_revenue", "employee_count"}));
  EXPECT_EQ(fields[6].size(), 1u);
  EXPECT_EQ(fields[7], std::vector<std::string>{"primary_contact.mobile_phone"});
  EXPECT_EQ(fields[8].size(), 1u);
  EXPECT_EQ(fields.size(), 6u);
  for (const auto& e : result->errors()) {
    if (e.row() == 6 || e.row() == 8) {
      EXPECT_NE(e.message().find("repeats row 1"), std::string::npos);
    }
  }
  // Against the database, a duplicate names the customer it duplicates.
  auto again = ImportCsv(absl::StrCat(kHeader, "别的名字,north,北京,91310000ma1fl0001x,,,,,,\n",
                                      "上海华东电气有限公司,east,上海,,,,,,,\n"));
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->errors_size(), 2);
  for (const auto& e : again->errors()) EXPECT_EQ(e.duplicate_of_code(), "i021001") << e.row();
  EXPECT_NE(again->errors(0).message().find("same tax ID"), std::string::npos);
  EXPECT_NE(again->errors(1).message().find("same name in the same city"), std::string::npos);

  auto first = repo_->Lookup(head_, "i021001", "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->name(), "上海华东电气有限公司");
  EXPECT_EQ(first->annual_revenue().minor_units(), 6000000050);
  EXPECT_EQ(first->employee_count(), 520);
  EXPECT_EQ(first->status(), v1::CUSTOMER_STATUS_SIGNED);
  EXPECT_EQ(first->owner_id(), 8);
  EXPECT_EQ(first->province(), "上海");
  auto contacts = contacts_->List(head_, first->id(), "", 10, std::nullopt);
  ASSERT_TRUE(contacts.ok());
  ASSERT_EQ(contacts->contacts.size(), 1u);
  EXPECT_TRUE(contacts->contacts[0].primary());
  EXPECT_EQ(contacts->contacts[0].mobile_phone(), "13912345678");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE name = '杭州\"西湖\"贸易, 有限公司'"), 1);
  // The change log holds each new record exactly as it reads back.
  auto state_of = [&](const std::string& type, int64_t id, google::protobuf::Message& state) {
    auto c = pool_->Acquire();
    sql::PreparedStatement& stmt =
        (*c)->Prepare("SELECT state FROM change_log WHERE entity_type = ? AND entity_id = ?");
    stmt.setString(1, type);
    stmt.setInt64(2, id);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    ASSERT_TRUE(rs->next());
    ASSERT_TRUE(state.ParseFromString(rs->getString(1)));
  };
  v1::Customer logged;
  state_of("crm.customer.v1.Customer", first->id(), logged);
  v1::Customer read = *first;
  read.clear_shared_with_employee_ids();
  EXPECT_EQ(logged.DebugString(), read.DebugString());
  v1::Contact logged_contact;
  state_of("crm.customer.v1.Contact", contacts->contacts[0].id(), logged_contact);
  auto read_contact = contacts_->Get(head_, contacts->contacts[0].id());
  ASSERT_TRUE(read_contact.ok());
  EXPECT_EQ(logged_contact.DebugString(), read_contact->DebugString());
  // Every new customer and contact is in the change log.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.customer.v1.Customer'"),
            2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.customer.v1.Contact'"),
            1);
}

TEST_F(BulkTest, ManyBatchesGetUniqueCodesAndADuplicateAcrossBatchesIsCaught) {
  std::string csv = "name,region_code,city\n";
  for (int i = 0; i < 10000; ++i) absl::StrAppend(&csv, "客户", i, ",east,上海\n");
  absl::StrAppend(&csv, "客户7,east,上海\n");  // row 10001 repeats row 8 (batches back)
  auto result = ImportCsv(csv, v1::ImportOptions::MODE_CREATE, false, 65536);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->created(), 10000);
  ASSERT_EQ(result->errors_size(), 1);
  EXPECT_EQ(result->errors(0).row(), 10001);
  // Named by the code row 8 got. (Two batches reserve their codes side by
  // side, so which batch's rows get the lower numbers is not fixed.)
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM customers WHERE name = '客户7' AND code = '",
                               result->errors(0).duplicate_of_code(), "'")),
            1);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT code) FROM customers"), 10000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers WHERE code = 'n02110000'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT sequence) FROM change_log"), 10000);
}

TEST_F(BulkTest, ADuplicateInTheBatchWrittenAlongsideIsCaughtToo) {
  // Batches are written two at a time: row 1100 (second batch) repeats row
  // 1000 (first batch) while neither has committed.
  std::string csv = "name,region_code,city,tax_id\n";
  for (int i = 1; i <= 3 * kImportBatchRows; ++i) {
    absl::StrAppend(&csv, "并行客户", i == 1100 ? 1000 : i, ",east,上海,T", i == 1100 ? 1000 : i,
                    "\n");
  }
  auto result = ImportCsv(csv, v1::ImportOptions::MODE_CREATE, false, 65536);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->created(), 3 * kImportBatchRows - 1);
  ASSERT_EQ(result->errors_size(), 1);
  EXPECT_EQ(result->errors(0).row(), 1100);
  EXPECT_FALSE(result->errors(0).duplicate_of_code().empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 3 * kImportBatchRows - 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 3 * kImportBatchRows - 1);
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT code) FROM customers"), 3 * kImportBatchRows - 1);
}

TEST_F(BulkTest, ADryRunChecksEverythingAndWritesNothing) {
  std::string csv = "name,region_code,city\n";
  for (int i = 0; i < 1500; ++i) absl::StrAppend(&csv, "客户", i, ",east,上海\n");
  absl::StrAppend(&csv, "客户3,east,上海\n", "坏的,nowhere,\n");
  auto result = ImportCsv(csv, v1::ImportOptions::MODE_CREATE, /*dry_run=*/true, 4096);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->dry_run());
  EXPECT_EQ(result->created(), 1500);
  EXPECT_EQ(result->failed(), 2);
  ASSERT_EQ(result->errors_size(), 2);
  EXPECT_EQ(result->errors(0).row(), 1501);  // repeats row 4, in an earlier batch
  EXPECT_EQ(result->errors(1).row(), 1502);
  EXPECT_EQ(result->errors(1).field(), "region_code");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 0);
}

TEST_F(BulkTest, UpsertUpdatesMatchesByCodeTaxIdOrNameAndCreatesTheRest) {
  ASSERT_TRUE(ImportCsv(absl::StrCat(kHeader,
                                     "甲公司,east,上海,TAX0001,,,,,张三,13800000001\n"
                                     "乙公司,east,上海,,,,,,,\n"))
                  .ok());
  auto a = repo_->Lookup(head_, "", "TAX0001");
  ASSERT_TRUE(a.ok());
  const std::string csv = absl::StrCat(
      "code,name,region_code,city,tax_id,employee_count,contact_mobile\n", a->code(),
      ",甲公司,east,上海,,88,13800000002\n",  // by code: employees and the contact's phone
      ",乙公司,east,上海,TAX0002,,\n",        // by name in the city: gains a tax ID
      ",丙公司,east,上海,,,\n");              // new
  auto result = ImportCsv(csv, v1::ImportOptions::MODE_UPSERT);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->updated(), 2);
  EXPECT_EQ(result->created(), 1);
  EXPECT_EQ(result->errors_size(), 0) << result->errors(0).message();
  auto updated = repo_->Get(head_, a->id());
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->employee_count(), 88);
  EXPECT_EQ(updated->tax_id(), "TAX0001");  // empty cells leave fields alone
  auto contacts = contacts_->List(head_, a->id(), "", 10, std::nullopt);
  ASSERT_TRUE(contacts.ok());
  ASSERT_EQ(contacts->contacts.size(), 1u);
  EXPECT_EQ(contacts->contacts[0].name(), "张三");
  EXPECT_EQ(contacts->contacts[0].mobile_phone(), "13800000002");
  EXPECT_TRUE(repo_->Lookup(head_, "", "TAX0002").ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), 3);
}

TEST_F(BulkTest, RowsAsMessagesWork) {
  Request rows;
  for (const char* name : {"消息客户一", "消息客户二", ""}) {
    v1::ImportRow* row = rows.mutable_rows()->add_rows();
    row->mutable_customer()->set_name(name);
    row->mutable_customer()->set_region_code("south");
    row->mutable_customer()->set_city("广州");
  }
  rows.mutable_rows()->mutable_rows(1)->mutable_primary_contact()->set_name("赵六");
  auto result = Import({Options(), rows, End()});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->created(), 2);
  ASSERT_EQ(result->errors_size(), 1);
  EXPECT_EQ(result->errors(0).row(), 3);
  EXPECT_EQ(result->errors(0).field(), "name");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE name = '赵六' AND is_primary = 1"), 1);
}

TEST_F(BulkTest, AStreamWithoutEndKeepsWholeBatchesOnlyAndProtocolErrorsAreRefused) {
  const int total = kImportBatchRows + 176;
  std::string csv = "name,region_code,city\n";
  for (int i = 0; i < total; ++i) absl::StrAppend(&csv, "客户", i, ",east,上海\n");
  auto cut = Import({Options(), Chunk(csv)});  // no end: the last 176 rows never land
  EXPECT_EQ(cut.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(cut.status().message().find(absl::StrCat("rows up to ", kImportBatchRows)),
            std::string::npos)
      << cut.status();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customers"), kImportBatchRows);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), kImportBatchRows);
  // Sent again whole, the rows that landed are duplicates and the rest land.
  auto again = ImportCsv(csv, v1::ImportOptions::MODE_CREATE, false, 65536);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->created(), 176);
  EXPECT_EQ(again->failed(), kImportBatchRows);
  EXPECT_EQ(again->errors_size(), 1000);
  EXPECT_TRUE(again->errors_truncated());

  EXPECT_EQ(Import({Chunk("name\n"), End()}).status().code(), absl::StatusCode::kInvalidArgument);
  Request rows;
  rows.mutable_rows()->add_rows();
  EXPECT_EQ(Import({Options(), Chunk("name\n"), rows, End()}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Import({Options(), Chunk("name,colour\nx,red\n"), End()}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Import({Options(), Chunk("name\n\"open"), End()}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Import({Options(), End(), End()}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BulkTest, AnExportOfAFilteredListIsThatListAndImportsAgain) {
  std::string csv = absl::StrCat(kHeader);
  for (int i = 0; i < 1234; ++i) {
    absl::StrAppend(&csv, "导出客户", i, i % 3 == 0 ? ",south,广州" : ",east,上海", ",TAX", i, ",,",
                    i % 2 ? "SIGNED" : "", ",", i * 1000, ".5,", i, ",联系人", i, ",1390000",
                    1000 + i, "\n");
  }
  auto imported = ImportCsv(csv, v1::ImportOptions::MODE_CREATE, false, 65536);
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->created(), 1234);

  v1::ListCustomersRequest query;
  query.set_region_code("east");
  query.set_status(v1::CUSTOMER_STATUS_SIGNED);
  query.set_order_by(v1::ListCustomersRequest::ORDER_BY_NAME);
  auto listed = ListAll(head_, query, 100);
  ASSERT_TRUE(listed.ok());
  auto exported = Export(query, head_);
  ASSERT_TRUE(exported.ok()) << exported.status();

  std::vector<std::vector<std::string>> records;
  CsvReader reader([&](CsvReader::Record& r) {
    records.push_back(r);
    return absl::OkStatus();
  });
  ASSERT_TRUE(reader.Feed(*exported).ok());
  ASSERT_TRUE(reader.Finish().ok());
  ASSERT_EQ(records.size(), listed->customers.size() + 1);
  EXPECT_EQ(records[0][0], "code");
  for (size_t i = 0; i < listed->customers.size(); ++i) {
    EXPECT_EQ(records[i + 1][0], listed->customers[i].code());
    EXPECT_EQ(records[i + 1][1], listed->customers[i].name());
  }
  // The export imports again: in upsert mode every row matches its customer.
  auto upsert = ImportCsv(*exported, v1::ImportOptions::MODE_UPSERT, false, 65536);
  ASSERT_TRUE(upsert.ok()) << upsert.status();
  EXPECT_EQ(upsert->updated(), static_cast<int64_t>(listed->customers.size()));
  EXPECT_EQ(upsert->failed(), 0) << upsert->errors(0).message();
  EXPECT_EQ(upsert->created(), 0);

  v1::ExportCustomersRequest paged;
  paged.mutable_query()->set_page_size(5);
  EXPECT_EQ(bulk_->ExportCustomers(head_, paged).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Data correctness of imports (issue item 4): what an imported row writes to
// the change log, and that an upsert changing nothing writes nothing.
TEST_F(BulkTest, AnImportedRowWritesOneChangeRowPerRecordItChanges) {
  ASSERT_TRUE(
      ImportCsv(absl::StrCat(kHeader, "单行公司,east,上海,TAX0101,,,,,孙七,13800000009\n")).ok());
  auto created = repo_->Lookup(head_, "", "TAX0101");
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string customer_rows = absl::StrCat(
      "SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.customer.v1.Customer'"
      " AND entity_id = ",
      created->id());
  EXPECT_EQ(Count(customer_rows), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.customer.v1.Contact'"),
            1);
  // An upsert that changes the customer and repeats its contact's cells: one
  // change row, the customer's (the unchanged contact writes nothing).
  const int64_t before = Count("SELECT COUNT(*) FROM change_log");
  auto result =
      ImportCsv(absl::StrCat("code,name,region_code,city,employee_count,contact_name,"
                             "contact_mobile\n",
                             created->code(), ",单行公司,east,上海,77,孙七,13800000009\n"),
                v1::ImportOptions::MODE_UPSERT);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->updated(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), before + 1);
  EXPECT_EQ(Count(customer_rows), 2);
  auto updated = repo_->Get(head_, created->id());
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->employee_count(), 77);
  EXPECT_EQ(VersionOfEtag(updated->etag()), VersionOfEtag(created->etag()) + 1);
}

TEST_F(BulkTest, AnUpsertThatChangesNothingWritesNothing) {
  ASSERT_TRUE(
      ImportCsv(absl::StrCat(kHeader,
                             "不变公司,east,上海,TAX0201,i,SIGNED,1000.50,30,周八,13800000010\n"
                             "不变二号,south,广州,,,,,,,\n"))
          .ok());
  v1::ListCustomersRequest all;
  auto exported = Export(all, head_);
  ASSERT_TRUE(exported.ok()) << exported.status();
  auto listed = ListAll(head_, all);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->customers.size(), 2u);
  auto contacts_before = contacts_->List(head_, 0, "", 10, std::nullopt);
  ASSERT_TRUE(contacts_before.ok());
  ASSERT_EQ(contacts_before->contacts.size(), 1u);
  const int64_t changes = Count("SELECT COUNT(*) FROM change_log");

  auto upsert = ImportCsv(*exported, v1::ImportOptions::MODE_UPSERT, false, 65536);
  ASSERT_TRUE(upsert.ok()) << upsert.status();
  EXPECT_EQ(upsert->failed(), 0) << upsert->errors(0).message();
  EXPECT_EQ(upsert->created(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), changes);
  for (const v1::Customer& customer : listed->customers) {
    auto now = repo_->Get(head_, customer.id());
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(now->etag(), customer.etag()) << customer.code();
    EXPECT_EQ(now->update_time().seconds(), customer.update_time().seconds());
  }
  auto contact = contacts_->Get(head_, contacts_before->contacts[0].id());
  ASSERT_TRUE(contact.ok());
  EXPECT_EQ(contact->etag(), contacts_before->contacts[0].etag());
}

}  // namespace
}  // namespace crm::customer
