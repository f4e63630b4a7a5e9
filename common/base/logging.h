// Structured logs: one JSON object per line on stdout, carrying the request id.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace crm::log {

// A key and a string or integer value for one log line.
struct Field {
  Field(absl::string_view k, absl::string_view v) : key(k), text(v) {}
  Field(absl::string_view k, const std::string& v) : key(k), text(v) {}
  Field(absl::string_view k, const char* v) : key(k), text(v) {}
  Field(absl::string_view k, int64_t v) : key(k), number(v), is_number(true) {}
  Field(absl::string_view k, int v) : key(k), number(v), is_number(true) {}
  absl::string_view key;
  absl::string_view text;
  int64_t number = 0;
  bool is_number = false;
};

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the service name stamped on every line and the minimum level
// ("debug", "info", "warn", "error"). Returns false for an unknown level.
// Call once, before any other thread logs (the name is read unlocked).
bool Init(absl::string_view service, absl::string_view level);
// Changes the minimum level only: safe while other threads log.
bool SetLevel(absl::string_view level);

bool Enabled(Level level);
// The name Init was given ("crm" before).
const std::string& ServiceName();
// Writes out buffered lines now (lines below warning level are batched).
void Flush();
void Write(Level level, absl::string_view message, std::initializer_list<Field> fields = {});

inline void Debug(absl::string_view m, std::initializer_list<Field> f = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, m, f);
}
inline void Info(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warn(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, m, f);
}
inline void Error(absl::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

// While alive, every line this thread writes carries this request id, method
// and trace id: a handler sets it once and the repositories' logs are tied to
// the call (and, by the trace id, to the same request in other services).
class ScopedContext {
 public:
  ScopedContext(absl::string_view request_id, absl::string_view method,
                absl::string_view trace_id = {});
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  absl::string_view previous_request_id_;
  absl::string_view previous_method_;
  absl::string_view previous_trace_id_;
};

// Appends `value` to `out` as a JSON string body (no surrounding quotes).
void AppendJsonEscaped(std::string& out, absl::string_view value);

}  // namespace crm::log
