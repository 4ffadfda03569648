#include "pipeline/log/redact.h"

namespace cb::log {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool is_alnum(char c) {
  return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z');
}
bool is_number_joiner(char c) {
  return c == '-' || c == '+' || c == '.' || c == ',' || c == ':' || c == '/';
}

int num(std::string_view s, std::size_t from, std::size_t n) {
  int v = 0;
  for (std::size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

bool all_digits(std::string_view s, std::size_t from, std::size_t n) {
  if (from + n > s.size()) return false;
  for (std::size_t i = from; i < from + n; ++i)
    if (!is_digit(s[i])) return false;
  return true;
}

// A number starts here: not inside a word or a longer number such as
// 2026-01-31, 12:30 or 1.234,56.
bool number_starts(std::string_view s, std::size_t i) {
  if (i == 0) return true;
  const char p = s[i - 1];
  if (is_alnum(p)) return false;
  if (is_number_joiner(p) && i >= 2 && is_digit(s[i - 2])) return false;
  return true;
}

bool number_ends(std::string_view s, std::size_t end) {
  if (end >= s.size()) return true;
  const char c = s[end];
  if (is_alnum(c)) return false;
  if (is_number_joiner(c) && end + 1 < s.size() && is_digit(s[end + 1])) return false;
  return true;
}

bool word_ends(std::string_view s, std::size_t end) {
  return end >= s.size() || !is_alnum(s[end]);
}

// Month 1..12 and day 1..31, or 61..91 for a Swedish samordningsnummer.
bool swedish_date(int month, int day) {
  return month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91));
}

// Luhn over the 10 digits YYMMDDNNNN (the last is the check digit).
bool luhn10(const char* d) {
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    int v = d[i] - '0';
    if (i % 2 == 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return sum % 10 == 0;
}

// Tries the numeric forms at i; returns the match length or 0.
std::size_t match_number(std::string_view s, std::size_t i, IdKind& kind) {
  // YYYYMMDD[-+]NNNN and YYYYMMDDNNNN.
  if (all_digits(s, i, 8)) {
    const int century = num(s, i, 2);
    const bool plausible =
        century >= 18 && century <= 20 && swedish_date(num(s, i + 4, 2), num(s, i + 6, 2));
    if (plausible && i + 13 <= s.size() && (s[i + 8] == '-' || s[i + 8] == '+') &&
        all_digits(s, i + 9, 4) && number_ends(s, i + 13)) {
      kind = IdKind::personnummer;
      return 13;
    }
    if (plausible && all_digits(s, i + 8, 4) && number_ends(s, i + 12)) {
      char d[10];
      s.copy(d, 10, i + 2);
      if (luhn10(d)) {
        kind = IdKind::personnummer;
        return 12;
      }
    }
  }
  if (!all_digits(s, i, 6)) return 0;
  // YYMMDD[-+]NNNN (Swedish) or DDMMYY-NNNN (Danish).
  if (i + 11 <= s.size() && (s[i + 6] == '-' || s[i + 6] == '+') && all_digits(s, i + 7, 4) &&
      number_ends(s, i + 11)) {
    char d[10];
    s.copy(d, 6, i);
    s.copy(d + 6, 4, i + 7);
    const bool se_date = swedish_date(num(s, i + 2, 2), num(s, i + 4, 2));
    const int dk_day = num(s, i, 2);
    const int dk_month = num(s, i + 2, 2);
    const bool dk_date =
        s[i + 6] == '-' && dk_day >= 1 && dk_day <= 31 && dk_month >= 1 && dk_month <= 12;
    if (se_date && luhn10(d)) {
      kind = IdKind::personnummer;
      return 11;
    }
    if (dk_date) {
      kind = IdKind::cpr;
      return 11;
    }
    if (se_date) {
      kind = IdKind::personnummer;
      return 11;
    }
    return 0;
  }
  // YYMMDDNNNN.
  if (all_digits(s, i, 10) && number_ends(s, i + 10) &&
      swedish_date(num(s, i + 2, 2), num(s, i + 4, 2)) && luhn10(s.data() + i)) {
    kind = IdKind::personnummer;
    return 10;
  }
  return 0;
}

}  // namespace

std::vector<IdMatch> find_identifiers(std::string_view s) {
  std::vector<IdMatch> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_upper(c) && (i == 0 || !is_alnum(s[i - 1])) && all_digits(s, i + 1, 9) &&
        word_ends(s, i + 10)) {
      out.push_back({IdKind::kvnr, i, 10});
      i += 10;
      continue;
    }
    if (is_digit(c) && number_starts(s, i)) {
      IdKind kind{};
      if (const std::size_t n = match_number(s, i, kind)) {
        out.push_back({kind, i, n});
        i += n;
        continue;
      }
    }
    // Skip the rest of this word or digit run: nothing starts inside it.
    if (is_alnum(c)) {
      while (i < s.size() && is_alnum(s[i])) ++i;
    } else {
      ++i;
    }
  }
  return out;
}

std::string Redactor::token(IdKind kind, std::string_view value) const {
  if (p_) return p_->token(kind, value);
  return "[" + std::string(token_label(kind)) + ":redacted]";
}

void Redactor::redact_into(std::string_view text, std::string& out) const {
  std::size_t done = 0;
  for (const auto& m : find_identifiers(text)) {
    out.append(text.substr(done, m.offset - done));
    out += token(m.kind, text.substr(m.offset, m.length));
    done = m.offset + m.length;
  }
  out.append(text.substr(done));
}

std::string Redactor::redact(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  redact_into(text, out);
  return out;
}

}  // namespace cb::log
