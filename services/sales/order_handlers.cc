// OrderHandlers: the order field rules and the status machine.
#include "services/sales/order_handlers.h"

#include <google/protobuf/util/message_differencer.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/sales/approval_handlers.h"
#include "services/sales/money.h"
#include "services/sales/order_lines.h"
#include "services/sales/order_pricing.h"
#include "services/sales/product_repository.h"
#include "services/sales/stock_repository.h"

namespace crm::sales {
namespace {

using v1::Order;
using v1::OrderLine;

void CopyOrderLineTerms(const Order& from, Order& to) {
  CopyLineTerms(from.lines(), *to.mutable_lines());
}

const MaskFields<Order>& MutableFields() {
  static const auto* fields = new MaskFields<Order>{
      {"lines", {&CopyOrderLineTerms, [](const Order& o) { return o.lines_size() > 0; }}},
      {"order_discount_bp", ScalarField(&Order::order_discount_bp, &Order::set_order_discount_bp)},
      {"contact_id", ScalarField(&Order::contact_id, &Order::set_contact_id)},
      {"order_date", VerbatimTextField(&Order::order_date, &Order::mutable_order_date)},
      {"delivery_date", VerbatimTextField(&Order::delivery_date, &Order::mutable_delivery_date)},
      {"remarks", TextField(&Order::remarks, &Order::mutable_remarks)},
      {"campaign_id", ScalarField(&Order::campaign_id, &Order::set_campaign_id)},
      {"invoiced", ScalarField(&Order::invoiced, &Order::set_invoiced)},
      {"reminder_date", VerbatimTextField(&Order::reminder_date, &Order::mutable_reminder_date)},
  };
  return *fields;
}

// Everything that can be checked without the database.
absl::Status ValidateOrder(const Order& o) {
  FieldViolations v;
  if (o.customer_id() <= 0) v.Add("order.customer_id", "must be a positive customer id");
  if (o.contact_id() < 0) v.Add("order.contact_id", "must be a contact id, or 0 for none");
  if (o.campaign_id() < 0) v.Add("order.campaign_id", "must be a campaign id, or 0 for none");
  CheckLineTerms(v, "order", o.lines(), o.order_discount_bp());
  for (auto [field, date] :
       {std::pair<const char*, const std::string*>{"order.order_date", &o.order_date()},
        {"order.delivery_date", &o.delivery_date()},
        {"order.reminder_date", &o.reminder_date()}}) {
    if (!date->empty() && !ParseIsoDate(*date).ok()) v.Add(field, "must be a date, YYYY-MM-DD");
  }
  CheckText(v, "order.remarks", o.remarks(), 2000, Presence::kOptional, /*multiline=*/true);
  return v.ToStatus();
}

absl::Status CheckOrderId(int64_t id) {
  return id > 0 ? absl::OkStatus() : InvalidField("id", "must be a positive order id");
}

absl::Status WrongStatus(const Order& order, absl::string_view step, absl::string_view allowed) {
  return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                           "order ", order.number(), " is ", v1::OrderStatus_Name(order.status()),
                           ": only ", allowed, " orders can be ", step)),
                       "STATUS_STEP_NOT_ALLOWED",
                       {{"status", v1::OrderStatus_Name(order.status())}},
                       absl::StrCat("order/", order.id()));
}

