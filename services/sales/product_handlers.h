// Handlers of the product and stock methods (R11): validation, update
// masks, page tokens, and the repositories.
#pragma once

#include "common/rpc/call_context.h"
#include "crm/sales/v1/product.pb.h"
#include "services/sales/product_repository.h"
#include "services/sales/stock_repository.h"

namespace crm::sales {

class ProductHandlers {
 public:
  ProductHandlers(ProductRepository& products, StockRepository& stock)
      : products_(products), stock_(stock) {}

  absl::Status CreateProduct(const CallContext& call, const v1::CreateProductRequest& request,
                             v1::Product* response);
  absl::Status GetProduct(const CallContext& call, const v1::GetProductRequest& request,
                          v1::Product* response);
  absl::Status UpdateProduct(const CallContext& call, const v1::UpdateProductRequest& request,
                             v1::Product* response);
  absl::Status ListProducts(const CallContext& call, const v1::ListProductsRequest& request,
                            v1::ListProductsResponse* response);
  absl::Status RecordStockMovement(const CallContext& call,
                                   const v1::RecordStockMovementRequest& request,
                                   v1::StockMovement* response);
  absl::Status ListStockMovements(const CallContext& call,
                                  const v1::ListStockMovementsRequest& request,
                                  v1::ListStockMovementsResponse* response);
  absl::Status GetInventory(const CallContext& call, const v1::GetInventoryRequest& request,
                            v1::Inventory* response);
  absl::Status ListLowStock(const CallContext& call, const v1::ListLowStockRequest& request,
                            v1::ListLowStockResponse* response);

 private:
  ProductRepository& products_;
  StockRepository& stock_;
};

}  // namespace crm::sales
