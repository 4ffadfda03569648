#include "adapters/common/json_positions.h"

#include <vector>

namespace cb::adapters {

std::string json_pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

TextPosition JsonPositions::of_offset(std::string_view text, std::size_t offset) {
  TextPosition p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;  // count UTF-8 code points, not continuation bytes
    }
  }
  return p;
}

namespace {

class Indexer {
 public:
  Indexer(std::string_view text, std::unordered_map<std::string, TextPosition>& out)
      : text_(text), out_(out) {}

  void run() {
    skip_ws();
    value("");
  }

 private:
  void advance() {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(text_[pos_]) & 0xC0) != 0x80) {
      ++col_;
    }
    ++pos_;
  }
  void skip_ws() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      advance();
    }
  }
  std::string string_token() {
    std::string s;
    advance();  // opening quote
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') {
        advance();
        if (pos_ < text_.size()) s += text_[pos_];
      } else {
        s += text_[pos_];
      }
      advance();
    }
    advance();  // closing quote
    return s;   // escapes are approximated; keys in the canonical format are plain ASCII
  }
  void value(const std::string& pointer) {
    out_[pointer] = TextPosition{line_, col_};
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    if (c == '{') {
      advance();
      skip_ws();
      while (pos_ < text_.size() && text_[pos_] != '}') {
        const std::string key = string_token();
        skip_ws();
        advance();  // ':'
        skip_ws();
        value(pointer + "/" + json_pointer_escape(key));
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          advance();
          skip_ws();
        }
      }
      advance();
    } else if (c == '[') {
      advance();
      skip_ws();
      std::size_t index = 0;
      while (pos_ < text_.size() && text_[pos_] != ']') {
        value(pointer + "/" + std::to_string(index++));
        skip_ws();
        if (pos_ < text_.size() && text_[pos_] == ',') {
          advance();
          skip_ws();
        }
      }
      advance();
    } else if (c == '"') {
      string_token();
    } else {
      while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ']' &&
             text_[pos_] != ' ' && text_[pos_] != '\n' && text_[pos_] != '\r' && text_[pos_] != '\t') {
        advance();
      }
    }
  }

  std::string_view text_;
  std::unordered_map<std::string, TextPosition>& out_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t col_ = 1;
};

}  // namespace

JsonPositions::JsonPositions(std::string_view text) { Indexer(text, positions_).run(); }

TextPosition JsonPositions::at(const std::string& pointer) const {
  std::string p = pointer;
  while (true) {
    if (auto it = positions_.find(p); it != positions_.end()) return it->second;
    if (p.empty()) return {};
    p.erase(p.rfind('/'));
  }
}

}  // namespace cb::adapters
