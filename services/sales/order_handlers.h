// Handlers of the order methods (R14): validation, the customer check, the
// status steps, and the repository.
#pragma once

#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/order.pb.h"
#include "services/sales/campaign_repository.h"
#include "services/sales/order_repository.h"

namespace crm::sales {

class OrderHandlers {
 public:
  OrderHandlers(OrderRepository& orders, CampaignRepository& campaigns,
                CustomerCheck check_customer)
      : orders_(orders), campaigns_(campaigns), check_customer_(std::move(check_customer)) {}

  absl::Status CreateOrder(const CallContext& call, const v1::CreateOrderRequest& request,
                           v1::Order* response);
  absl::Status GetOrder(const CallContext& call, const v1::GetOrderRequest& request,
                        v1::Order* response);
  absl::Status UpdateOrder(const CallContext& call, const v1::UpdateOrderRequest& request,
                           v1::Order* response);
  absl::Status ListOrders(const CallContext& call, const v1::ListOrdersRequest& request,
                          v1::ListOrdersResponse* response);
  absl::Status ConfirmOrder(const CallContext& call, const v1::ConfirmOrderRequest& request,
                            v1::Order* response);
  absl::Status DeliverOrder(const CallContext& call, const v1::DeliverOrderRequest& request,
                            v1::Order* response);
  absl::Status CancelOrder(const CallContext& call, const v1::CancelOrderRequest& request,
                           v1::Order* response);

 private:
  OrderRepository& orders_;
  CampaignRepository& campaigns_;
  CustomerCheck check_customer_;
};

}  // namespace crm::sales