// Invoiced, reminder date and remarks may change until an order is
// cancelled; everything else only while it is a draft.
absl::Status CheckEditAllowed(const Order& before, const Order& after) {
  auto draft_terms = [](Order o) {
    o.clear_invoiced();
    o.clear_reminder_date();
    o.clear_remarks();
    return o;
  };
  if (before.status() != v1::DRAFT && !google::protobuf::util::MessageDifferencer::Equals(
                                          draft_terms(before), draft_terms(after))) {
    return WrongStatus(before, "edited beyond invoiced, reminder_date and remarks", "DRAFT");
  }
  if (before.status() == v1::CANCELLED &&
      !google::protobuf::util::MessageDifferencer::Equals(before, after)) {
    return WrongStatus(before, "edited", "DRAFT, CONFIRMED, PARTIALLY_DELIVERED or COMPLETED");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status OrderHandlers::CreateOrder(const CallContext& call,
                                        const v1::CreateOrderRequest& request, Order* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_order()) return InvalidField("order", "is required");
  Order order;  // only what a caller may set
  order.set_customer_id(request.order().customer_id());
  for (const auto& [path, field] : MutableFields()) field.copy(request.order(), order);
  CRM_RETURN_IF_ERROR(ValidateOrder(order));
  if (order.campaign_id() > 0) {
    CRM_RETURN_IF_ERROR(campaigns_.CheckExists(call, order.campaign_id(), "order.campaign_id"));
  }
  CRM_RETURN_IF_ERROR(check_customer_(call, order.customer_id(), order.contact_id()));
  CRM_ASSIGN_OR_RETURN(*response, orders_.Create(call, order, request.request_id()));
  return absl::OkStatus();
}

absl::Status OrderHandlers::GetOrder(const CallContext& call, const v1::GetOrderRequest& request,
                                     Order* response) {
  CRM_RETURN_IF_ERROR(CheckOrderId(request.id()));
  CRM_ASSIGN_OR_RETURN(*response, orders_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status OrderHandlers::UpdateOrder(const CallContext& call,
                                        const v1::UpdateOrderRequest& request, Order* response) {
  const Order& patch = request.order();
  if (patch.id() <= 0) return InvalidField("order.id", "must be a positive order id");
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "order.etag"));
  Order scratch;  // the mask checked before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  const bool new_lines = scratch.lines_size() > 0;
  if (scratch.contact_id() > 0) {
    // The customer is fixed: its contacts can be checked before the update.
    CRM_ASSIGN_OR_RETURN(const Order stored, orders_.Get(call, patch.id()));
    CRM_RETURN_IF_ERROR(check_customer_(call, stored.customer_id(), scratch.contact_id()));
  }
  if (scratch.campaign_id() > 0) {
    CRM_RETURN_IF_ERROR(campaigns_.CheckExists(call, scratch.campaign_id(), "order.campaign_id"));
  }
  auto edit = [&](MySqlConnection& c, Order& stored) -> absl::Status {
    const Order before = stored;
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    CRM_RETURN_IF_ERROR(CheckEditAllowed(before, stored));
    CRM_RETURN_IF_ERROR(ValidateOrder(stored));
    if (!new_lines) {
      CRM_RETURN_IF_ERROR(PriceOrderLines(stored));
    } else {
      std::vector<int64_t> product_ids;
      for (const OrderLine& line : stored.lines()) product_ids.push_back(line.product_id());
      CRM_RETURN_IF_ERROR(CompleteOrderLines(LoadProducts(c, product_ids), stored));
    }
    WithdrawIfChanged(c, before, stored, call.Now());
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response,
                       orders_.Update(call, patch.id(), patch.etag(), edit,
                                      new_lines ? LineWrite::kReplaceAll : LineWrite::kNone));
  return absl::OkStatus();
}

absl::Status OrderHandlers::ListOrders(const CallContext& call,
                                       const v1::ListOrdersRequest& request,
                                       v1::ListOrdersResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  if (request.owner_employee_id() < 0) {
    v.Add("owner_employee_id", "must be an employee id, or 0 for all");
  }
  if (!v1::OrderStatus_IsValid(request.status())) v.Add("status", "is not an order status");
  if (request.campaign_id() < 0) v.Add("campaign_id", "must be a campaign id, or 0 for all");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "orders", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto before, (page.After<int64_t>()));
  const OrderFilter filter{request.customer_id(), request.status(), request.owner_employee_id(),
                           request.campaign_id()};
  CRM_ASSIGN_OR_RETURN(
      Page<Order> listed,
      orders_.List(call, filter, page.size(),
                   before ? std::optional<int64_t>(std::get<0>(*before)) : std::nullopt));
  for (Order& o : listed.rows) *response->add_orders() = std::move(o);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Order& last = response->orders(response->orders_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status OrderHandlers::ConfirmOrder(const CallContext& call,
                                         const v1::ConfirmOrderRequest& request, Order* response) {
  CRM_RETURN_IF_ERROR(CheckOrderId(request.id()));
  auto edit = [&](MySqlConnection& c, Order& order) -> absl::Status {
    if (order.status() != v1::DRAFT) return WrongStatus(order, "confirmed", "DRAFT");
    CRM_RETURN_IF_ERROR(CheckOrderApproved(c, order));
    order.set_status(v1::CONFIRMED);
    return absl::OkStatus();
  };
  // The stock last: every confirmation of a product queues on its stock row,
  // which is then held only for the change row and the commit. Not enough
  // stock rolls the whole step back.
  auto reserve = [](MySqlConnection& c, const Order& order) {
    return ReserveStock(c, Undelivered(order));
  };
  CRM_ASSIGN_OR_RETURN(*response, orders_.Update(call, request.id(), request.etag(), edit,
                                                 LineWrite::kNone, reserve));
  return absl::OkStatus();
}

absl::Status OrderHandlers::DeliverOrder(const CallContext& call,
                                         const v1::DeliverOrderRequest& request, Order* response) {
  CRM_RETURN_IF_ERROR(CheckOrderId(request.id()));
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  FieldViolations v;
  if (request.lines_size() == 0) v.Add("lines", "name at least one line to deliver");
  std::map<int64_t, int64_t> by_line;  // line id -> quantity, repeats summed
  for (int i = 0; i < request.lines_size(); ++i) {
    const v1::DeliveryLine& line = request.lines(i);
    const std::string at = absl::StrCat("lines[", i, "].");
    if (line.line_id() <= 0) v.Add(at + "line_id", "must be a positive order line id");
    if (line.quantity_milli() <= 0 || line.quantity_milli() > kMaxQuantityMilli) {
      v.Add(at + "quantity_milli",
            absl::StrCat("must be 1 to ", kMaxQuantityMilli, " (thousandths of the unit)"));
    }
    by_line[line.line_id()] += line.quantity_milli();
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  const std::string request_key = CallerRequestKey(call, request.request_id());
  auto edit = [&](MySqlConnection& c, Order& order) -> absl::Status {
    // A retry of a delivery that committed: nothing more to ship.
    if (!request_key.empty() && DeliveryRecorded(c, request_key)) return absl::OkStatus();
    if (order.status() != v1::CONFIRMED && order.status() != v1::PARTIALLY_DELIVERED) {
      return WrongStatus(order, "delivered", "CONFIRMED or PARTIALLY_DELIVERED");
    }
    ProductQuantities shipped;
    for (const auto& [line_id, quantity] : by_line) {
      OrderLine* line = nullptr;
      for (OrderLine& l : *order.mutable_lines()) {
        if (l.id() == line_id) line = &l;
      }
      if (line == nullptr) {
        return InvalidField(
            "lines", absl::StrCat("line ", line_id, " is not a line of order ", order.number()));
      }
      const int64_t left = line->quantity_milli() - line->delivered_milli();
      if (quantity > left) {
        return absl::FailedPreconditionError(
            absl::StrCat("line ", line_id, " (", line->product_name(), ") has ",
                         FormatQuantity(left), " left to deliver, not ", FormatQuantity(quantity)));
      }
      line->set_delivered_milli(line->delivered_milli() + quantity);
      shipped[line->product_id()] += quantity;
    }
    ShipStock(c, call, order.id(), shipped);
    order.set_status(Undelivered(order).empty() ? v1::COMPLETED : v1::PARTIALLY_DELIVERED);
    if (!request_key.empty()) RecordDelivery(c, order.id(), request_key, call.Now());
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(
      *response, orders_.Update(call, request.id(), "", edit, LineWrite::kDeliveredQuantities));
  return absl::OkStatus();
}

absl::Status OrderHandlers::CancelOrder(const CallContext& call,
                                        const v1::CancelOrderRequest& request, Order* response) {
  CRM_RETURN_IF_ERROR(CheckOrderId(request.id()));
  const std::string reason = TrimText(request.reason());
  FieldViolations v;
  CheckText(v, "reason", reason, 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  auto edit = [&](MySqlConnection& c, Order& order) -> absl::Status {
    if (order.status() == v1::CONFIRMED) {
      ReleaseStock(c, Undelivered(order));
    } else if (order.status() != v1::DRAFT) {
      return WrongStatus(order, "cancelled", "DRAFT or CONFIRMED");
    }
    if (order.approval_status() == v1::APPROVAL_PENDING) {
      // Nothing left to approve: out of the approvers' inboxes.
      WithdrawApproval(c, order.approval_id(), call.Now());
      order.set_approval_status(v1::APPROVAL_WITHDRAWN);
    }
    order.set_status(v1::CANCELLED);
    order.set_cancel_reason(reason);
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response,
                       orders_.Update(call, request.id(), request.etag(), edit, LineWrite::kNone));
  return absl::OkStatus();
}

}  // namespace crm::sales
