// Shared by the fuzz targets: how an input is cut into fields, and how a
// broken property stops the run (libFuzzer keeps the input that did it).
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

// A property every input must keep; a violation aborts with the condition,
// which libFuzzer (or the corpus runner) reports with the input.
#define FUZZ_CHECK(condition)                                                               \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace crm::fuzz {

// The input as lines: targets that take several strings read one per line,
// so a corpus file is readable text; the last field keeps any further lines.
// Missing fields are empty.
inline std::vector<std::string> SplitFields(const uint8_t* data, size_t size, size_t count) {
  absl::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> fields;
  while (fields.size() + 1 < count) {
    const size_t end = rest.find('\n');
    if (end == absl::string_view::npos) break;
    fields.emplace_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  fields.emplace_back(rest);
  fields.resize(count);
  return fields;
}

// Whether `text` is well-formed UTF-8 (shortest forms, no surrogates, at
// most U+10FFFF): what protobuf and MariaDB's utf8mb4 accept.
inline bool IsUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    size_t width;
    uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      width = 2, code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      width = 3, code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      width = 4, code = c & 0x07;
    } else {
      return false;
    }
    if (i + width > text.size()) return false;
    for (size_t k = 1; k < width; ++k) {
      const unsigned char next = text[i + k];
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if ((width == 3 && code < 0x800) || (width == 4 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += width;
  }
  return true;
}

inline absl::string_view AsText(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace crm::fuzz
