// JSON line logger on top of spdlog.
#include "common/base/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"

namespace crm::log {
namespace {

std::string& MutableServiceName() {
  static std::string name = "crm";
  return name;
}

// Gathers lines and writes them to stdout in batches: at once for a warning
// or an error, otherwise every 100 ms or when 64 KiB have gathered, so a busy
// gateway does not pay a write() for every access-log line.
class BufferedStdoutSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kFlushBytes) flush_();
  }

  void flush_() override {
    size_t done = 0;
    while (done < buffer_.size()) {
      ssize_t n = ::write(STDOUT_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stdout is gone; nothing sensible left to do
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 64 * 1024;
  std::string buffer_;
};

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("crm", std::make_shared<BufferedStdoutSink>());
    // spdlog adds time and level; the rest of the object is built by Write.
    l->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})",
                   spdlog::pattern_time_type::utc);
    l->flush_on(spdlog::level::warn);
    // spdlog's own periodic flusher counts in whole seconds; logs that help at
    // 3 a.m. should not lag that much.
    std::thread([l] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        l->flush();
      }
    }).detach();
    std::atexit([] { Logger()->flush(); });
    return l;
  }();
  return logger;
}

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};

thread_local absl::string_view current_request_id;
thread_local absl::string_view current_method;
thread_local absl::string_view current_trace_id;

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

void AppendField(std::string& out, absl::string_view key, absl::string_view value) {
  out.append(",\"");
  AppendJsonEscaped(out, key);
  out.append("\":\"");
  AppendJsonEscaped(out, value);
  out.push_back('"');
}

}  // namespace

bool Init(absl::string_view service, absl::string_view level) {
  MutableServiceName() = std::string(service);
  return SetLevel(level);
}

bool SetLevel(absl::string_view level) {
  Level parsed;
  if (level == "debug") {
    parsed = Level::kDebug;
  } else if (level == "info") {
    parsed = Level::kInfo;
  } else if (level == "warn") {
    parsed = Level::kWarn;
  } else if (level == "error") {
    parsed = Level::kError;
  } else {
    return false;
  }
  min_level = static_cast<int>(parsed);
  Logger()->set_level(ToSpdlog(parsed));
  return true;
}

void Flush() { Logger()->flush(); }

const std::string& ServiceName() { return MutableServiceName(); }

bool Enabled(Level level) { return static_cast<int>(level) >= min_level.load(); }

void Write(Level level, absl::string_view message, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  std::string line;
  line.reserve(160 + message.size());
  line.append("\"service\":\"");
  AppendJsonEscaped(line, ServiceName());
  line.append("\",\"msg\":\"");
  AppendJsonEscaped(line, message);
  line.push_back('"');
  if (!current_request_id.empty()) AppendField(line, "request_id", current_request_id);
  if (!current_method.empty()) AppendField(line, "method", current_method);
  if (!current_trace_id.empty()) AppendField(line, "trace_id", current_trace_id);
  for (const Field& f : fields) {
    if (f.is_number) {
      line.append(",\"");
      AppendJsonEscaped(line, f.key);
      line.append("\":");
      absl::StrAppend(&line, f.number);
    } else {
      AppendField(line, f.key, f.text);
    }
  }
  Logger()->log(ToSpdlog(level), line);
}

ScopedContext::ScopedContext(absl::string_view request_id, absl::string_view method,
                             absl::string_view trace_id)
    : previous_request_id_(current_request_id),
      previous_method_(current_method),
      previous_trace_id_(current_trace_id) {
  current_request_id = request_id;
  current_method = method;
  current_trace_id = trace_id;
}

ScopedContext::~ScopedContext() {
  current_request_id = previous_request_id_;
  current_method = previous_method_;
  current_trace_id = previous_trace_id_;
}

void AppendJsonEscaped(std::string& out, absl::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (u < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
}

}  // namespace crm::log
