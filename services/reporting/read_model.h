// The read model: how each feed's changes land in the reporting service's
// own tables (migrations/V0001__create_read_model.sql). Every apply function
// runs inside the FeedConsumer's transaction that also moves the feed's
// cursor, and is idempotent per change, so a crash between pages neither
// loses nor doubles anything. Reports never read another service's tables.
#pragma once

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/feed/feed_consumer.h"

namespace crm::reporting {

// The feeds the read model follows, in the order they are applied on
// start-up (org first, so owners' departments are known).
inline const std::vector<std::string>& FeedNames() {
  static const auto* names = new std::vector<std::string>{"org", "customer", "sales", "feedback"};
  return *names;
}

class ReadModel {
 public:
  // `zone`: the company's time zone (the day a customer was created).
  explicit ReadModel(absl::TimeZone zone) : zone_(zone) {}

  // The apply function for feed `name` (one of FeedNames()). Throws
  // sql::SQLException.
  FeedConsumer::Apply ApplyFor(const std::string& name) const;
  // Records when the source committed the last change of a page of feed
  // `name` (feed_positions): once a page, not once a change.
  static FeedConsumer::PageApplied RecordPositionOf(const std::string& name);

  // Every table the feeds fill (what a rebuild empties). pipeline_stages is
  // not one: its defaults are seeded, not in the feed; nor is
  // sales_targets: callers set them here.
  static const std::vector<std::string>& FedTables();

 private:
  void ApplyOrg(MySqlConnection& c, const common::v1::Change& change) const;
  void ApplyCustomer(MySqlConnection& c, const common::v1::Change& change) const;
  void ApplySales(MySqlConnection& c, const common::v1::Change& change) const;
  void ApplyFeedback(MySqlConnection& c, const common::v1::Change& change) const;

  const absl::TimeZone zone_;
};

}  // namespace crm::reporting
