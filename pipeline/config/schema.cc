#include "pipeline/config/schema.h"

#include <charconv>
#include <cmath>

namespace cb::config {

std::string_view scalar_type_name(const Scalar& v) {
  switch (v.index()) {
    case 0:
      return "a boolean";
    case 1:
      return "an integer";
    case 2:
      return "a float";
    default:
      return "a string";
  }
}

std::string scalar_to_toml(const Scalar& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    if (ec != std::errc{}) return "nan";
    return std::string(buf, end);
  }
  std::string out = "\"";
  for (char c : std::get<std::string>(v)) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

void KeyLocations::set(std::string key, Location where) {
  for (auto& [k, loc] : entries_) {
    if (k == key) {
      loc = std::move(where);
      return;
    }
  }
  entries_.emplace_back(std::move(key), std::move(where));
}

bool KeyLocations::has(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const auto& e) { return e.first == key; });
}

const Location& KeyLocations::of(std::string_view key) const {
  static const Location kNowhere;
  const Location* table = &kNowhere;
  for (const auto& [k, loc] : entries_) {
    if (k == key) return loc;
    if (k.empty()) table = &loc;
  }
  return *table;
}

void Reporter::report(DiagCode code, std::string message, Location where, std::string hint) {
  Diagnostic d = Diagnostic::make(code, std::move(message), std::move(where));
  d.hint = std::move(hint);
  out_.push_back(std::move(d));
}

Location Reporter::at(const toml::source_region& src, std::string field_path) const {
  Location loc;
  loc.file = file_;
  loc.line = src.begin.line;
  loc.column = src.begin.column;
  loc.field = std::move(field_path);
  return loc;
}

Diagnostics Reporter::take() {
  std::stable_sort(out_.begin(), out_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });
  return std::move(out_);
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int digits(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// Optimal string alignment distance: insertions, deletions, substitutions and
// transpositions of neighbours ("prot" -> "port") each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!is_digit(s[i])) return false;
  const int year = digits(s, 0, 4);
  const int month = digits(s, 5, 2);
  const int day = digits(s, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

std::string closest_key(std::string_view key, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  std::size_t best_d = 0;
  for (auto c : candidates) {
    const std::size_t d = edit_distance(key, c);
    const std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, c.size() / 3));
    if (d <= limit && (best.empty() || d < best_d)) {
      best = c;
      best_d = d;
    }
  }
  return std::string(best);
}

std::string format_schema_rows(const std::vector<SchemaRow>& rows) {
  std::size_t key_w = 3, type_w = 4, def_w = 7;
  for (const auto& r : rows) {
    key_w = std::max(key_w, r.key.size());
    type_w = std::max(type_w, r.type.size());
    def_w = std::max(def_w, r.required ? std::size_t{8} : r.default_value.size());
  }
  auto pad = [](std::string s, std::size_t w) {
    s.resize(std::max(w, s.size()), ' ');
    return s;
  };
  std::string out = pad("key", key_w) + "  " + pad("type", type_w) + "  " + pad("default", def_w) +
                    "  description\n";
  for (const auto& r : rows) {
    std::string def = r.required ? "required" : (r.default_value.empty() ? "-" : r.default_value);
    out += pad(r.key, key_w) + "  " + pad(r.type, type_w) + "  " + pad(def, def_w) + "  " +
           r.description + "\n";
  }
  return out;
}

}  // namespace cb::config
