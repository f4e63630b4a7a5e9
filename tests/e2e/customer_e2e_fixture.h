// The fixture of the customer end-to-end tests (customer_master_e2e.cc,
// customer_relations_e2e.cc): the whole stack, the SalesOrg (two sales people
// in sibling teams, the head of both, the administrator), and helpers for
// calls through the gateway. Included by one file per test binary.
#pragma once

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "tests/support/change_feed.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace v1 = customer::v1;
using google::protobuf::util::TimeUtil;
using testing::AuthContext;
using testing::Session;

using testing::Barrier;
using testing::Eventually;

inline google::protobuf::Timestamp At(const std::string& rfc3339) {
  google::protobuf::Timestamp t;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &t)) << rfc3339;
  return t;
}

inline std::string MonthDay(absl::CivilDay day) {
  char text[16];
  std::snprintf(text, sizeof text, "%02d-%02d", day.month(), day.day());
  return text;
}

inline std::string IsoDay(absl::CivilDay day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(day.year()), day.month(),
                day.day());
  return text;
}

class CustomerMasterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    const testing::SalesOrg org = testing::SalesOrg::Build(*gateway_);
    admin_ = new Session(org.admin);
    sales_a_ = new Session(org.sales_a);
    sales_b_ = new Session(org.sales_b);
    head_ = new Session(org.head_centre);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override { stub_ = v1::CustomerService::NewStub(*gateway_); }

  static v1::Customer Named(const std::string& name, const std::string& city = "上海") {
    v1::Customer c;
    c.set_name(name);
    c.set_city(city);
    c.set_region_code(city == "广州" ? "south" : city == "北京" ? "north" : "east");
    return c;
  }

  grpc::Status Create(const Session& as, const v1::Customer& customer, v1::Customer* created,
                      bool to_pool = false) {
    v1::CreateCustomerRequest request;
    *request.mutable_customer() = customer;
    request.set_to_pool(to_pool);
    return stub_->CreateCustomer(AuthContext(as).get(), request, created);
  }

  // Creates a customer that must be created.
  v1::Customer MustCreate(const Session& as, const v1::Customer& customer, bool to_pool = false) {
    v1::Customer created;
    grpc::Status status = Create(as, customer, &created, to_pool);
    EXPECT_TRUE(status.ok()) << customer.name() << ": " << status.error_message();
    return created;
  }

  grpc::Status Get(const Session& as, int64_t id, v1::Customer* out = nullptr) {
    v1::GetCustomerRequest request;
    request.set_id(id);
    v1::Customer scratch;
    return stub_->GetCustomer(AuthContext(as).get(), request, out ? out : &scratch);
  }

  // Every page of a list, checking that pages neither repeat nor skip.
  std::vector<v1::Customer> ListAll(const Session& as, v1::ListCustomersRequest request,
                                    int page_size, int* pages = nullptr, int64_t* total = nullptr) {
    std::vector<v1::Customer> all;
    request.set_page_size(page_size);
    int count = 0;
    for (;;) {
      v1::ListCustomersResponse page;
      grpc::Status status = stub_->ListCustomers(AuthContext(as).get(), request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      EXPECT_LE(page.customers_size(), page_size);
      if (total) *total = page.total_size();
      for (const auto& c : page.customers()) all.push_back(c);
      ++count;
      if (page.next_page_token().empty() || count > 100) break;
      request.set_page_token(page.next_page_token());
    }
    if (pages) *pages = count;
    return all;
  }

  int64_t CountWithCode(const Session& as, const std::string& code,
                        v1::ListCustomersRequest::View view) {
    v1::ListCustomersRequest request;
    request.set_code(code);
    request.set_view(view);
    v1::ListCustomersResponse page;
    grpc::Status status = stub_->ListCustomers(AuthContext(as).get(), request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return page.total_size();
  }

  // Every page of a search, as (id, match).
  std::vector<std::pair<int64_t, v1::SearchResult::Match>> Search(
      const Session& as, const std::string& query,
      v1::SearchCustomersRequest::Mode mode = v1::SearchCustomersRequest::MODE_FUZZY) {
    std::vector<std::pair<int64_t, v1::SearchResult::Match>> found;
    v1::SearchCustomersRequest request;
    request.set_query(query);
    request.set_mode(mode);
    request.set_page_size(2);
    for (int pages = 0; pages < 50; ++pages) {
      v1::SearchCustomersResponse response;
      grpc::Status status = stub_->SearchCustomers(AuthContext(as).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& r : response.results()) found.emplace_back(r.customer().id(), r.match());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return found;
  }

  bool Finds(const Session& as, const std::string& query, int64_t id) {
    for (const auto& [found, match] : Search(as, query)) {
      if (found == id) return true;
    }
    return false;
  }

  // The customer service's latest change sequence.
  int64_t LastSequence() {
    return testing::LastCustomerChangeSequence(*stub_, [] { return AuthContext(*admin_); });
  }

  // The changes of one customer after `after`, in order.
  std::vector<common::v1::Change> CustomerChanges(int64_t after, int64_t id) {
    std::vector<common::v1::Change> changes;
    common::v1::ListChangesRequest request;
    request.set_page_size(100);
    request.set_after_sequence(after);
    for (;;) {
      common::v1::ListChangesResponse response;
      grpc::Status status = stub_->ListChanges(AuthContext(*admin_).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& change : response.changes()) {
        if (change.entity_type() == "crm.customer.v1.Customer" && change.entity_id() == id) {
          changes.push_back(change);
        }
      }
      if (!response.has_more()) break;
      request.set_after_sequence(response.last_sequence());
    }
    return changes;
  }

  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static Session *admin_, *sales_a_, *sales_b_, *head_;
  std::unique_ptr<v1::CustomerService::Stub> stub_;
};

testing::Stack* CustomerMasterTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* CustomerMasterTest::gateway_ = nullptr;
Session *CustomerMasterTest::admin_, *CustomerMasterTest::sales_a_, *CustomerMasterTest::sales_b_,
    *CustomerMasterTest::head_;

inline int64_t Sequence(const std::string& code) {
  return std::stoll(code.substr(4));  // after the letter and a three-digit area code
}

}  // namespace
}  // namespace crm
