// Contacts (R5) and care reminders (R8) against a real MariaDB: the primary
// contact rules (also under concurrency), visibility through the customer,
// etags, idempotent creates, validation, lists and reminder windows.
#include <google/protobuf/field_mask.pb.h>

#include <atomic>
#include <set>
#include <thread>

#include "services/customer/care_reminders.h"
#include "services/customer/contact_handlers.h"
#include "services/customer/contact_repository.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

using absl::CivilDay;

class ContactTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    contacts_ = std::make_unique<ContactRepository>(*db_);
    reminders_ = std::make_unique<CareReminderQuery>(*db_);
    handlers_ = std::make_unique<ContactHandlers>(*contacts_, *reminders_, absl::UTCTimeZone());
  }

  int64_t NewCustomer(const CallContext& call, const std::string& name) {
    auto created = repo_->Create(call, Sample(name), "", false);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id() : 0;
  }

  static v1::Contact Person(int64_t customer_id, const std::string& name) {
    v1::Contact c;
    c.set_customer_id(customer_id);
    c.set_name(name);
    c.set_mobile_phone("138 0013 8000");
    c.set_email("someone@example.com");
    return c;
  }

  absl::StatusOr<v1::Contact> Create(const CallContext& call, const v1::Contact& contact,
                                     const std::string& request_id = "") {
    v1::CreateContactRequest request;
    *request.mutable_contact() = contact;
    request.set_request_id(request_id);
    v1::Contact response;
    CRM_RETURN_IF_ERROR(handlers_->CreateContact(call, request, &response));
    return response;
  }

  absl::StatusOr<v1::Contact> Get(const CallContext& call, int64_t id) {
    v1::GetContactRequest request;
    request.set_id(id);
    v1::Contact response;
    CRM_RETURN_IF_ERROR(handlers_->GetContact(call, request, &response));
    return response;
  }

  absl::StatusOr<v1::Contact> Update(const CallContext& call, const v1::Contact& patch,
                                     std::vector<std::string> paths) {
    v1::UpdateContactRequest request;
    *request.mutable_contact() = patch;
    // An update names the version it changes: the one the caller reads now
    // unless the test says which ("0": none can be read).
    if (patch.etag().empty()) {
      absl::StatusOr<v1::Contact> current = Get(call, patch.id());
      request.mutable_contact()->set_etag(current.ok() ? current->etag() : "0");
    }
    for (auto& p : paths) request.mutable_update_mask()->add_paths(p);
    v1::Contact response;
    CRM_RETURN_IF_ERROR(handlers_->UpdateContact(call, request, &response));
    return response;
  }

  absl::Status Delete(const CallContext& call, int64_t id, const std::string& etag = "") {
    v1::DeleteContactRequest request;
    request.set_id(id);
    request.set_etag(etag);
    google::protobuf::Empty response;
    return handlers_->DeleteContact(call, request, &response);
  }

  absl::StatusOr<v1::Contact> SetPrimary(const CallContext& call, int64_t id) {
    v1::SetPrimaryContactRequest request;
    request.set_contact_id(id);
    v1::Contact response;
    CRM_RETURN_IF_ERROR(handlers_->SetPrimaryContact(call, request, &response));
    return response;
  }

  // Every page of a list.
  absl::StatusOr<v1::ListContactsResponse> ListAll(const CallContext& call,
                                                   v1::ListContactsRequest request,
                                                   int page_size = 2) {
    v1::ListContactsResponse all;
    request.set_page_size(page_size);
    for (;;) {
      v1::ListContactsResponse page;
      CRM_RETURN_IF_ERROR(handlers_->ListContacts(call, request, &page));
      for (auto& c : page.contacts()) *all.add_contacts() = c;
      all.set_total_size(page.total_size());
      if (page.next_page_token().empty()) return all;
      request.set_page_token(page.next_page_token());
    }
  }

  // Every page of the reminders as on `today`.
  absl::StatusOr<std::vector<v1::CareReminder>> Reminders(const CallContext& call, CivilDay today,
                                                          int days_ahead, int page_size = 0) {
    v1::ListCareRemindersRequest request;
    request.set_days_ahead(days_ahead);
    request.set_page_size(page_size);
    std::vector<v1::CareReminder> all;
    for (;;) {
      v1::ListCareRemindersResponse page;
      CRM_RETURN_IF_ERROR(handlers_->ListCareRemindersOn(call, request, today, &page));
      for (auto& r : page.reminders()) all.push_back(r);
      if (page.next_page_token().empty()) return all;
      request.set_page_token(page.next_page_token());
    }
  }

  int64_t Primaries(int64_t customer_id) {
    return Count(
        "SELECT COUNT(*) FROM contacts WHERE deleted_at IS NULL AND is_primary = 1"
        " AND customer_id = " +
        std::to_string(customer_id));
  }

  int64_t ContactChanges() {
    return Count("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.customer.v1.Contact'");
  }

  std::unique_ptr<ContactRepository> contacts_;
  std::unique_ptr<CareReminderQuery> reminders_;
  std::unique_ptr<ContactHandlers> handlers_;
};

