// ImportCustomers and ExportCustomers (R9): the two streaming calls. An
// import is read message by message (CSV parsed as it arrives) and written
// in batches of kImportBatchRows; an export pages through the list query and
// sends CSV pieces as the client takes them. Neither holds a whole file.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/async_streams.h"
#include "crm/customer/v1/bulk.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

class BulkLoads;
class ContactRepository;
class CustomerRepository;
class GradePolicy;

inline constexpr int kImportBatchRows = 1024;
// A batch is also written once its rows hold this many bytes: an import's
// memory stays bounded whatever its rows' size (a CSV record may be 1 MiB).
inline constexpr size_t kImportBatchBytes = 4 << 20;
inline constexpr int kExportPageRows = 500;

using ImportHandler = ClientStreamHandler<v1::ImportCustomersRequest, v1::ImportCustomersResponse>;
using ExportHandler = ServerStreamHandler<v1::ExportCustomersResponse>;

class BulkHandlers {
 public:
  // `loads` (optional) is told while each import runs, and bounds how many
  // run at once (BulkLoads::kMaxRunning; more: RESOURCE_EXHAUSTED).
  BulkHandlers(Database& db, CustomerRepository& customers, ContactRepository& contacts,
               const GradePolicy& grades, absl::TimeZone zone, BulkLoads* loads = nullptr)
      : db_(db),
        customers_(customers),
        contacts_(contacts),
        grades_(grades),
        zone_(zone),
        loads_(loads) {}

  absl::StatusOr<std::unique_ptr<ImportHandler>> ImportCustomers(const CallContext& call);
  absl::StatusOr<std::unique_ptr<ExportHandler>> ExportCustomers(
      const CallContext& call, const v1::ExportCustomersRequest& request);

 private:
  Database& db_;
  CustomerRepository& customers_;
  ContactRepository& contacts_;
  const GradePolicy& grades_;
  absl::TimeZone zone_;
  BulkLoads* loads_;
};

}  // namespace crm::customer
