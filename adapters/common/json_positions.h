#pragma once
// Maps JSON pointers ("/documents/3/birth_date") to the line and column where
// the value starts in the text, so that diagnostics about a field can name its
// line. nlohmann::json keeps no positions; this is a small second pass over
// text that has already parsed.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cb::adapters {

struct TextPosition {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class JsonPositions {
 public:
  /// Indexes every value of a syntactically valid JSON text.
  explicit JsonPositions(std::string_view text);
  /// Position of the value at `pointer`, or of its nearest indexed ancestor.
  TextPosition at(const std::string& pointer) const;

  /// Line and column (1-based) of a byte offset.
  static TextPosition of_offset(std::string_view text, std::size_t offset);

 private:
  std::unordered_map<std::string, TextPosition> positions_;
};

/// Escapes a key for use in a JSON pointer (RFC 6901: ~ → ~0, / → ~1).
std::string json_pointer_escape(std::string_view key);

}  // namespace cb::adapters