TEST_F(ContactTest, FirstContactIsPrimaryAndMakingAnotherPrimaryDemotesIt) {
  const int64_t customer = NewCustomer(call_, "联系人客户");
  auto a = Create(call_, Person(customer, "张三"));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->primary());
  EXPECT_EQ(a->owner_id(), 7);  // the creator's employee id
  auto b = Create(call_, Person(customer, "李四"));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->primary());
  EXPECT_EQ(ContactChanges(), 2);

  v1::Contact primary = Person(customer, "王五");
  primary.set_primary(true);
  auto c = Create(call_, primary);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->primary());
  EXPECT_FALSE(Get(call_, a->id())->primary());
  EXPECT_NE(Get(call_, a->id())->etag(), a->etag());  // the demotion is a change of its own
  EXPECT_EQ(Primaries(customer), 1);
  EXPECT_EQ(ContactChanges(), 4);  // the new contact and the demoted one

  auto switched = SetPrimary(call_, b->id());
  ASSERT_TRUE(switched.ok()) << switched.status();
  EXPECT_TRUE(switched->primary());
  EXPECT_FALSE(Get(call_, c->id())->primary());
  EXPECT_EQ(Primaries(customer), 1);
  EXPECT_EQ(ContactChanges(), 6);
  // Already primary: nothing to do, nothing recorded.
  EXPECT_TRUE(SetPrimary(call_, b->id())->primary());
  EXPECT_EQ(ContactChanges(), 6);

  // Update: primary on demotes the old one; primary off is refused.
  v1::Contact patch;
  patch.set_id(a->id());
  patch.set_primary(true);
  auto promoted = Update(call_, patch, {"primary"});
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  EXPECT_TRUE(promoted->primary());
  EXPECT_FALSE(Get(call_, b->id())->primary());
  patch.set_primary(false);
  EXPECT_EQ(Update(call_, patch, {"primary"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Get(call_, a->id())->primary());
  EXPECT_EQ(Primaries(customer), 1);
}

TEST_F(ContactTest, DeletingThePrimaryPromotesTheOldestRemainingContact) {
  const int64_t customer = NewCustomer(call_, "删除联系人客户");
  auto a = Create(call_, Person(customer, "甲"));
  auto b = Create(call_, Person(customer, "乙"));
  auto c = Create(call_, Person(customer, "丙"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE(Delete(call_, c->id()).ok());  // not primary: nothing moves
  EXPECT_TRUE(Get(call_, a->id())->primary());
  ASSERT_TRUE(Delete(call_, a->id(), Get(call_, a->id())->etag()).ok());
  EXPECT_EQ(Get(call_, a->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(call_, b->id())->primary());
  EXPECT_EQ(Primaries(customer), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE operation = 3"
                  " AND entity_type = 'crm.customer.v1.Contact'"),
            2);
  ASSERT_TRUE(Delete(call_, b->id()).ok());
  EXPECT_EQ(Primaries(customer), 0);
  EXPECT_EQ(Delete(call_, b->id()).code(), absl::StatusCode::kNotFound);
  // The next contact of the customer is primary again.
  EXPECT_TRUE(Create(call_, Person(customer, "丁"))->primary());
}

TEST_F(ContactTest, ConcurrentSwitchesLeaveExactlyOnePrimary) {
  const int64_t customer = NewCustomer(call_, "并发客户");
  std::vector<int64_t> ids;
  for (int i = 0; i < 6; ++i) {
    auto created = Create(call_, Person(customer, "联系人" + std::to_string(i)));
    ASSERT_TRUE(created.ok()) << created.status();
    ids.push_back(created->id());
  }
  constexpr int kThreads = 12;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 3; ++round) {
        auto result = SetPrimary(call_, ids[(i + round) % ids.size()]);
        if (!result.ok()) {
          ADD_FAILURE() << result.status();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Primaries(customer), 1);
  v1::ListContactsRequest request;
  request.set_customer_id(customer);
  auto listed = ListAll(call_, request, 10);
  ASSERT_TRUE(listed.ok());
  int primaries = 0;
  for (const auto& c : listed->contacts()) primaries += c.primary();
  EXPECT_EQ(primaries, 1);
  EXPECT_TRUE(listed->contacts(0).primary());  // primary first
}

TEST_F(ContactTest, ContactsAreSeenAndChangedThroughTheirCustomer) {
  CallContext owner = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext other = As(202, Bit(Role::kSales), 22, "/1/3/");
  const int64_t customer = NewCustomer(owner, "甲的客户");
  auto contact = Create(owner, Person(customer, "甲的联系人"));
  ASSERT_TRUE(contact.ok()) << contact.status();

  EXPECT_EQ(Get(other, contact->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Create(other, Person(customer, "乙加的")).status().code(), absl::StatusCode::kNotFound);
  v1::Contact patch;
  patch.set_id(contact->id());
  patch.set_position("经理");
  EXPECT_EQ(Update(other, patch, {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Delete(other, contact->id()).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(SetPrimary(other, contact->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ListAll(other, {})->total_size(), 0);

  // Shared: the colleague reads, but does not write.
  ASSERT_TRUE(pool_repository_->Share(owner, customer, {22}).ok());
  EXPECT_TRUE(Get(other, contact->id()).ok());
  EXPECT_EQ(ListAll(other, {})->total_size(), 1);
  EXPECT_EQ(Update(other, patch, {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Delete(other, contact->id()).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Create(other, Person(customer, "乙加的")).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(owner, contact->id())->position(), "");

  // A deleted customer hides its contacts.
  ASSERT_TRUE(repo_->Delete(owner, customer, "").ok());
  EXPECT_EQ(Get(owner, contact->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ListAll(owner, {})->total_size(), 0);
}

TEST_F(ContactTest, StaleEtagsAreRefusedAndChangeNothing) {
  const int64_t customer = NewCustomer(call_, "版本客户");
  auto contact = Create(call_, Person(customer, "赵六"));
  ASSERT_TRUE(contact.ok());
  v1::Contact patch;
  patch.set_id(contact->id());
  patch.set_etag(contact->etag());
  patch.set_department("采购部");
  auto updated = Update(call_, patch, {"department"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->department(), "采购部");
  EXPECT_NE(updated->etag(), contact->etag());

  patch.set_department("财务部");  // still the old etag
  EXPECT_EQ(Update(call_, patch, {"department"}).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Delete(call_, contact->id(), contact->etag()).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Get(call_, contact->id())->department(), "采购部");
  EXPECT_EQ(ContactChanges(), 2);
}

TEST_F(ContactTest, CreatesAreIdempotentPerCallerOnRequestId) {
  const int64_t customer = NewCustomer(call_, "幂等客户");
  auto first = Create(call_, Person(customer, "钱七"), "retry-1");
  auto again = Create(call_, Person(customer, "钱七"), "retry-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id(), again->id());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 1);
  EXPECT_EQ(ContactChanges(), 1);
  // Another caller's id is another request.
  CallContext head = As(203, Bit(Role::kDepartmentHead), 23, "/1/2/");
  auto other = Create(head, Person(customer, "孙八"), "retry-1");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->id(), first->id());
}

TEST_F(ContactTest, InvalidFieldsAreNamedAndNothingIsWritten) {
  const int64_t customer = NewCustomer(call_, "校验客户");
  auto expect_invalid = [&](const v1::Contact& contact, const std::string& field) {
    auto created = Create(call_, contact);
    ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(std::string(created.status().message()).find(field), std::string::npos)
        << created.status();
  };
  v1::Contact c = Person(customer, "");
  expect_invalid(c, "contact.name");
  c = Person(customer, std::string(101, 'x'));
  expect_invalid(c, "contact.name");
  c = Person(customer, "周九");
  c.set_mobile_phone("call me");
  expect_invalid(c, "contact.mobile_phone");
  c = Person(customer, "周九");
  c.set_email("not-an-email");
  expect_invalid(c, "contact.email");
  for (const char* bad : {"02-30", "2023-02-29", "13-01", "1990/01/01"}) {
    c = Person(customer, "周九");
    c.set_birthday(bad);
    expect_invalid(c, "contact.birthday");
  }
  c = Person(customer, "周九");
  for (int i = 0; i < 11; ++i) {
    auto* a = c.add_anniversaries();
    a->set_date("05-01");
    a->set_description("纪念日");
  }
  expect_invalid(c, "contact.anniversaries");
  c = Person(customer, "周九");
  c.add_anniversaries()->set_date("05-01");
  expect_invalid(c, "contact.anniversaries[0].description");
  c = Person(0, "周九");
  expect_invalid(c, "contact.customer_id");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts"), 0);
  EXPECT_EQ(ContactChanges(), 0);
  // A customer that does not exist.
  EXPECT_EQ(Create(call_, Person(customer + 100, "周九")).status().code(),
            absl::StatusCode::kNotFound);

  // Feb 29 without a year is a birthday.
  c = Person(customer, "周九");
  c.set_birthday("02-29");
  EXPECT_TRUE(Create(call_, c).ok());
}

TEST_F(ContactTest, UpdatesFollowTheMaskAndReplaceAnniversaries) {
  const int64_t customer = NewCustomer(call_, "掩码客户");
  v1::Contact person = Person(customer, "吴十");
  person.set_birthday("1980-06-15");
  person.set_remarks("第一行\n第二行");
  auto* a = person.add_anniversaries();
  a->set_date("2010-10-01");
  a->set_description("结婚纪念日");
  person.add_anniversaries()->set_date("03-08");
  person.mutable_anniversaries(1)->set_description("  入职纪念日 ");
  auto created = Create(call_, person);
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_EQ(created->anniversaries_size(), 2);
  EXPECT_EQ(created->anniversaries(1).description(), "入职纪念日");  // trimmed
  EXPECT_EQ(Count("SELECT birthday_md FROM contacts"), 615);

  v1::Contact patch;
  patch.set_id(created->id());
  patch.set_name("吴十一");
  patch.set_birthday("ignored: not in the mask");
  auto* only = patch.add_anniversaries();
  only->set_date("12-25");
  only->set_description("公司成立日");
  auto updated = Update(call_, patch, {"name", "anniversaries"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->name(), "吴十一");
  EXPECT_EQ(updated->birthday(), "1980-06-15");
  ASSERT_EQ(updated->anniversaries_size(), 1);
  EXPECT_EQ(updated->anniversaries(0).date(), "12-25");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_anniversaries"), 1);

  // An empty mask takes what the patch sets; clearing needs the path.
  v1::Contact implied;
  implied.set_id(created->id());
  implied.set_wechat("wu_shi");
  updated = Update(call_, implied, {});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->wechat(), "wu_shi");
  EXPECT_EQ(updated->anniversaries_size(), 1);
  updated = Update(call_, implied, {"birthday"});
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->birthday(), "");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contacts WHERE birthday_md IS NULL"), 1);

  for (const char* bad : {"customer_id", "id", "etag", "create_time", "no_such_field"}) {
    auto refused = Update(call_, implied, {bad});
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(std::string(refused.status().message()).find("update_mask"), std::string::npos);
  }
  implied.set_email("bad");
  auto invalid = Update(call_, implied, {"email"});
  ASSERT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(invalid.status().message()).find("contact.email"), std::string::npos);
}

TEST_F(ContactTest, ListsOrderByCustomerPrimaryFirstAndFilter) {
  const int64_t first = NewCustomer(call_, "第一客户");
  const int64_t second = NewCustomer(call_, "第二客户");
  std::vector<int64_t> expected;
  // Second customer: a, b, then c made primary.
  auto s_a = Create(call_, Person(second, "经理 100%"));
  auto s_b = Create(call_, Person(second, "助理"));
  v1::Contact s_c_person = Person(second, "总经理");
  s_c_person.set_primary(true);
  auto s_c = Create(call_, s_c_person);
  auto f_a = Create(call_, Person(first, "采购经理"));
  auto f_b = Create(call_, Person(first, "财务"));
  ASSERT_TRUE(s_a.ok() && s_b.ok() && s_c.ok() && f_a.ok() && f_b.ok());
  expected = {f_a->id(), f_b->id(), s_c->id(), s_a->id(), s_b->id()};

  auto all = ListAll(call_, {}, 2);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->total_size(), 5);
  std::vector<int64_t> ids;
  for (const auto& c : all->contacts()) ids.push_back(c.id());
  EXPECT_EQ(ids, expected);

  v1::ListContactsRequest by_customer;
  by_customer.set_customer_id(second);
  EXPECT_EQ(ListAll(call_, by_customer, 1)->total_size(), 3);
  EXPECT_EQ(ListAll(call_, by_customer, 1)->contacts_size(), 3);
  v1::ListContactsRequest by_name;
  by_name.set_name("经理");
  EXPECT_EQ(ListAll(call_, by_name)->total_size(), 3);
  by_name.set_name("100%");  // % is a character here, not a wildcard
  EXPECT_EQ(ListAll(call_, by_name)->total_size(), 1);
  by_name.set_name("0%");
  EXPECT_EQ(ListAll(call_, by_name)->total_size(), 1);
  by_name.set_name("_");
  EXPECT_EQ(ListAll(call_, by_name)->total_size(), 0);

  // A token belongs to its filters.
  v1::ListContactsRequest paged;
  paged.set_page_size(1);
  v1::ListContactsResponse page;
  ASSERT_TRUE(handlers_->ListContacts(call_, paged, &page).ok());
  by_customer.set_page_token(page.next_page_token());
  v1::ListContactsResponse refused;
  EXPECT_EQ(handlers_->ListContacts(call_, by_customer, &refused).code(),
            absl::StatusCode::kInvalidArgument);
}

// --- care reminders ---

TEST_F(ContactTest, RemindersCoverTheWindowOverTheYearEnd) {
  const int64_t customer = NewCustomer(call_, "关怀客户");
  auto with_birthday = [&](const std::string& name, const std::string& birthday) {
    v1::Contact c = Person(customer, name);
    c.set_birthday(birthday);
    auto created = Create(call_, c);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id() : 0;
  };
  with_birthday("昨天", "12-27");
  const int64_t today_id = with_birthday("今天", "12-28");
  const int64_t eve_id = with_birthday("除夕", "1990-12-31");
  const int64_t new_year_id = with_birthday("元旦", "01-01");
  const int64_t last_id = with_birthday("第七天", "01-04");
  with_birthday("第八天", "01-05");
  v1::Contact married = Person(customer, "结婚");
  auto* a = married.add_anniversaries();
  a->set_date("2020-01-02");
  a->set_description("结婚纪念日");
  married.add_anniversaries()->set_date("06-01");
  married.mutable_anniversaries(1)->set_description("不在窗口内");
  auto married_contact = Create(call_, married);
  ASSERT_TRUE(married_contact.ok());

  auto reminders = Reminders(call_, CivilDay(2026, 12, 28), 7);
  ASSERT_TRUE(reminders.ok()) << reminders.status();
  ASSERT_EQ(reminders->size(), 5u);
  const auto& r = *reminders;
  EXPECT_EQ(r[0].contact_id(), today_id);
  EXPECT_EQ(r[0].date(), "2026-12-28");
  EXPECT_EQ(r[0].days_until(), 0);
  EXPECT_EQ(r[0].kind(), v1::CareReminder::KIND_BIRTHDAY);
  EXPECT_EQ(r[0].customer_name(), "关怀客户");
  EXPECT_EQ(r[0].years(), 0);  // no year known
  EXPECT_EQ(r[1].contact_id(), eve_id);
  EXPECT_EQ(r[1].date(), "2026-12-31");
  EXPECT_EQ(r[1].years(), 36);
  EXPECT_EQ(r[2].contact_id(), new_year_id);
  EXPECT_EQ(r[2].date(), "2027-01-01");
  EXPECT_EQ(r[2].days_until(), 4);
  EXPECT_EQ(r[3].contact_id(), married_contact->id());
  EXPECT_EQ(r[3].kind(), v1::CareReminder::KIND_ANNIVERSARY);
  EXPECT_EQ(r[3].description(), "结婚纪念日");
  EXPECT_EQ(r[3].date(), "2027-01-02");
  EXPECT_EQ(r[3].years(), 7);
  EXPECT_EQ(r[4].contact_id(), last_id);
  EXPECT_EQ(r[4].days_until(), 7);

  // Page by page gives the same list.
  auto paged = Reminders(call_, CivilDay(2026, 12, 28), 7, 2);
  ASSERT_TRUE(paged.ok()) << paged.status();
  ASSERT_EQ(paged->size(), r.size());
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ((*paged)[i].contact_id(), r[i].contact_id());
    EXPECT_EQ((*paged)[i].kind(), r[i].kind());
  }
  // Today only.
  auto today = Reminders(call_, CivilDay(2026, 12, 28), 0);
  ASSERT_EQ(today->size(), 1u);
  EXPECT_EQ((*today)[0].contact_id(), today_id);
  // A whole year: every date once (6 birthdays and 2 anniversaries).
  auto year = Reminders(call_, CivilDay(2026, 12, 28), 366, 3);
  ASSERT_TRUE(year.ok()) << year.status();
  EXPECT_EQ(year->size(), 8u);
  EXPECT_EQ(year->front().contact_id(), today_id);
  EXPECT_EQ(year->back().date(), "2027-12-27");
  // Deleted contacts are forgotten.
  ASSERT_TRUE(Delete(call_, eve_id).ok());
  EXPECT_EQ(Reminders(call_, CivilDay(2026, 12, 28), 7)->size(), 4u);

  v1::ListCareRemindersRequest too_far;
  too_far.set_days_ahead(367);
  v1::ListCareRemindersResponse response;
  EXPECT_EQ(handlers_->ListCareReminders(call_, too_far, &response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ContactTest, Feb29IsRemindedOnFeb28InOtherYears) {
  const int64_t customer = NewCustomer(call_, "闰日客户");
  v1::Contact leap = Person(customer, "闰日生");
  leap.set_birthday("2000-02-29");
  auto leap_contact = Create(call_, leap);
  v1::Contact eve = Person(customer, "二月末");
  eve.set_birthday("02-28");
  auto eve_contact = Create(call_, eve);
  v1::Contact march = Person(customer, "三月初");
  march.set_birthday("03-01");
  auto march_contact = Create(call_, march);
  ASSERT_TRUE(leap_contact.ok() && eve_contact.ok() && march_contact.ok());

  auto plain = Reminders(call_, CivilDay(2027, 2, 25), 5);
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_EQ(plain->size(), 3u);
  // Both on Feb 28, by contact id; then March 1.
  EXPECT_EQ((*plain)[0].contact_id(), leap_contact->id());
  EXPECT_EQ((*plain)[0].date(), "2027-02-28");
  EXPECT_EQ((*plain)[0].days_until(), 3);
  EXPECT_EQ((*plain)[0].years(), 27);
  EXPECT_EQ((*plain)[1].contact_id(), eve_contact->id());
  EXPECT_EQ((*plain)[1].date(), "2027-02-28");
  EXPECT_EQ((*plain)[2].date(), "2027-03-01");
  // Only Feb 28 of a year without Feb 29.
  EXPECT_EQ(Reminders(call_, CivilDay(2027, 2, 28), 0)->size(), 2u);

  auto leap_year = Reminders(call_, CivilDay(2028, 2, 28), 1);
  ASSERT_TRUE(leap_year.ok());
  ASSERT_EQ(leap_year->size(), 2u);
  EXPECT_EQ((*leap_year)[0].contact_id(), eve_contact->id());
  EXPECT_EQ((*leap_year)[1].contact_id(), leap_contact->id());
  EXPECT_EQ((*leap_year)[1].date(), "2028-02-29");
  EXPECT_EQ((*leap_year)[1].years(), 28);
  EXPECT_EQ(Reminders(call_, CivilDay(2028, 2, 28), 0)->size(), 1u);
}

TEST_F(ContactTest, RemindersCoverOnlyCustomersTheCallerSees) {
  CallContext mine = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext theirs = As(202, Bit(Role::kSales), 22, "/1/3/");
  const int64_t customer = NewCustomer(mine, "我的客户");
  v1::Contact c = Person(customer, "寿星");
  c.set_birthday("07-01");
  ASSERT_TRUE(Create(mine, c).ok());
  EXPECT_EQ(Reminders(mine, CivilDay(2026, 6, 30), 7)->size(), 1u);
  EXPECT_EQ(Reminders(theirs, CivilDay(2026, 6, 30), 7)->size(), 0u);
  EXPECT_EQ(Reminders(As(1, Bit(Role::kAdministrator)), CivilDay(2026, 6, 30), 7)->size(), 1u);
}

}  // namespace
}  // namespace crm::customer
