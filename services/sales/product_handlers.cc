// ProductHandlers, with the product and stock field rules.
#include "services/sales/product_handlers.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"

namespace crm::sales {
namespace {

using v1::Product;

const MaskFields<Product>& MutableFields() {
  static const auto* fields = new MaskFields<Product>{
      {"name", TextField(&Product::name, &Product::mutable_name)},
      {"model", TextField(&Product::model, &Product::mutable_model)},
      {"specification", TextField(&Product::specification, &Product::mutable_specification)},
      {"unit", TextField(&Product::unit, &Product::mutable_unit)},
      {"list_price",
       MessageField(&Product::has_list_price, &Product::list_price, &Product::mutable_list_price)},
      {"cost_price",
       MessageField(&Product::has_cost_price, &Product::cost_price, &Product::mutable_cost_price)},
      {"vat_rate_percent", ScalarField(&Product::vat_rate_percent, &Product::set_vat_rate_percent)},
      {"discontinued", ScalarField(&Product::discontinued, &Product::set_discontinued)},
      {"low_stock_threshold_milli",
       ScalarField(&Product::low_stock_threshold_milli, &Product::set_low_stock_threshold_milli)},
  };
  return *fields;
}

absl::Status ValidateProduct(Product& p) {
  FieldViolations v;
  CheckText(v, "product.name", p.name(), 200, Presence::kRequired);
  CheckText(v, "product.model", p.model(), 200, Presence::kOptional);
  CheckText(v, "product.specification", p.specification(), 500, Presence::kOptional);
  CheckText(v, "product.unit", p.unit(), 20, Presence::kRequired);
  for (auto [field, money] :
       {std::pair<const char*, common::v1::Money*>{"product.list_price", p.mutable_list_price()},
        {"product.cost_price", p.mutable_cost_price()}}) {
    CheckPrice(v, field, *money, kMaxUnitPriceFen);
    *money = Fen(money->minor_units());
  }
  if (!IsVatRate(p.vat_rate_percent())) {
    v.Add("product.vat_rate_percent", "must be 13, 9, 6, 3, 1 or 0");
  }
  if (p.low_stock_threshold_milli() < 0 || p.low_stock_threshold_milli() > kMaxQuantityMilli) {
    v.Add("product.low_stock_threshold_milli",
          absl::StrCat("must be 0 to ", kMaxQuantityMilli, " (thousandths of the unit)"));
  }
  return v.ToStatus();
}

absl::Status CheckId(int64_t id, const char* field, const char* what) {
  return id > 0 ? absl::OkStatus()
                : InvalidField(field, absl::StrCat("must be a positive ", what, " id"));
}

}  // namespace

absl::Status ProductHandlers::CreateProduct(const CallContext& call,
                                            const v1::CreateProductRequest& request,
                                            Product* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_product()) return InvalidField("product", "is required");
  Product product;  // id, times and etag are output only
  for (const auto& [path, field] : MutableFields()) field.copy(request.product(), product);
  CRM_RETURN_IF_ERROR(ValidateProduct(product));
  CRM_ASSIGN_OR_RETURN(*response, products_.Create(call, product, request.request_id()));
  return absl::OkStatus();
}

absl::Status ProductHandlers::GetProduct(const CallContext& call,
                                         const v1::GetProductRequest& request, Product* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id", "product"));
  CRM_ASSIGN_OR_RETURN(*response, products_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status ProductHandlers::UpdateProduct(const CallContext& call,
                                            const v1::UpdateProductRequest& request,
                                            Product* response) {
  const Product& patch = request.product();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "product.id", "product"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "product.etag"));
  Product scratch;  // the mask checked before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  auto change = [&](Product& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    return ValidateProduct(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, products_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status ProductHandlers::ListProducts(const CallContext& call,
                                           const v1::ListProductsRequest& request,
                                           v1::ListProductsResponse* response) {
  const std::string query = TrimText(request.query());
  FieldViolations v;
  CheckText(v, "query", query, 200, Presence::kOptional);
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "products", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  std::optional<ProductPosition> position;
  if (after) position = ProductPosition{std::get<0>(*after), std::get<1>(*after)};
  CRM_ASSIGN_OR_RETURN(
      Page<Product> listed,
      products_.List(call, query, request.include_discontinued(), page.size(), position));
  for (Product& p : listed.rows) *response->add_products() = std::move(p);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Product& last = response->products(response->products_size() - 1);
    response->set_next_page_token(
        page.NextToken(listed.has_more, {last.name(), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ProductHandlers::RecordStockMovement(const CallContext& call,
                                                  const v1::RecordStockMovementRequest& request,
                                                  v1::StockMovement* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  v1::StockMovement movement;
  movement.set_product_id(request.movement().product_id());
  movement.set_kind(request.movement().kind());
  movement.set_quantity_milli(request.movement().quantity_milli());
  movement.set_reason(TrimText(request.movement().reason()));
  FieldViolations v;
  if (movement.product_id() <= 0) v.Add("movement.product_id", "must be a positive product id");
  const int64_t q = movement.quantity_milli();
  switch (movement.kind()) {
    case v1::RECEIPT:
      if (q <= 0 || q > kMaxQuantityMilli) {
        v.Add("movement.quantity_milli",
              absl::StrCat("a receipt must be 1 to ", kMaxQuantityMilli, " (thousandths)"));
      }
      break;
    case v1::ADJUSTMENT:
      if (q == 0 || q > kMaxQuantityMilli || q < -kMaxQuantityMilli) {
        v.Add("movement.quantity_milli",
              absl::StrCat("an adjustment must be non-zero, at most ", kMaxQuantityMilli,
                           " either way (thousandths)"));
      }
      break;
    default:
      v.Add("movement.kind", "must be RECEIPT or ADJUSTMENT (shipments are made by DeliverOrder)");
  }
  CheckText(v, "movement.reason", movement.reason(), 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, stock_.Record(call, movement, request.request_id()));
  return absl::OkStatus();
}

absl::Status ProductHandlers::ListStockMovements(const CallContext& call,
                                                 const v1::ListStockMovementsRequest& request,
                                                 v1::ListStockMovementsResponse* response) {
  FieldViolations v;
  if (request.product_id() <= 0) v.Add("product_id", "must be a positive product id");
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "stock_movements", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto before, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<v1::StockMovement> listed,
      stock_.ListMovements(call, request.product_id(), page.size(),
                           before ? std::optional<int64_t>(std::get<0>(*before)) : std::nullopt));
  for (v1::StockMovement& m : listed.rows) *response->add_movements() = std::move(m);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const v1::StockMovement& last = response->movements(response->movements_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ProductHandlers::GetInventory(const CallContext& call,
                                           const v1::GetInventoryRequest& request,
                                           v1::Inventory* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.product_id(), "product_id", "product"));
  CRM_ASSIGN_OR_RETURN(*response, stock_.Get(call, request.product_id()));
  return absl::OkStatus();
}

absl::Status ProductHandlers::ListLowStock(const CallContext& call,
                                           const v1::ListLowStockRequest& request,
                                           v1::ListLowStockResponse* response) {
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "low_stock"));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<v1::Inventory> listed,
      stock_.ListLowStock(call, page.size(),
                          after ? std::optional<int64_t>(std::get<0>(*after)) : std::nullopt));
  for (v1::Inventory& i : listed.rows) *response->add_items() = std::move(i);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const v1::Inventory& last = response->items(response->items_size() - 1);
    response->set_next_page_token(
        page.NextToken(listed.has_more, {absl::StrCat(last.product_id())}));
  }
  return absl::OkStatus();
}

}  // namespace crm::sales
