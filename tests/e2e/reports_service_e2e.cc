// Exports, service and SLA reports, the dashboard, churn, per-person
// evaluation and the reminder feed, end to end.
#include <iconv.h>

#include "tests/e2e/reports_e2e_fixture.h"

namespace crm::reports_e2e {
namespace {

TEST_F(ReportsE2eTest, ExportsArriveWholeCountedAndSafeForSpreadsheets) {
  const sv1::Product part = Product("导出件", 9'999, 5'000, 13);
  clock_->Set(At(2027, 5, 6, 9));
  const cv1::Customer risky =
      Customer(org_->sales_a, "=HYPERLINK(\"http://x\")", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer plain =
      Customer(org_->sales_a, "导出客户", "east", cv1::CUSTOMER_GRADE_POTENTIAL);
  std::vector<sv1::Order> orders;
  for (int i = 0; i < 3; ++i) {
    orders.push_back(Order(org_->sales_a, At(2027, 5, 6 + i, 10), i == 0 ? risky.id() : plain.id(),
                           {{part.id(), 1'000 * (i + 1), 0}}));
  }
  rv1::ExportReportRequest request;
  request.mutable_list()->set_list(rv1::ORDERS);
  *request.mutable_list()->mutable_period() = PeriodOf("2027-05-01", "2027-05-31");
  Exported utf8;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        utf8 = ReadExport(*reports_, org_->sales_a, request);
        return utf8.status.ok() && utf8.rows == 3;
      },
      std::chrono::seconds(20)))
      << utf8.status.error_message() << " rows " << utf8.rows;
  // Again once every feed is in (the customers' names come from their own).
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  utf8 = ReadExport(*reports_, org_->sales_a, request);
  ASSERT_TRUE(utf8.status.ok()) << utf8.status.error_message();
  ASSERT_EQ(utf8.bytes.substr(0, 3), "\xEF\xBB\xBF");  // the byte-order mark
  const std::vector<std::string> lines = Lines(utf8.bytes.substr(3));
  ASSERT_EQ(lines.size(), 4u);  // the header and the three orders, by id
  EXPECT_EQ(lines[0], "订单ID,订单日期,客户ID,客户名称,状态,金额(元),负责人");
  // The formula is text: an apostrophe first, quoted as CSV needs.
  EXPECT_EQ(lines[1], absl::StrFormat(
                          "%d,2027-05-06,%d,\"'=HYPERLINK(\"\"http://x\"\")\",CONFIRMED,"
                          "%d.%02d,李雷",
                          orders[0].id(), risky.id(), orders[0].total_amount().minor_units() / 100,
                          orders[0].total_amount().minor_units() % 100));
  EXPECT_EQ(lines[3].substr(0, lines[3].find(',')), std::to_string(orders[2].id()));

  // GB18030 on request: the same text in that encoding, no byte-order mark.
  request.set_encoding(rv1::GB18030);
  const Exported gb = ReadExport(*reports_, org_->sales_a, request);
  ASSERT_TRUE(gb.status.ok()) << gb.status.error_message();
  EXPECT_EQ(gb.rows, 3);
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string decoded(gb.bytes.size() * 3, '\0');
  char* in = const_cast<char*>(gb.bytes.data());
  size_t in_left = gb.bytes.size();
  char* out = decoded.data();
  size_t out_left = decoded.size();
  ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  decoded.resize(decoded.size() - out_left);
  EXPECT_EQ(decoded, utf8.bytes.substr(3));
  EXPECT_NE(gb.bytes, utf8.bytes.substr(3));  // it really is another encoding

  // Another sales person's export of the same month has no row, and says so.
  request.set_encoding(rv1::UTF8_WITH_BOM);
  const Exported theirs = ReadExport(*reports_, org_->sales_b, request);
  ASSERT_TRUE(theirs.status.ok()) << theirs.status.error_message();
  EXPECT_EQ(theirs.rows, 0);
  EXPECT_EQ(Lines(theirs.bytes.substr(3)).size(), 1u);

  // A report: the product sales of the month, one row per product.
  rv1::ExportReportRequest report;
  *report.mutable_product_sales()->mutable_period() = PeriodOf("2027-05-01", "2027-05-31");
  const Exported products = ReadExport(*reports_, org_->sales_a, report);
  ASSERT_TRUE(products.status.ok()) << products.status.error_message();
  EXPECT_EQ(products.rows, 1);
  EXPECT_NE(products.bytes.find("导出件,6.000,3,"), std::string::npos) << products.bytes;

  // A bad request is refused before any byte, its field named.
  rv1::ExportReportRequest bad;
  bad.mutable_sales_report()->mutable_period()->set_start_date("2027-13-01");
  const Exported refused = ReadExport(*reports_, org_->sales_a, bad);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.status.error_message().find("sales_report.period.start_date"),
            std::string::npos)
      << refused.status.error_message();
  EXPECT_TRUE(refused.bytes.empty());
  const Exported nothing = ReadExport(*reports_, org_->sales_a, {});
  EXPECT_EQ(nothing.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReportsE2eTest, ServiceSatisfactionSlaAndTheDashboardAsOfNow) {
  auto feedback = fv1::FeedbackService::NewStub(*gateway_);
  clock_->Set(At(2027, 6, 7, 10));  // a Monday
  const cv1::Customer customer =
      Customer(org_->sales_a, "服务客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const sv1::Product part = Product("服务件", 5'000, 2'000, 13);
  const sv1::Order sold =
      Order(org_->sales_a, At(2027, 6, 7, 10, 30), customer.id(), {{part.id(), 2'000, 0}});
  clock_->Set(At(2027, 6, 7, 11));

  // Requests run as the administrator, each handled by a sales person who
  // then records the customer's score; the last stays open.
  struct Made {
    fv1::ServiceRequest request;
    int64_t handler = 0;
  };
  std::vector<Made> made;
  auto make = [&](fv1::RequestType type, fv1::Priority priority, int64_t handler,
                  int satisfaction) {
    fv1::CreateServiceRequestRequest create;
    create.mutable_service_request()->set_type(type);
    create.mutable_service_request()->set_priority(priority);
    create.mutable_service_request()->set_customer_id(customer.id());
    create.mutable_service_request()->set_subject("设备报修");
    fv1::ServiceRequest r;
    grpc::Status status =
        feedback->CreateServiceRequest(AuthContext(org_->admin).get(), create, &r);
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (handler != 0) {
      fv1::AssignServiceRequestRequest assign;
      assign.set_id(r.id());
      assign.set_handler_employee_id(handler);
      status = feedback->AssignServiceRequest(AuthContext(org_->admin).get(), assign, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
      fv1::ServiceRequestStepRequest step;
      step.set_id(r.id());
      status = feedback->StartServiceRequest(AuthContext(org_->admin).get(), step, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
      step.set_note("已处理");
      status = feedback->ResolveServiceRequest(AuthContext(org_->admin).get(), step, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
      fv1::RecordCustomerFeedbackRequest score;
      score.set_id(r.id());
      score.set_satisfaction(satisfaction);
      status = feedback->RecordCustomerFeedback(AuthContext(org_->admin).get(), score, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    made.push_back({r, handler});
  };
  make(fv1::REPAIR, fv1::NORMAL, org_->sales_a_employee, 5);
  make(fv1::SUGGESTION, fv1::HIGH, org_->sales_b_employee, 2);
  make(fv1::CONSULTATION, fv1::LOW, org_->sales_a_employee, 4);
  make(fv1::REPAIR, fv1::URGENT, 0, 0);
  ASSERT_EQ(made.size(), 4u);
  const fv1::SlaClock open_clock = made.back().request.resolution_clock();
  ASSERT_TRUE(open_clock.has_due_time() && open_clock.has_at_risk_time());

  // Composition and satisfaction as this test computes them.
  std::map<std::pair<std::string, std::string>, int64_t> composition;
  std::map<std::string, std::pair<int64_t, int64_t>> by_handler;  // responses, score sum
  for (const Made& m : made) {
    ++composition[{fv1::RequestType_Name(m.request.type()),
                   fv1::RequestStatus_Name(m.request.status())}];
    if (m.request.satisfaction() > 0) {
      auto& [responses, scores] = by_handler[std::to_string(m.handler)];
      ++responses;
      scores += m.request.satisfaction();
    }
  }
  const rv1::Period day = PeriodOf("2027-06-07", "2027-06-07");
  rv1::GetServiceReportRequest service_request;
  *service_request.mutable_period() = day;
  rv1::ServiceReport service;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        service.Clear();
        // Every change applied: the counts can match while a request's
        // later steps (assigned, resolved, rated) are still on their way.
        return ReadModelCaughtUp() &&
               reports_->GetServiceReport(AuthContext(org_->admin).get(), service_request, &service)
                   .ok() &&
               service.requests() == 4 &&
               static_cast<size_t>(service.composition_size()) == composition.size();
      },
      std::chrono::seconds(20)))
      << service.ShortDebugString();
  for (const rv1::ServiceCompositionRow& row : service.composition()) {
    EXPECT_EQ(row.requests(), (composition[{row.type(), row.status()}])) << row.type();
  }
  rv1::GetSatisfactionReportRequest satisfaction_request;
  *satisfaction_request.mutable_period() = day;
  satisfaction_request.set_bucket(rv1::DAY);
  satisfaction_request.set_grouping(rv1::BY_HANDLER);
  rv1::SatisfactionReport satisfaction;
  ASSERT_TRUE(reports_
                  ->GetSatisfactionReport(AuthContext(org_->admin).get(), satisfaction_request,
                                          &satisfaction)
                  .ok());
  ASSERT_EQ(satisfaction.rows_size(), 2);
  for (const rv1::SatisfactionRow& row : satisfaction.rows()) {
    const auto& [responses, scores] = by_handler[row.group_key()];
    EXPECT_EQ(row.bucket(), "2027-06-07");
    EXPECT_EQ(row.responses(), responses);
    EXPECT_EQ(row.average_centi(), (scores * 200 + responses) / (2 * responses));
  }
  EXPECT_EQ(satisfaction.responses(), 3);
  EXPECT_EQ(satisfaction.average_centi(), 367);  // 11 / 3 = 3.666…

  // The open request's clock, as of the reporting service's now: on time,
  // at risk from the time the feedback service named, breached at its due.
  auto sla_of_urgent = [&](const std::function<bool(const rv1::SlaRow&)>& expect) {
    return testing::Eventually(
        [&] {
          rv1::ServiceReport report;
          if (!reports_->GetServiceReport(AuthContext(org_->admin).get(), service_request, &report)
                   .ok()) {
            return false;
          }
          for (const rv1::SlaRow& row : report.sla()) {
            if (row.priority() == "URGENT") return expect(row);
          }
          return false;
        },
        std::chrono::seconds(20));
  };
  auto dashboard = [&] {
    rv1::GetDashboardRequest request;
    *request.mutable_period() = day;
    rv1::Dashboard board;
    EXPECT_TRUE(reports_->GetDashboard(AuthContext(org_->admin).get(), request, &board).ok());
    return board;
  };
  // Every feed applied (the order above came through the sales feed).
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  EXPECT_TRUE(sla_of_urgent(
      [](const rv1::SlaRow& row) { return row.at_risk() == 0 && row.breached() == 0; }));
  clock_->Set(FromTimestamp(open_clock.at_risk_time()) + absl::Seconds(1));
  EXPECT_TRUE(sla_of_urgent(
      [](const rv1::SlaRow& row) { return row.at_risk() == 1 && row.breached() == 0; }));
  EXPECT_EQ(dashboard().requests_at_risk(), 1);
  clock_->Set(FromTimestamp(open_clock.due_time()) + absl::Seconds(1));
  EXPECT_TRUE(sla_of_urgent(
      [](const rv1::SlaRow& row) { return row.at_risk() == 0 && row.breached() == 1; }));
  const rv1::Dashboard board = dashboard();
  EXPECT_EQ(board.sla_breaches(), 1);
  EXPECT_EQ(board.open_requests(), 1);
  EXPECT_EQ(board.orders(), 1);
  EXPECT_EQ(board.sales().minor_units(), sold.total_amount().minor_units());
  EXPECT_EQ(board.new_customers(), 1);
  EXPECT_EQ(board.customers(), static_cast<int64_t>(created_customers_.size()));
  for (const rv1::SlaRow& row : service.sla()) {
    if (row.priority() != "URGENT") {
      EXPECT_EQ(row.resolved_within_target(), 1) << row.priority();
    }
  }
}

TEST_F(ReportsE2eTest, ChurnListsTheQuietAndEvaluationCountsEachPersonsWork) {
  const sv1::Product part = Product("流失件", 8'888, 4'000, 13);
  clock_->Set(At(2027, 7, 1, 9));
  const cv1::Customer q1 = Customer(org_->sales_a, "沉默甲", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer q2 = Customer(org_->sales_a, "沉默乙", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer q3 =
      Customer(org_->sales_b, "沉默丙", "south", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer busy =
      Customer(org_->sales_a, "活跃丁", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  auto contact = [&](const Session& as, int64_t customer, absl::Time when) {
    clock_->Set(when);
    sv1::CreateContactRecordRequest request;
    request.mutable_record()->set_customer_id(customer);
    request.mutable_record()->set_method(sv1::PHONE);
    request.mutable_record()->set_subject("回访");
    sv1::ContactRecord record;
    const grpc::Status status =
        sales_->CreateContactRecord(AuthContext(as).get(), request, &record);
    EXPECT_TRUE(status.ok()) << status.error_message();
  };
  contact(org_->sales_a, q1.id(), At(2027, 7, 1, 10));
  const sv1::Order a_order =
      Order(org_->sales_a, At(2027, 7, 2, 10), q2.id(), {{part.id(), 1'000, 0}});
  const sv1::Order b_order =
      Order(org_->sales_b, At(2027, 7, 3, 10), q3.id(), {{part.id(), 3'000, 0}});
  contact(org_->sales_b, q3.id(), At(2027, 7, 5, 10));
  contact(org_->sales_a, busy.id(), At(2027, 9, 1, 10));
  clock_->Set(At(2027, 10, 10, 9));

  // Quiet for more than 90 days on 10 October: last active before 12 July.
  const absl::CivilDay today(2027, 10, 10);
  const std::vector<std::tuple<int64_t, std::string, std::string, absl::CivilDay>> quiet = {
      {q1.id(), "", "2027-07-01", absl::CivilDay(2027, 7, 1)},
      {q2.id(), "2027-07-02", "", absl::CivilDay(2027, 7, 2)},
      {q3.id(), "2027-07-03", "2027-07-05", absl::CivilDay(2027, 7, 5)}};
  std::vector<rv1::ChurnRow> ours;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        // Every record applied first: a customer is listed from its order
        // before its later contact record may have arrived.
        if (!ReadModelCaughtUp()) return false;
        ours.clear();
        std::string token;
        bool busy_listed = false;
        do {
          rv1::GetChurnListRequest request;
          request.set_quiet_days(90);
          request.set_page_size(2);
          request.set_page_token(token);
          rv1::ChurnList page;
          if (!reports_->GetChurnList(AuthContext(org_->admin).get(), request, &page).ok()) {
            return false;
          }
          for (const rv1::ChurnRow& row : page.rows()) {
            if (row.customer_id() == busy.id()) busy_listed = true;
            for (const auto& entry : quiet) {
              if (std::get<0>(entry) == row.customer_id()) ours.push_back(row);
            }
          }
          token = page.next_page_token();
        } while (!token.empty());
        return !busy_listed && ours.size() == quiet.size();
      },
      std::chrono::seconds(20)));
  for (size_t i = 0; i < quiet.size(); ++i) {
    const auto& [id, last_order, last_contact, last] = quiet[i];
    EXPECT_EQ(ours[i].customer_id(), id);  // the longest quiet first
    EXPECT_EQ(ours[i].last_order_date(), last_order);
    EXPECT_EQ(ours[i].last_contact_date(), last_contact);
    EXPECT_EQ(ours[i].last_activity_date(), FormatDay(last));
    EXPECT_EQ(ours[i].quiet_days(), today - last);
  }
  EXPECT_EQ(ours[0].owner_name(), "李雷");
  // A sales person's list has only their own customers.
  rv1::GetChurnListRequest own;
  own.set_quiet_days(90);
  own.set_page_size(1000);
  rv1::ChurnList theirs;
  ASSERT_TRUE(reports_->GetChurnList(AuthContext(org_->sales_b).get(), own, &theirs).ok());
  for (const rv1::ChurnRow& row : theirs.rows()) {
    EXPECT_EQ(row.owner_employee_id(), org_->sales_b_employee) << row.customer_name();
  }

  // July as each person worked it, under the head of the sales centre.
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  rv1::GetSalesPersonEvaluationRequest request;
  *request.mutable_period() = PeriodOf("2027-07-01", "2027-07-31");
  rv1::SalesPersonEvaluation evaluation;
  ASSERT_TRUE(
      reports_->GetSalesPersonEvaluation(AuthContext(org_->head_centre).get(), request, &evaluation)
          .ok());
  std::map<int64_t, rv1::SalesPersonRow> by_person;
  for (const rv1::SalesPersonRow& row : evaluation.rows()) by_person[row.employee_id()] = row;
  ASSERT_EQ(by_person.size(), 2u);
  const rv1::SalesPersonRow& a = by_person[org_->sales_a_employee];
  EXPECT_EQ(a.name(), "李雷");
  EXPECT_EQ(a.orders(), 1);
  EXPECT_EQ(a.amount().minor_units(), a_order.total_amount().minor_units());
  EXPECT_EQ(a.new_customers(), 3);    // q1, q2 and busy
  EXPECT_EQ(a.contact_records(), 1);  // busy's came in September
  const rv1::SalesPersonRow& b = by_person[org_->sales_b_employee];
  EXPECT_EQ(b.orders(), 1);
  EXPECT_EQ(b.amount().minor_units(), b_order.total_amount().minor_units());
  EXPECT_EQ(b.new_customers(), 1);
  EXPECT_EQ(b.contact_records(), 1);
  EXPECT_EQ(evaluation.rows(0).employee_id(), org_->sales_b_employee);  // the larger amount
}

TEST_F(ReportsE2eTest, OneReminderFeedMergesWhatIsDueAcrossTheCrm) {
  auto feedback = fv1::FeedbackService::NewStub(*gateway_);
  const sv1::Product part = Product("提醒件", 6'000, 3'000, 13);
  clock_->Set(At(2027, 8, 2, 9));  // a Monday
  const cv1::Customer customer =
      Customer(org_->sales_a, "提醒客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  // A contact's birthday (customer), a next step, an expected close date and
  // a promised delivery (sales), and an urgent request the sales person
  // handles (feedback, through the read model).
  cv1::CreateContactRequest contact_request;
  contact_request.mutable_contact()->set_customer_id(customer.id());
  contact_request.mutable_contact()->set_name("张三");
  contact_request.mutable_contact()->set_birthday("08-12");
  cv1::Contact contact;
  grpc::Status status =
      customers_->CreateContact(AuthContext(org_->sales_a).get(), contact_request, &contact);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::CreateContactRecordRequest record_request;
  record_request.mutable_record()->set_customer_id(customer.id());
  record_request.mutable_record()->set_method(sv1::VISIT);
  record_request.mutable_record()->set_subject("拜访");
  record_request.mutable_record()->set_next_step("寄送样品");
  record_request.mutable_record()->set_reminder_date("2027-08-05");
  sv1::ContactRecord record;
  status = sales_->CreateContactRecord(AuthContext(org_->sales_a).get(), record_request, &record);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::CreateOpportunityRequest opportunity_request;
  opportunity_request.mutable_opportunity()->set_customer_id(customer.id());
  opportunity_request.mutable_opportunity()->set_title("年度框架");
  opportunity_request.mutable_opportunity()->set_stage_code("lead");
  opportunity_request.mutable_opportunity()->mutable_amount()->set_minor_units(1'000'000);
  opportunity_request.mutable_opportunity()->set_expected_close_date("2027-08-20");
  sv1::Opportunity opportunity;
  status = sales_->CreateOpportunity(AuthContext(org_->sales_a).get(), opportunity_request,
                                     &opportunity);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::CreateOrderRequest order_request;
  order_request.mutable_order()->set_customer_id(customer.id());
  order_request.mutable_order()->set_delivery_date("2027-08-10");
  sv1::OrderLine* line = order_request.mutable_order()->add_lines();
  line->set_product_id(part.id());
  line->set_quantity_milli(1'000);
  sv1::Order order;
  status = sales_->CreateOrder(AuthContext(org_->sales_a).get(), order_request, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::ConfirmOrderRequest confirm;
  confirm.set_id(order.id());
  status = sales_->ConfirmOrder(AuthContext(org_->sales_a).get(), confirm, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  fv1::CreateServiceRequestRequest create;
  create.mutable_service_request()->set_type(fv1::REPAIR);
  create.mutable_service_request()->set_priority(fv1::URGENT);
  create.mutable_service_request()->set_customer_id(customer.id());
  create.mutable_service_request()->set_subject("设备停机");
  fv1::ServiceRequest request;
  status = feedback->CreateServiceRequest(AuthContext(org_->admin).get(), create, &request);
  ASSERT_TRUE(status.ok()) << status.error_message();
  fv1::AssignServiceRequestRequest assign;
  assign.set_id(request.id());
  assign.set_handler_employee_id(org_->sales_a_employee);
  status = feedback->AssignServiceRequest(AuthContext(org_->admin).get(), assign, &request);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::CivilDay at_risk_day =
      absl::ToCivilDay(FromTimestamp(request.resolution_clock().at_risk_time()), Shanghai());

  // What this test made, as the feed must show it: by date, then kind.
  using K = rv1::MyReminder;
  std::vector<std::tuple<std::string, K::Kind, int64_t, std::string>> expected = {
      {"2027-08-05", K::NEXT_STEP, record.id(), "寄送样品"},
      {"2027-08-10", K::DELIVERY, order.id(), order.number()},
      {"2027-08-12", K::BIRTHDAY, contact.id(), "张三"},
      {"2027-08-20", K::EXPECTED_CLOSE, opportunity.id(), "年度框架"},
      {FormatDay(std::max(at_risk_day, absl::CivilDay(2027, 8, 2))), K::REQUEST_AT_RISK,
       request.id(), "设备停机"}};
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(std::get<0>(a), static_cast<int>(std::get<1>(a)), std::get<2>(a)) <
           std::make_tuple(std::get<0>(b), static_cast<int>(std::get<1>(b)), std::get<2>(b));
  });
  rv1::ListMyRemindersRequest range;
  range.set_from_date("2027-08-01");
  range.set_to_date("2027-08-31");
  rv1::ListMyRemindersResponse mine;
  std::vector<std::tuple<std::string, K::Kind, int64_t, std::string>> seen;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        mine.Clear();
        if (!reports_->ListMyReminders(AuthContext(org_->sales_a).get(), range, &mine).ok()) {
          return false;
        }
        seen.clear();
        for (const K& r : mine.reminders()) {
          seen.emplace_back(r.date(), r.kind(), r.record_id(), r.text());
        }
        return seen == expected;
      },
      std::chrono::seconds(20)))
      << mine.ShortDebugString();
  EXPECT_EQ(mine.unavailable_sources_size(), 0);
  for (const K& r : mine.reminders()) EXPECT_EQ(r.customer_id(), customer.id());

  // Someone else's feed has none of it; a range past 92 days is refused.
  rv1::ListMyRemindersResponse theirs;
  ASSERT_TRUE(reports_->ListMyReminders(AuthContext(org_->sales_b).get(), range, &theirs).ok());
  EXPECT_EQ(theirs.reminders_size(), 0);
  range.set_to_date("2027-11-30");
  status = reports_->ListMyReminders(AuthContext(org_->sales_a).get(), range, &theirs);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("to_date"), std::string::npos);
}

}  // namespace
}  // namespace crm::reports_e2e
