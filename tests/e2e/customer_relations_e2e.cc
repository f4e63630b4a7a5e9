// What hangs off a customer, through the gateway with real users: contacts,
// competitors, the pool and the recycle bin, events and care reminders (R5-R8).
#include "tests/e2e/customer_e2e_fixture.h"

namespace crm {
namespace {

// --- 6. contacts ---

TEST_F(CustomerMasterTest, ExactlyOnePrimaryContactAlsoUnderConcurrentSwitches) {
  const v1::Customer customer = MustCreate(*sales_a_, Named("联系人测试客户"));
  auto create = [&](const std::string& name) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_customer_id(customer.id());
    request.mutable_contact()->set_name(name);
    request.mutable_contact()->set_mobile_phone("139 0000 0000");
    v1::Contact created;
    grpc::Status status = stub_->CreateContact(AuthContext(*sales_a_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  };
  auto list = [&] {
    v1::ListContactsRequest request;
    request.set_customer_id(customer.id());
    v1::ListContactsResponse response;
    grpc::Status status = stub_->ListContacts(AuthContext(*sales_a_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  auto primaries = [&](const v1::ListContactsResponse& response) {
    std::vector<int64_t> ids;
    for (const auto& c : response.contacts()) {
      if (c.primary()) ids.push_back(c.id());
    }
    return ids;
  };
  const v1::Contact first = create("张经理");
  const v1::Contact second = create("刘工");
  EXPECT_TRUE(first.primary());
  EXPECT_FALSE(second.primary());
  EXPECT_EQ(first.owner_id(), sales_a_->identity.employee_id());

  v1::SetPrimaryContactRequest set;
  set.set_contact_id(second.id());
  v1::Contact switched;
  // Not for someone who does not see the customer.
  EXPECT_EQ(stub_->SetPrimaryContact(AuthContext(*sales_b_).get(), set, &switched).error_code(),
            grpc::StatusCode::NOT_FOUND);
  grpc::Status status = stub_->SetPrimaryContact(AuthContext(*sales_a_).get(), set, &switched);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(switched.primary());
  v1::ListContactsResponse listed = list();
  ASSERT_EQ(listed.contacts_size(), 2);
  EXPECT_EQ(primaries(listed), std::vector<int64_t>{second.id()});
  EXPECT_EQ(listed.contacts(0).id(), second.id());  // primary first
  v1::GetContactRequest get;
  get.set_id(first.id());
  v1::Contact demoted;
  ASSERT_TRUE(stub_->GetContact(AuthContext(*sales_a_).get(), get, &demoted).ok());
  EXPECT_FALSE(demoted.primary());

  // Two threads switching back and forth at once: still exactly one.
  constexpr int kRounds = 10;
  std::atomic<int> failures{0};
  Barrier start(2);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::CustomerService::NewStub(*gateway_);
      start.ArriveAndWait();
      for (int round = 0; round < kRounds; ++round) {
        v1::SetPrimaryContactRequest request;
        request.set_contact_id((t + round) % 2 ? first.id() : second.id());
        v1::Contact response;
        grpc::Status s = stub->SetPrimaryContact(AuthContext(*sales_a_).get(), request, &response);
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << s.error_code() << " " << s.error_message();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  listed = list();
  ASSERT_EQ(listed.contacts_size(), 2);
  EXPECT_EQ(primaries(listed).size(), 1u);
  EXPECT_TRUE(listed.contacts(0).primary());

  // A third contact created as primary takes over.
  v1::CreateContactRequest third;
  third.mutable_contact()->set_customer_id(customer.id());
  third.mutable_contact()->set_name("新任总经理");
  third.mutable_contact()->set_primary(true);
  v1::Contact created;
  ASSERT_TRUE(stub_->CreateContact(AuthContext(*sales_a_).get(), third, &created).ok());
  EXPECT_TRUE(created.primary());
  listed = list();
  EXPECT_EQ(listed.contacts_size(), 3);
  EXPECT_EQ(primaries(listed), std::vector<int64_t>{created.id()});
}

// --- 7. competitors ---

TEST_F(CustomerMasterTest, CompetitorsAreCreatedEditedAndSearched) {
  auto create = [&](const std::string& name, const std::string& products) {
    v1::CreateCompetitorRequest request;
    request.mutable_competitor()->set_name(name);
    request.mutable_competitor()->set_products(products);
    request.mutable_competitor()->set_strengths("渠道广");
    request.mutable_competitor()->set_market_share_bp(1800);
    v1::Competitor created;
    grpc::Status status = stub_->CreateCompetitor(AuthContext(*sales_a_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  };
  const v1::Competitor siemens = create("西门子电气", "断路器 变频器");
  const v1::Competitor schneider = create("施耐德电气", "低压配电柜");
  EXPECT_GT(siemens.id(), 0);
  // Names are unique.
  v1::CreateCompetitorRequest again;
  again.mutable_competitor()->set_name("西门子电气");
  v1::Competitor duplicate;
  EXPECT_EQ(stub_->CreateCompetitor(AuthContext(*sales_b_).get(), again, &duplicate).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  v1::UpdateCompetitorRequest update;
  update.mutable_competitor()->set_id(siemens.id());
  update.mutable_competitor()->set_etag(siemens.etag());
  update.mutable_competitor()->set_weaknesses("交期长");
  update.mutable_competitor()->set_market_share_bp(2100);
  update.mutable_update_mask()->add_paths("weaknesses");
  update.mutable_update_mask()->add_paths("market_share_bp");
  v1::Competitor updated;
  grpc::Status status = stub_->UpdateCompetitor(AuthContext(*sales_a_).get(), update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(updated.weaknesses(), "交期长");
  EXPECT_EQ(updated.market_share_bp(), 2100);
  EXPECT_EQ(updated.products(), "断路器 变频器");
  EXPECT_NE(updated.etag(), siemens.etag());
  // The old etag is stale now.
  update.mutable_competitor()->set_weaknesses("价格高");
  EXPECT_EQ(stub_->UpdateCompetitor(AuthContext(*sales_a_).get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);

  auto names = [&](const Session& as, const std::string& query) {
    v1::ListCompetitorsRequest request;
    request.set_query(query);
    request.set_page_size(1);
    std::vector<std::string> found;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListCompetitorsResponse page;
      grpc::Status s = stub_->ListCompetitors(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& c : page.competitors()) found.push_back(c.name());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return found;
  };
  // Everyone reads the shared database; by name, by what they sell.
  EXPECT_EQ(names(*sales_b_, "西门子"), std::vector<std::string>{"西门子电气"});
  EXPECT_EQ(names(*sales_b_, "变频"), std::vector<std::string>{"西门子电气"});
  EXPECT_EQ(names(*head_, "配电柜"), std::vector<std::string>{"施耐德电气"});
  EXPECT_EQ(names(*sales_a_, "电气"), (std::vector<std::string>{"施耐德电气", "西门子电气"}))
      << "by name";
  EXPECT_TRUE(names(*sales_a_, "ABB").empty());
  v1::GetCompetitorRequest get;
  get.set_id(schneider.id());
  v1::Competitor read;
  ASSERT_TRUE(stub_->GetCompetitor(AuthContext(*sales_b_).get(), get, &read).ok());
  EXPECT_EQ(read.name(), "施耐德电气");
}

// --- 8. the pool, owners and the recycle bin ---

TEST_F(CustomerMasterTest, PoolClaimsAssignTransferRecycleBinAndTheChangeFeed) {
  const int64_t start_sequence = LastSequence();
  const int64_t a_employee = sales_a_->identity.employee_id();
  const int64_t b_employee = sales_b_->identity.employee_id();
  const v1::Customer pooled = MustCreate(*head_, Named("公海争抢客户"), /*to_pool=*/true);
  EXPECT_TRUE(pooled.in_pool());
  EXPECT_EQ(pooled.owner_id(), 0);
  // Everyone sees the pool.
  v1::ListCustomersRequest pool_view;
  pool_view.set_view(v1::ListCustomersRequest::VIEW_POOL);
  pool_view.set_code(pooled.code());
  EXPECT_EQ(ListAll(*sales_a_, pool_view, 10).size(), 1u);
  EXPECT_EQ(ListAll(*sales_b_, pool_view, 10).size(), 1u);

  // Two sales people claim it at the same moment: exactly one wins.
  grpc::Status claims[2];
  v1::Customer claimed[2];
  Barrier start(2);
  std::vector<std::thread> threads;
  const Session* claimants[2] = {sales_a_, sales_b_};
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::CustomerService::NewStub(*gateway_);
      v1::ClaimCustomerRequest request;
      request.set_id(pooled.id());
      auto context = AuthContext(*claimants[t]);
      start.ArriveAndWait();
      claims[t] = stub->ClaimCustomer(context.get(), request, &claimed[t]);
    });
  }
  for (auto& thread : threads) thread.join();
  const int winner = claims[0].ok() ? 0 : 1;
  const int loser = 1 - winner;
  ASSERT_TRUE(claims[winner].ok()) << claims[winner].error_message();
  EXPECT_EQ(claims[loser].error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << claims[loser].error_message();
  const int64_t winner_employee = winner == 0 ? a_employee : b_employee;
  const int64_t loser_employee = winner == 0 ? b_employee : a_employee;
  EXPECT_EQ(claimed[winner].owner_id(), winner_employee);
  EXPECT_FALSE(claimed[winner].in_pool());
  EXPECT_TRUE(ListAll(*sales_a_, pool_view, 10).empty());
  EXPECT_EQ(Get(*claimants[loser], pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);

  // Sales people cannot hand customers out; the head can.
  const v1::Customer second = MustCreate(*admin_, Named("公海分配客户"), /*to_pool=*/true);
  v1::AssignCustomerRequest assign;
  assign.set_id(second.id());
  assign.set_employee_id(a_employee);
  v1::Customer assigned;
  EXPECT_EQ(stub_->AssignCustomer(AuthContext(*sales_a_).get(), assign, &assigned).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::TransferCustomerRequest transfer;
  transfer.set_id(pooled.id());
  transfer.set_employee_id(loser_employee);
  v1::Customer transferred;
  EXPECT_EQ(stub_->TransferCustomer(AuthContext(*claimants[winner]).get(), transfer, &transferred)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->AssignCustomer(AuthContext(*head_).get(), assign, &assigned);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(assigned.owner_id(), a_employee);
  EXPECT_FALSE(assigned.in_pool());
  EXPECT_TRUE(Get(*sales_a_, second.id()).ok());
  // Assign is for pool customers only.
  EXPECT_EQ(stub_->AssignCustomer(AuthContext(*head_).get(), assign, &assigned).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  status = stub_->TransferCustomer(AuthContext(*head_).get(), transfer, &transferred);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(transferred.owner_id(), loser_employee);
  EXPECT_EQ(Get(*claimants[loser], pooled.id()).error_code(), grpc::StatusCode::OK);
  EXPECT_EQ(Get(*claimants[winner], pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  const Session& owner = *claimants[loser];

  // Delete: into the recycle bin, out of the active list.
  v1::DeleteCustomerRequest remove;
  remove.set_id(pooled.id());
  google::protobuf::Empty empty;
  status = stub_->DeleteCustomer(AuthContext(owner).get(), remove, &empty);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Get(owner, pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_ACTIVE), 0);
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_ACTIVE), 0);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 1);
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 1);
  v1::ListCustomersRequest bin;
  bin.set_view(v1::ListCustomersRequest::VIEW_RECYCLE_BIN);
  bin.set_code(pooled.code());
  std::vector<v1::Customer> in_bin = ListAll(*admin_, bin, 10);
  ASSERT_EQ(in_bin.size(), 1u);
  EXPECT_TRUE(in_bin[0].in_recycle_bin());

  // Only administrators restore.
  v1::RestoreCustomerRequest restore;
  restore.set_id(pooled.id());
  v1::Customer restored;
  EXPECT_EQ(stub_->RestoreCustomer(AuthContext(owner).get(), restore, &restored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->RestoreCustomer(AuthContext(*head_).get(), restore, &restored).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->RestoreCustomer(AuthContext(*admin_).get(), restore, &restored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(restored.in_recycle_bin());
  EXPECT_EQ(restored.owner_id(), loser_employee);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_ACTIVE), 1);
  EXPECT_EQ(CountWithCode(owner, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 0);
  EXPECT_TRUE(Get(owner, pooled.id()).ok());

  // Purge: only from the bin, only by administrators.
  v1::PurgeCustomerRequest purge;
  purge.set_id(pooled.id());
  EXPECT_EQ(stub_->PurgeCustomer(AuthContext(*admin_).get(), purge, &empty).error_code(),
            grpc::StatusCode::NOT_FOUND)
      << "a live customer is not in the bin";
  ASSERT_TRUE(stub_->DeleteCustomer(AuthContext(owner).get(), remove, &empty).ok());
  EXPECT_EQ(stub_->PurgeCustomer(AuthContext(owner).get(), purge, &empty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->PurgeCustomer(AuthContext(*head_).get(), purge, &empty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 1);
  status = stub_->PurgeCustomer(AuthContext(*admin_).get(), purge, &empty);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(CountWithCode(*admin_, pooled.code(), v1::ListCustomersRequest::VIEW_RECYCLE_BIN), 0);
  EXPECT_EQ(Get(*admin_, pooled.id()).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->RestoreCustomer(AuthContext(*admin_).get(), restore, &restored).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Every move is in the change feed, with who made it and the state after.
  using common::v1::ChangeOperation;
  const std::vector<common::v1::Change> changes = CustomerChanges(start_sequence, pooled.id());
  struct Expected {
    ChangeOperation operation;
    const Session* actor;
    int64_t owner_id;
    bool in_recycle_bin;
  };
  const std::vector<Expected> expected = {
      {common::v1::CHANGE_OPERATION_CREATE, head_, 0, false},
      {common::v1::CHANGE_OPERATION_UPDATE, claimants[winner], winner_employee, false},  // claim
      {common::v1::CHANGE_OPERATION_UPDATE, head_, loser_employee, false},               // transfer
      {common::v1::CHANGE_OPERATION_DELETE, &owner, loser_employee, true},   // to the bin
      {common::v1::CHANGE_OPERATION_UPDATE, admin_, loser_employee, false},  // restore
      {common::v1::CHANGE_OPERATION_DELETE, &owner, loser_employee, true},   // to the bin
      {common::v1::CHANGE_OPERATION_DELETE, admin_, loser_employee, true},   // purge
  };
  ASSERT_EQ(changes.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(changes[i].operation(), expected[i].operation) << i;
    EXPECT_EQ(changes[i].actor(), expected[i].actor->identity.subject()) << i;
    v1::Customer state;
    ASSERT_TRUE(changes[i].state().UnpackTo(&state)) << i;
    EXPECT_EQ(state.owner_id(), expected[i].owner_id) << i;
    EXPECT_EQ(state.in_recycle_bin(), expected[i].in_recycle_bin) << i;
    if (i > 0) {
      EXPECT_GT(changes[i].sequence(), changes[i - 1].sequence());
    }
  }
  // The assignment of the second customer too.
  const std::vector<common::v1::Change> assignment = CustomerChanges(start_sequence, second.id());
  ASSERT_EQ(assignment.size(), 2u);
  EXPECT_EQ(assignment[1].actor(), head_->identity.subject());
  v1::Customer state;
  ASSERT_TRUE(assignment[1].state().UnpackTo(&state));
  EXPECT_EQ(state.owner_id(), a_employee);
}

// --- 9. events and care reminders ---

TEST_F(CustomerMasterTest, EventsListByCustomerTypeAndTimeAndCareRemindersFollowBirthdays) {
  const v1::Customer first = MustCreate(*sales_b_, Named("事件客户一", "广州"));
  const v1::Customer second = MustCreate(*sales_b_, Named("事件客户二", "广州"));
  auto event = [&](const v1::Customer& customer, const std::string& type, const std::string& when,
                   const std::string& title) {
    v1::CreateCustomerEventRequest request;
    request.mutable_event()->set_customer_id(customer.id());
    request.mutable_event()->set_type_code(type);
    *request.mutable_event()->mutable_occur_time() = At(when);
    request.mutable_event()->set_title(title);
    v1::CustomerEvent created;
    grpc::Status status =
        stub_->CreateCustomerEvent(AuthContext(*sales_b_).get(), request, &created);
    EXPECT_TRUE(status.ok()) << title << ": " << status.error_message();
    EXPECT_EQ(created.recorded_by(), sales_b_->identity.employee_id());
    return created;
  };
  event(first, "visit", "2031-01-10T02:00:00Z", "一月拜访");
  event(first, "complaint", "2031-02-10T02:00:00Z", "二月投诉");
  event(first, "visit", "2031-03-10T02:00:00Z", "三月拜访");
  event(second, "complaint", "2031-02-20T02:00:00Z", "乙二月投诉");
  event(second, "gift", "2031-04-01T02:00:00Z", "乙四月赠礼");

  auto titles = [&](v1::ListCustomerEventsRequest request, const Session& as) {
    request.set_page_size(2);
    std::vector<std::string> found;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListCustomerEventsResponse page;
      grpc::Status status = stub_->ListCustomerEvents(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& e : page.events()) found.push_back(e.title());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return found;
  };
  using Titles = std::vector<std::string>;
  v1::ListCustomerEventsRequest by_customer;
  by_customer.set_customer_id(first.id());
  EXPECT_EQ(titles(by_customer, *sales_b_), (Titles{"三月拜访", "二月投诉", "一月拜访"}));
  v1::ListCustomerEventsRequest complaints;
  complaints.set_type_code("complaint");
  EXPECT_EQ(titles(complaints, *sales_b_), (Titles{"乙二月投诉", "二月投诉"}));
  v1::ListCustomerEventsRequest february;
  *february.mutable_occur_after() = At("2031-02-01T00:00:00Z");
  *february.mutable_occur_before() = At("2031-03-10T02:00:00Z");  // exclusive
  EXPECT_EQ(titles(february, *sales_b_), (Titles{"乙二月投诉", "二月投诉"}));
  february.set_customer_id(second.id());
  EXPECT_EQ(titles(february, *sales_b_), (Titles{"乙二月投诉"}));
  // Events are seen with their customer: not by the other sales person.
  EXPECT_TRUE(titles(by_customer, *sales_a_).empty());
  EXPECT_EQ(titles(by_customer, *head_).size(), 3u);
  // Types come from the dictionary.
  v1::CreateCustomerEventRequest party;
  party.mutable_event()->set_customer_id(first.id());
  party.mutable_event()->set_type_code("party");
  *party.mutable_event()->mutable_occur_time() = At("2031-05-01T00:00:00Z");
  party.mutable_event()->set_title("聚会");
  v1::CustomerEvent refused;
  grpc::Status status = stub_->CreateCustomerEvent(AuthContext(*sales_b_).get(), party, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("event.type_code"), std::string::npos);

  // Care reminders: a birthday three days ahead (in the company's time zone)
  // is within a week; one a month ahead is not.
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), shanghai);
  auto contact = [&](const std::string& name, const std::string& birthday) {
    v1::CreateContactRequest request;
    request.mutable_contact()->set_customer_id(second.id());
    request.mutable_contact()->set_name(name);
    request.mutable_contact()->set_birthday(birthday);
    v1::Contact created;
    grpc::Status s = stub_->CreateContact(AuthContext(*sales_b_).get(), request, &created);
    EXPECT_TRUE(s.ok()) << name << ": " << s.error_message();
    return created;
  };
  const v1::Contact soon = contact("三天后生日", "1984-" + MonthDay(today + 3));
  const v1::Contact later = contact("一月后生日", MonthDay(today + 30));
  auto reminders = [&](const Session& as, int days_ahead) {
    v1::ListCareRemindersRequest request;
    request.set_days_ahead(days_ahead);
    std::vector<v1::CareReminder> all;
    for (int pages = 0; pages < 20; ++pages) {
      v1::ListCareRemindersResponse page;
      grpc::Status s = stub_->ListCareReminders(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      for (const auto& r : page.reminders()) all.push_back(r);
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return all;
  };
  auto find = [](const std::vector<v1::CareReminder>& all, int64_t contact_id) {
    return std::find_if(all.begin(), all.end(),
                        [&](const v1::CareReminder& r) { return r.contact_id() == contact_id; });
  };
  std::vector<v1::CareReminder> week = reminders(*sales_b_, 7);
  auto it = find(week, soon.id());
  ASSERT_NE(it, week.end());
  EXPECT_EQ(it->kind(), v1::CareReminder::KIND_BIRTHDAY);
  EXPECT_EQ(it->days_until(), 3);
  EXPECT_EQ(it->date(), IsoDay(today + 3));
  EXPECT_EQ(it->customer_id(), second.id());
  EXPECT_EQ(it->customer_name(), "事件客户二");
  EXPECT_EQ(it->years(), (today + 3).year() - 1984);
  EXPECT_EQ(find(week, later.id()), week.end());
  // Two days ahead is too short; a longer window has both.
  std::vector<v1::CareReminder> two_days = reminders(*sales_b_, 2);
  EXPECT_EQ(find(two_days, soon.id()), two_days.end());
  std::vector<v1::CareReminder> five_weeks = reminders(*sales_b_, 35);
  EXPECT_NE(find(five_weeks, soon.id()), five_weeks.end());
  EXPECT_NE(find(five_weeks, later.id()), five_weeks.end());
  // Only for whoever sees the customer.
  std::vector<v1::CareReminder> others = reminders(*sales_a_, 7);
  EXPECT_EQ(find(others, soon.id()), others.end());
  std::vector<v1::CareReminder> heads = reminders(*head_, 7);
  EXPECT_NE(find(heads, soon.id()), heads.end());
}

}  // namespace
}  // namespace crm
