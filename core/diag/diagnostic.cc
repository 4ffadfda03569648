#include "core/diag/diagnostic.h"

#include <array>

namespace cb {
namespace {

struct CodeInfo {
  std::string_view id;
  Severity severity;
  std::string_view title;
};

constexpr std::array kCodes = {
#define CB_DIAG(name, id, severity, title) CodeInfo{id, Severity::severity, title},
#include "core/diag/codes.def"
#undef CB_DIAG
};

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
    case Severity::fatal: return "fatal";
  }
  return "error";
}

std::string_view code_id(DiagCode c) { return kCodes[static_cast<std::size_t>(c)].id; }
std::string_view code_title(DiagCode c) { return kCodes[static_cast<std::size_t>(c)].title; }
Severity code_severity(DiagCode c) { return kCodes[static_cast<std::size_t>(c)].severity; }
std::size_t code_count() { return kCodes.size(); }

bool code_from_id(std::string_view id, DiagCode& out) {
  for (std::size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i].id == id) {
      out = static_cast<DiagCode>(i);
      return true;
    }
  }
  return false;
}

bool Location::empty() const {
  return file.empty() && line == 0 && !has_offset && segment.empty() && element.empty() &&
         xpath.empty() && field.empty();
}

std::string Location::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += (out.empty() ? "line " : ":") + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  auto add = [&out](std::string_view label, const std::string& v) {
    if (v.empty()) return;
    if (!out.empty()) out += ' ';
    out += label;
    out += v;
  };
  if (has_offset) add("byte ", std::to_string(byte_offset));
  add("segment ", segment);
  add("element ", element);
  add("", xpath);
  add("", field);
  return out;
}

Diagnostic Diagnostic::make(DiagCode code, std::string message, Location where) {
  Diagnostic d;
  d.code = code;
  d.severity = code_severity(code);
  d.where = std::move(where);
  d.message = std::move(message);
  return d;
}

std::string Diagnostic::to_string() const {
  std::string out = where.to_string();
  if (!out.empty()) out += ": ";
  out += cb::to_string(severity);
  out += ' ';
  out += code_id(code);
  out += " (";
  out += code_title(code);
  out += "): ";
  out += message;
  if (!hint.empty()) {
    out += " — ";
    out += hint;
  }
  return out;
}

std::string quote_input(std::string_view text) {
  constexpr std::size_t kMax = 40;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  if (text.size() > kMax) out += "...";
  out += '\'';
  return out;
}

bool has_errors(const Diagnostics& ds) {
  for (const auto& d : ds) {
    if (d.severity >= Severity::error) return true;
  }
  return false;
}

}  // namespace cb
