// Handlers of the contract methods (R16): validation, the customer check and
// the status steps.
#pragma once

#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/contract.pb.h"
#include "services/sales/contract_repository.h"

namespace crm::sales {

class ContractHandlers {
 public:
  ContractHandlers(ContractRepository& contracts, CustomerCheck check_customer)
      : contracts_(contracts), check_customer_(std::move(check_customer)) {}

  absl::Status CreateContract(const CallContext& call, const v1::CreateContractRequest& request,
                              v1::Contract* response);
  absl::Status GetContract(const CallContext& call, const v1::GetContractRequest& request,
                           v1::Contract* response);
  absl::Status UpdateContract(const CallContext& call, const v1::UpdateContractRequest& request,
                              v1::Contract* response);
  absl::Status ListContracts(const CallContext& call, const v1::ListContractsRequest& request,
                             v1::ListContractsResponse* response);
  absl::Status SignContract(const CallContext& call, const v1::SignContractRequest& request,
                            v1::Contract* response);
  absl::Status CloseContract(const CallContext& call, const v1::CloseContractRequest& request,
                             v1::Contract* response);

 private:
  ContractRepository& contracts_;
  CustomerCheck check_customer_;
};

}  // namespace crm::sales
